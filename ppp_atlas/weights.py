"""``{weights-form}``: readers set their own weights and re-rank the design matrix in the page.

At build time the directive writes, from ``data/`` through the package, the codes of every
jurisdiction, the element labels (the codebook's, as on the charts), the presets and every
fixed string of the form as inert JSON (``<script type="application/json">``, ``<`` written
as ``\\u003c``). Without JavaScript the page shows the equal-weight results table, computed
here with :func:`ppp_atlas.matrix.weighted_index`, and a note that the form needs scripts.
``_static/ppp-weights.js`` (deferred, no inline code) builds the controls, recomputes the
index with the same rule, redraws the table and a bar chart, and keeps the weights in the
page's URL (``?weights=element:2,...``).

Editions: every fixed reader-visible string lives in :data:`WORDS` (one dict, so that it can
be routed through a translation catalog); country names come from ``countries.csv`` in the
edition's language; numbers are formatted for the page's language (Babel here; in the browser
``Intl.NumberFormat`` with the decimal and group signs Babel gives for the edition).
"""
from __future__ import annotations

import html
import json
import math

from docutils import nodes
from docutils.parsers.rst import Directive

from . import config, paths, sphinx_domain

MAX_WEIGHT = 4       # each control runs from 0 (ignored) to 4 in whole steps
DEFAULT_WEIGHT = 1   # equal weights
EMPHASIS = 3         # a preset's emphasised elements count three times as much as the rest
FOCUS = "UZB"        # the jurisdiction the book is about, set apart in the chart as in the notebook's

# Presets: the elements each one emphasises (codebook dimensions). Why these, in the page.
PRESETS = {
    "equal": [],
    "contracts": ["legal_basis_ppp", "model_contracts", "risk_allocation", "kpi_sla_regime"],
    "rights": ["oversight_audit", "transparency_disclosure", "surveillance_data_cyber", "limits_private_force",
               "local_community_participation"],
}

# Every fixed reader-visible string of the form; {name} fields are filled in by the script.
WORDS = {
    "legend": "Weight of each design element (0 = left out, 1 = normal, {max} = {max} times normal)",
    "presets": "Presets",
    "preset_equal": "Equal weights",
    "preset_contracts": "Contracts and money",
    "preset_rights": "Rights and oversight",
    "reset": "Reset",
    "link": "Link to this weighting",
    "caption_equal": "Design index with equal weights",
    "caption_custom": "Design index with your weights",
    "jurisdiction": "Jurisdiction",
    "index": "Index (0–100)",
    "rank": "Rank",
    "change": "Change from the equal-weight rank",
    "up": "up {n}",
    "down": "down {n}",
    "same": "no change",
    "no_index": "no index",
    "all_zero": "Every weight is 0: set at least one above 0 to compute an index.",
    "announce": "New ranking: {list}.",
    "announce_item": "{rank}. {name}, {index}",
    "chart_label": "Bar chart of the design index with these weights: {first} ranks first with {first_index}, "
                   "{last} last with {last_index}.",
    "chart_caption": "The index with the weights above, from the same numbers as the table.",
    "needs_js": "The weight controls need JavaScript, which is off or blocked in this browser. The table shows "
                "the index with equal weights; the notebook's weights cell computes any other weighting in Python.",
}


def _language(env) -> str:
    return config.edition(env.config.language)


def _format(value: float, language: str) -> str:
    from babel.numbers import format_decimal

    try:
        return format_decimal(value, format="0.0", locale=language)
    except Exception:  # a language Babel does not know: the English form
        return f"{value:.1f}"


def form_data(language: str = "en") -> dict:
    """Everything the form needs, from data/: elements, jurisdictions with codes, presets, words."""
    from . import data, editions

    tr = editions.translator(language, "ppp")          # the form's fixed words
    label = editions.translator(language, "charts")    # element names, as the charts show them
    matrix = data.load("design-matrix")
    codebook = data.load("design-codebook")
    countries = data.load("countries").set_index("iso3")
    name_column = f"name_{language}" if f"name_{language}" in countries.columns else "name_en"
    elements = codebook.drop_duplicates("dimension")[["dimension", "dimension_label", "dimension_group"]]
    dims = elements["dimension"].tolist()
    wide = matrix.pivot(index="iso3", columns="dimension", values="code").reindex(columns=dims)
    jurisdictions = [{
        "iso3": iso3,
        "name": str(countries.loc[iso3, name_column]),
        "codes": [None if _missing(wide.loc[iso3, d]) else int(wide.loc[iso3, d]) for d in dims],
    } for iso3 in wide.index]
    presets = [{"id": key, "label": tr(WORDS[f"preset_{key}"]),
                "weights": [EMPHASIS if d in emphasised else DEFAULT_WEIGHT for d in dims]}
               for key, emphasised in PRESETS.items()]
    return {
        "elements": [{"id": r.dimension, "label": label(r.dimension_label), "group": label(r.dimension_group)}
                     for r in elements.itertuples()],
        "jurisdictions": jurisdictions,
        "top": _top_code(codebook),
        "max_weight": MAX_WEIGHT,
        "default_weight": DEFAULT_WEIGHT,
        "focus": FOCUS,
        "presets": presets,
        "words": {key: tr(value).replace("{max}", str(MAX_WEIGHT)) for key, value in WORDS.items()},
        "number_symbols": number_symbols(language),
    }


def number_symbols(language: str) -> dict:
    """The edition's decimal and group signs (CLDR, through Babel): the script writes its numbers
    with them, as this module writes the table (a browser's own locale data may lack the
    edition's language: Chromium formats Uzbek numbers with a decimal point)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        return {"decimal": get_decimal_symbol(language), "group": get_group_symbol(language)}
    except Exception:  # a language Babel does not know: the English signs
        return {"decimal": ".", "group": ","}


def _top_code(codebook) -> int:
    from . import matrix

    assert int(codebook["level"].max()) == matrix.TOP_CODE, "the codebook's top level is the index's 100"
    return matrix.TOP_CODE


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def equal_ranking(payload: dict) -> list[dict]:
    """The equal-weight results (the package's index), best first; ties share the better rank."""
    import pandas as pd

    from . import matrix

    dims = [e["id"] for e in payload["elements"]]
    codes = pd.DataFrame([j["codes"] for j in payload["jurisdictions"]], columns=dims,
                         index=[j["iso3"] for j in payload["jurisdictions"]], dtype=float)
    index = matrix.weighted_index(codes, {d: DEFAULT_WEIGHT for d in dims}).round(1)
    rank = index.rank(ascending=False, method="min")
    names = {j["iso3"]: j["name"] for j in payload["jurisdictions"]}
    rows = [{"iso3": iso3, "name": names[iso3], "index": None if pd.isna(index[iso3]) else float(index[iso3]),
             "rank": None if pd.isna(rank[iso3]) else int(rank[iso3])} for iso3 in codes.index]
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))


def form_html(payload: dict, language: str) -> str:
    """The form's static HTML: the note for readers without scripts, the equal-weight table,
    empty places the script fills (controls, chart, live region) and the inert JSON."""
    words = payload["words"]
    e = html.escape
    rows = []
    for row in equal_ranking(payload):
        index = words["no_index"] if row["index"] is None else _format(row["index"], language)
        rank = "–" if row["rank"] is None else str(row["rank"])
        rows.append(f'<tr data-iso3="{e(row["iso3"])}"><th scope="row">{e(row["name"])}</th>'
                    f'<td class="ppp-weights-index">{e(index)}</td><td class="ppp-weights-rank">{e(rank)}</td>'
                    f'<td class="ppp-weights-change">{e(words["same"])}</td></tr>')
    payload_json = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")
    return (
        '<div class="ppp-weights" id="ppp-weights-form">\n'
        f'<p class="ppp-weights-needs-js">{e(words["needs_js"])}</p>\n'
        '<form class="ppp-weights-controls" hidden></form>\n'
        # a box that scrolls on a narrow screen (long Uzbek and Russian headers) is reachable by keyboard
        f'<div class="ppp-weights-table-box" tabindex="0" role="region" aria-label="{e(words["caption_equal"])}">'
        f'<table class="ppp-weights-table"><caption>{e(words["caption_equal"])}</caption>'
        f'<thead><tr><th scope="col">{e(words["jurisdiction"])}</th><th scope="col">{e(words["index"])}</th>'
        f'<th scope="col">{e(words["rank"])}</th><th scope="col">{e(words["change"])}</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>\n'
        '<figure class="ppp-weights-chart" hidden></figure>\n'
        '<p class="ppp-weights-status ppp-visually-hidden" aria-live="polite" aria-atomic="true"></p>\n'
        f'<script type="application/json" class="ppp-weights-json">{payload_json}</script>\n'
        '</div>'
    )


class WeightsForm(Directive):
    """``{weights-form}``: the reader's own weighting of the design matrix (no options)."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        for name in ("design-matrix", "design-codebook", "countries"):
            env.note_dependency(str(paths.DATA / f"{name}.csv"))
        env.note_dependency(__file__)
        from . import editions

        for domain in ("ppp", "charts"):  # the edition's words for the form
            editions.note_catalog(env, _language(env), domain)
        for name in ("ppp-weights.js", "ppp.css"):  # so that a change to either rewrites the page
            env.note_dependency(str(paths.ROOT / "ppp_atlas" / "static" / name))
        language = _language(env)
        node = nodes.raw("", form_html(form_data(language), language), format="html")
        sphinx_domain.page_data(env).note_weights_form(env.docname)
        return [node]


def _add_script(app, pagename, templatename, context, doctree):
    """ppp-weights.js only on the pages that hold the form."""
    if doctree is not None and sphinx_domain.page_data(app.env).has_weights_form(pagename):
        app.add_js_file("ppp-weights.js", loading_method="defer")


def setup(app):
    app.add_directive("weights-form", WeightsForm)
    app.connect("html-page-context", _add_script)
