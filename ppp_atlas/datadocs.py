"""The Data page and its downloads, both made from ``data/datapackage.json``.

Every reader-visible string of the Data page passes through a translator ``tr`` (English
unchanged by default); the editions give it their ``data`` catalog. :func:`messages` lists
exactly the strings the page asks ``tr`` for, by rendering the page with a recorder, so the
catalog and the page cannot disagree."""
from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from markdown_it import MarkdownIt

from . import bib, citations, data, paths

ZIP_NAME = "ppp-atlas-data.zip"
#: The Data page's own fixed words (the rest of what it shows comes from data/).
#: Every fixed word of the Data page, in one place for the editions' catalogs (``data.po``).
WORDS = {
    "required": "required",
    "unique": "unique",
    "min": "min",
    "max": "max",
    "pattern": "pattern",
    "one_of": "one of:",
    "rows": "{n} rows",
    "jurisdictions": "{n} jurisdictions",
    "years": "years {first}–{last}",
    "none": "none",
    "outline_caption": "Parts of the source article and the footnotes each holds",
    "part": "Part",
    "name": "Name",
    "opening_words": "Opening words (Uzbek, with an English gloss)",
    "holds": "What it holds",
    "footnotes": "Footnotes",
    "coverage": "Coverage:",
    "columns_of": "Columns of {file}",
    "column": "Column",
    "type": "Type",
    "meaning": "Meaning",
    "constraints": "Constraints",
    "sources": "Sources:",
    "download": "Download {file}",
    "schema": "Table Schema (JSON)",
    # verification shares per table (Data page)
    "shares_caption": "How far the sources bear out each table's rows (reference tables left out)",
    "table": "Table",
    "all_rows": "Rows",
    "factual_rows": "Rows that state facts",
    "total": "All tables that state facts",
    "shares_note": "Shares are of the rows that state facts: the book's own model rows (the codebook's levels, "
                   "the model Safe City schedules) are counted apart, and the reference tables (ISO country "
                   "codes, the outline of the source article) are left out, since they check nothing.",
    # intercoder agreement (codebook page)
    "agreement_caption": "Agreement of the two codings, by table",
    "cells": "Cells",
    "alike": "Coded alike",
    "kappa": "Cohen's kappa",
    "weighted_kappa": "Weighted kappa (quadratic)",
    "disagreements": "Disagreements, each resolved with a written reason",
    "by_element_caption": "Agreement of the two codings, by design element",
    "by_function_caption": "Agreement of the two codings, by function",
    "element": "Design element",
    "function": "Function",
    "not_applicable": "n/a",
    "coding_files": "Both codings, the resolutions and the first coder's log:",
    # cells moved since the first edition (page of legal changes)
    "moved_caption": "Cells whose value changed since edition {edition}",
    "cell": "Cell",
    "jurisdiction": "Jurisdiction",
    "before": "Edition {edition}",
    "now": "Now",
    "why": "Why",
    "not_established": "not established",
    "changes_caption": "Changes in the law found since edition {edition}",
    "enacted": "Enacted",
    "in_force": "In force",
    "instrument": "Act",
    "what_changed": "What changed",
    "rows_affected": "Rows affected",
    "package": "Download the whole data package (zip)",
}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _same(text: str) -> str:
    return text


def _constraints(field: dict, tr=_same, text=str, value=str) -> str:
    """A column's constraints in words; ``text`` and ``value`` write the words and the allowed
    values (in HTML: escaped words, values as code, since they are the canonical English CSV's)."""
    c = field.get("constraints", {})
    bits = []
    if c.get("required"):
        bits.append(text(tr(WORDS["required"])))
    if c.get("unique"):
        bits.append(text(tr(WORDS["unique"])))
    for key, label in (("minimum", "min"), ("maximum", "max"), ("pattern", "pattern")):
        if key in c:
            bits.append(f"{text(tr(WORDS[label]))} {(value if key == 'pattern' else text)(str(c[key]))}")
    if "enum" in c:
        bits.append(text(tr(WORDS["one_of"])) + " " + ", ".join(value(v) for v in c["enum"]))
    return "; ".join(bits)


def _code(item) -> str:
    return f"<code>{html.escape(str(item))}</code>"


def downloads_html(static: str, tr=_same) -> str:
    """The Data page's downloads of the whole package (``static``: the page's path to ``_static/``)."""
    e = html.escape
    return (f'<p class="ppp-downloads"><a href="{e(static)}data/ppp-atlas-data.zip" download>{e(tr(WORDS["package"]))}</a>'
            f' · <a href="{e(static)}data/datapackage.json" download>datapackage.json</a></p>')


def _blocks(markdown: str) -> list[str]:
    """A note's paragraphs, lists and tables: the units a translator translates."""
    return [block.strip() for block in re.split(r"\n\s*\n", markdown) if block.strip()]


def _markdown(text: str) -> str:
    """Markdown from data/ as HTML; raw HTML in it is shown as text, never rendered."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def _notes_html(name: str, tr=_same, description: str = "") -> str:
    notes = paths.DATA / "notes" / f"{name}.md"
    if not notes.exists():
        return ""
    lines = notes.read_text(encoding="utf-8").splitlines()
    blocks = _blocks("\n".join(line for line in lines if not line.startswith("# ")))
    if blocks and blocks[0] == description.strip():  # the notes open with the table's description
        blocks = blocks[1:]
    body = "\n\n".join(tr(block) for block in blocks)
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(body)
    # the notes sit under the table's <h3>: their headings become <h4> so no level is skipped
    return re.sub(r"<(/?)h[1-6]>", r"<\1h4>", rendered)


def _coverage(frame, tr=_same) -> str:
    bits = [tr(WORDS["rows"]).format(n=len(frame))]
    if "iso3" in frame:
        bits.append(tr(WORDS["jurisdictions"]).format(n=frame["iso3"].nunique()))
    if "year" in frame and frame["year"].notna().any():
        bits.append(tr(WORDS["years"]).format(first=frame["year"].min(), last=frame["year"].max()))
    counts = frame["verification"].value_counts()
    bits.append(", ".join(f"{counts[s]} {s}" for s in data.VERIFICATION if s in counts))
    return "; ".join(bits)


def labels_html(tr=_same) -> str:
    """The verification labels and what each means, as a definition list (ids ``label-<name>``)."""
    e = html.escape
    items = "".join(f'<dt id="label-{e(name)}"><code>{e(name)}</code></dt><dd>{e(tr(text))}</dd>'
                    for name, text in data.VERIFICATION_LABELS.items())
    return f'<dl class="ppp-labels">{items}</dl>'


def _footnotes(row, tr=_same) -> str:
    first, last = row["footnote_first"], row["footnote_last"]
    if first is None or str(first) == "<NA>":
        return tr(WORDS["none"])
    return f"{first}" if first == last else f"{first}–{last}"


def outline_html(tr=_same) -> str:
    """The numbered outline of the source article (``data/article-outline.csv``) as a table."""
    e = html.escape
    frame = data.load("article-outline").astype(object).where(lambda f: f.notna(), None)
    rows = "".join(
        f'<tr id="article-part-{int(r["part"])}"><td>§{int(r["part"])}</td><td>{e(tr(r["heading_en"]))}</td>'
        f'<td><span lang="uz">{e(r["opening_words_uz"])}</span><br>{e(tr(r["opening_words_en"]))}</td>'
        f'<td>{e(tr(r["topics"]))}</td><td>{e(_footnotes(r, tr))}</td></tr>'
        for r in frame.to_dict("records")
    )
    return (
        f'<table class="ppp-dictionary ppp-outline"><caption>{e(tr(WORDS["outline_caption"]))}'
        f'</caption><thead><tr><th scope="col">{e(tr(WORDS["part"]))}</th><th scope="col">{e(tr(WORDS["name"]))}</th>'
        f'<th scope="col">{e(tr(WORDS["opening_words"]))}</th>'
        f'<th scope="col">{e(tr(WORDS["holds"]))}</th>'
        f'<th scope="col">{e(tr(WORDS["footnotes"]))}</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def table_section_html(resource: dict, bibliography_uri: str, tr=_same) -> str:
    e = html.escape
    name = resource["name"]
    frame = data.load(name)
    fields = "".join(
        f"<tr><td><code>{e(f['name'])}</code></td><td>{e(f.get('type', 'string'))}</td>"
        f"<td>{e(tr(f.get('description', f.get('title', ''))))}</td><td>{_constraints(f, tr, e, _code)}</td></tr>"
        for f in resource["schema"]["fields"]
    )
    keys = sorted({k.strip() for cell in frame["source"].dropna() for k in cell.split(";") if k.strip()})
    sources = ", ".join(
        f'<a href="{e(bibliography_uri)}#{e(citations.bib_anchor(k))}">{e(bib.short_label(k))}</a>' for k in keys
    )
    return (
        f"{_markdown(tr(resource.get('description', '')))}"
        f'<p class="ppp-coverage"><strong>{e(tr(WORDS["coverage"]))}</strong> {e(_coverage(frame, tr))}.</p>'
        f"{_notes_html(name, tr, resource.get('description', ''))}"
        f'<table class="ppp-dictionary"><caption>{e(tr(WORDS["columns_of"]).format(file=resource["path"]))}</caption>'
        f"<thead><tr><th>{e(tr(WORDS['column']))}</th><th>{e(tr(WORDS['type']))}</th><th>{e(tr(WORDS['meaning']))}</th>"
        f"<th>{e(tr(WORDS['constraints']))}</th></tr></thead>"
        f"<tbody>{fields}</tbody></table>"
        f"<p><strong>{e(tr(WORDS['sources']))}</strong> {sources}.</p>"
        f'<p class="ppp-downloads"><a href="{{static}}data/{e(resource["path"])}" download>'
        f'{e(tr(WORDS["download"]).format(file=resource["path"]))}</a>'
        f' · <a href="{{static}}data/schemas/{e(name)}.json" download>{e(tr(WORDS["schema"]))}</a></p>'
    )


def messages() -> list[str]:
    """Every string the Data page asks its translator for, in page order."""
    seen: dict[str, None] = {}

    def record(text: str) -> str:
        if isinstance(text, str) and text.strip():
            seen.setdefault(text, None)
        return text

    downloads_html("", record)
    labels_html(record)
    verification_html(record)
    outline_html(record)
    for resource in data.validate()["resources"]:
        table_section_html(resource, "bibliography.html", record)
    agreement_html(record)
    legal_changes_html(record)
    moved_html(record)
    return list(seen)


def write_downloads(folder: Path) -> None:
    """Copy every table, schema and note, and a deterministic zip of the whole package."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor_files = [paths.PACKAGE, *sorted(paths.DATA.glob("*.csv")), *sorted(paths.DATA.glob("schemas/*.json")),
                        *sorted(paths.DATA.glob("notes/*.md")), *sorted(paths.DATA.glob("coding/*")),
                        paths.DATA / "README.md", paths.BIBFILE]
    with zipfile.ZipFile(folder / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in [p for p in descriptor_files if p.exists()]:
            arcname = "data/" + str(path.relative_to(paths.DATA)) if path.is_relative_to(paths.DATA) else path.name
            target = folder / path.relative_to(paths.DATA) if path.is_relative_to(paths.DATA) else folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


def readme_markdown() -> str:
    """data/README.md: every table's coverage, column dictionary and checking notes."""
    descriptor = data.read_descriptor()
    out = [
        "# Data",
        "",
        "<!-- Generated by `python -m ppp_atlas.datadocs` from datapackage.json, schemas/ and notes/; do not edit. -->",
        "",
        descriptor.get("description", ""),
        "",
        "Every table is a CSV described by a Frictionless Table Schema in `schemas/` and listed in",
        "`datapackage.json`. The last five columns of every table record provenance: `source` (keys of",
        "`../references.bib`), `locator`, `accessed`, `verification` (one of the labels below) and `note`.",
        "Where the article states a figure, a `<field>_in_article` column keeps it beside the verified",
        "value. Locators into the source article follow its numbered outline (`article-outline.csv`):",
        "`article §5` for part 5, `article fn 12` for footnote 12. `make validate` (run first by `make book`",
        "and `make test`) checks every table against its schema, every source key against the bibliography",
        "and every country code against `countries.csv`; errors name the file, row and field.",
        "",
        "Verification labels:",
        "",
        *[f"* `{name}`: {text}" for name, text in data.VERIFICATION_LABELS.items()],
        "",
        "| Table | Rows | Coverage |",
        "|---|---|---|",
    ]
    for resource in descriptor["resources"]:
        frame = data.load(resource["name"])
        out.append(f"| [`{resource['path']}`](#{resource['name']}) | {len(frame)} | {_coverage(frame)} |")
    for resource in descriptor["resources"]:
        notes = paths.DATA / "notes" / f"{resource['name']}.md"
        body = "\n".join(l for l in notes.read_text(encoding="utf-8").splitlines() if not l.startswith("# ")).strip() if notes.exists() else ""
        out += ["", f"## {resource.get('title', resource['name'])}", "", f"<a id=\"{resource['name']}\"></a>",
                f"`{resource['path']}`, schema `schemas/{resource['name']}.json`. Coverage: {_coverage(data.load(resource['name']))}.",
                "", body.replace("\n# ", "\n### ").replace("\n## ", "\n### "), "", "| Column | Type | Meaning | Constraints |", "|---|---|---|---|"]
        for field in resource["schema"]["fields"]:
            meaning = field.get("description", field.get("title", "")).replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{field['name']}` | {field.get('type', 'string')} | {meaning} | {_constraints(field).replace('|', chr(92) + '|')} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    (paths.DATA / "README.md").write_text(readme_markdown(), encoding="utf-8")
    print("wrote data/README.md")


# --- verification shares (Data page) ----------------------------------------------------

#: Tables of reference, not of facts checked against a source: left out of the shares.
REFERENCE_TABLES = ("countries", "article-outline")


def _number(value: float, lang: str, pattern: str = "0.00") -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=lang)


def _percent(value: float, lang: str) -> str:
    from babel.numbers import format_percent

    return format_percent(value, format="0%", locale=lang)


def verification_html(tr=_same, lang: str = "en") -> str:
    """Per table, the share of its factual rows under each verification label; model rows are
    counted apart and the reference tables (:data:`REFERENCE_TABLES`) are left out."""
    e = html.escape
    factual_labels = [s for s in data.VERIFICATION if s != "model"]
    head = "".join(f'<th scope="col"><code>{e(s)}</code></th>' for s in factual_labels)
    rows, totals = [], {s: 0 for s in data.VERIFICATION}
    for resource in data.read_descriptor()["resources"]:
        if resource["name"] in REFERENCE_TABLES:
            continue
        counts = data.load(resource["name"])["verification"].value_counts()
        factual = int(sum(counts.get(s, 0) for s in factual_labels))
        for s in data.VERIFICATION:
            totals[s] += int(counts.get(s, 0))
        cells = "".join(f"<td>{e(_percent(counts.get(s, 0) / factual, lang)) if factual else '–'}</td>"
                        for s in factual_labels)
        rows.append(f'<tr><th scope="row">{e(resource["name"])}</th><td>{e(_number(int(counts.sum()), lang, "#,##0"))}</td>'
                    f'<td>{e(_number(factual, lang, "#,##0"))}</td>{cells}<td>{e(_number(int(counts.get("model", 0)), lang, "#,##0"))}</td></tr>')
    factual = sum(totals[s] for s in factual_labels)
    cells = "".join(f"<td>{e(_percent(totals[s] / factual, lang))}</td>" for s in factual_labels)
    rows.append(f'<tr class="ppp-total"><th scope="row">{e(tr(WORDS["total"]))}</th>'
                f'<td>{e(_number(sum(totals.values()), lang, "#,##0"))}</td><td>{e(_number(factual, lang, "#,##0"))}</td>{cells}'
                f'<td>{e(_number(totals["model"], lang, "#,##0"))}</td></tr>')
    return (f'<div class="ppp-table-box"><table class="ppp-dictionary ppp-shares"><caption>{e(tr(WORDS["shares_caption"]))}</caption>'
            f'<thead><tr><th scope="col">{e(tr(WORDS["table"]))}</th><th scope="col">{e(tr(WORDS["all_rows"]))}</th>'
            f'<th scope="col">{e(tr(WORDS["factual_rows"]))}</th>{head}<th scope="col"><code>model</code></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div><p>{e(tr(WORDS["shares_note"]))}</p>')


# --- the two codings (codebook page) -------------------------------------------------------

def _kappa_text(value, lang: str, tr) -> str:
    import math

    return tr(WORDS["not_applicable"]) if value is None or math.isnan(value) else _number(value, lang)


def _agreement_row(label: str, a, lang: str, tr, weighted: bool) -> str:
    e = html.escape
    cells = [_number(a.cells, lang, "#,##0"), f"{_number(a.agreed, lang, '#,##0')} ({_percent(a.share, lang)})",
             _kappa_text(a.kappa, lang, tr)]
    if weighted:
        cells.append(_kappa_text(a.weighted_kappa, lang, tr))
    return f'<tr><th scope="row">{e(label)}</th>{"".join(f"<td>{e(c)}</td>" for c in cells)}</tr>'


def _cell_labels(table: str) -> dict[str, str]:
    """The English name of each row of a coded table: a function, or a design element (from the codebook)."""
    if table == "design-matrix":
        frame, key, label = data.load("design-codebook"), "dimension", "dimension_label"
    else:
        frame, key, label = data.load(table), "function", "function_label"
    return dict(zip(frame[key], frame[label]))


def agreement_html(tr=_same, lang: str = "en", static: str = "{static}") -> str:
    """The agreement of the two codings: by table, by design element and by function."""
    from . import coding

    e = html.escape
    labels = {table: _cell_labels(table) for table in coding.TABLES}

    def head(first: str, weighted: bool) -> str:
        names = [first, WORDS["cells"], WORDS["alike"], WORDS["kappa"]] + ([WORDS["weighted_kappa"]] if weighted else [])
        return "<thead><tr>" + "".join(f'<th scope="col">{e(tr(n))}</th>' for n in names) + "</tr></thead>"

    tables = []
    for table in coding.TABLES:
        a = coding.table_agreement(table)
        n = len(coding.disagreements(table))
        tables.append(_agreement_row(table, a, lang, tr, True).replace("</tr>", f"<td>{e(_number(n, lang, '#,##0'))}</td></tr>"))
    out = [f'<div class="ppp-table-box"><table class="ppp-dictionary ppp-agreement"><caption>{e(tr(WORDS["agreement_caption"]))}</caption>'
           + head(WORDS["table"], True).replace("</tr></thead>", f'<th scope="col">{e(tr(WORDS["disagreements"]))}</th></tr></thead>')
           + f'<tbody>{"".join(tables)}</tbody></table></div>']
    for table, level, caption, first in (("design-matrix", "dimension", "by_element_caption", "element"),
                                        ("permitted-functions", "function", "by_function_caption", "function")):
        ordinal = coding.TABLES[table][2]
        rows = "".join(_agreement_row(tr(labels[table].get(value, value)), a, lang, tr, ordinal)
                       for value, a in coding.agreement_by(table, level).items())
        out.append(f'<div class="ppp-table-box"><table class="ppp-dictionary ppp-agreement"><caption>{e(tr(WORDS[caption]))}</caption>'
                   f'{head(WORDS[first], ordinal)}<tbody>{rows}</tbody></table></div>')
    files = " · ".join(f'<a href="{static}data/coding/{e(p.name)}" download>{e(p.name)}</a>'
                       for p in sorted((paths.DATA / "coding").glob("*.csv")))
    out.append(f'<p class="ppp-downloads">{e(tr(WORDS["coding_files"]))} {files}</p>')
    return "".join(out)


# --- what changed since the first edition (page of legal changes) ------------------------------

FIRST_EDITION = "0.1.0"


def legal_changes_html(tr=_same, lang: str = "en") -> str:
    from . import countries

    e = html.escape
    names = countries.country_names(lang)
    frame = data.load("legal-changes").astype(object).where(lambda f: f.notna(), "")
    rows = "".join(
        f'<tr id="change-{e(r["change_id"])}"><th scope="row">{e(names.get(r["iso3"], r["iso3"]))}</th>'
        f'<td>{e(_date(r["enacted"], lang))}</td><td>{e(_date(r["in_force"], lang))}</td><td>{e(tr(r["instrument"]))}</td>'
        f'<td>{e(tr(r["what_changed"]))}</td><td>{e(r["rows_affected"])}</td></tr>'
        for r in frame.to_dict("records"))
    names_ = ["jurisdiction", "enacted", "in_force", "instrument", "what_changed", "rows_affected"]
    return (f'<div class="ppp-table-box"><table class="ppp-dictionary ppp-changes"><caption>'
            f'{e(tr(WORDS["changes_caption"]).format(edition=FIRST_EDITION))}</caption><thead><tr>'
            + "".join(f'<th scope="col">{e(tr(WORDS[n]))}</th>' for n in names_)
            + f"</tr></thead><tbody>{rows}</tbody></table></div>")


def _date(value, lang: str) -> str:
    from . import editions

    return editions.full_date(value, lang) if value else "–"


def moved_html(tr=_same, lang: str = "en") -> str:
    """Every cell of the coded tables whose value differs from the first edition's, with why."""
    from . import coding, countries

    e = html.escape
    names = countries.country_names(lang)
    out = []
    for table, (keys, column, _) in coding.TABLES.items():
        frame = data.load(table).astype(object).where(lambda f: f.notna(), "")
        label_of = _cell_labels(table)
        reasons = dict(zip(map(tuple, frame[list(keys)].values), frame["reasoning"]))
        resolved = coding.resolutions(table)["reason"].to_dict()
        value = (lambda v: tr(WORDS["not_established"]) if v == coding.UNKNOWN else v)
        rows = "".join(
            f'<tr><th scope="row">{e(tr(label_of.get(key[0], key[0])))}</th><td>{e(names.get(key[1], key[1]))}</td>'
            f'<td>{e(value(r["before"]))}</td><td>{e(value(r["now"]))}</td>'
            f'<td>{e(tr(resolved.get(key) or reasons.get(key, "")))}</td></tr>'
            for key, r in coding.moved_since(table).iterrows())
        out.append(f'<div class="ppp-table-box"><table class="ppp-dictionary ppp-moved" id="moved-{e(table)}"><caption>'
                   f'{e(table)}: {e(tr(WORDS["moved_caption"]).format(edition=FIRST_EDITION))}</caption><thead><tr>'
                   + "".join(f'<th scope="col">{e(tr(WORDS[n]).format(edition=FIRST_EDITION))}</th>'
                             for n in ("cell", "jurisdiction", "before", "now", "why"))
                   + f"</tr></thead><tbody>{rows}</tbody></table></div>")
    return "".join(out)
