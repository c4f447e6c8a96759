"""One way to show a chart, everywhere the book is read.

:func:`chart` takes a plain plotly figure and the data it plots, applies the
house theme, and returns a :class:`Chart` whose display bundle has

* ``application/vnd.plotly.v1+json``: the figure, which JupyterLab and Binder draw;
* ``text/html``: a small figure element with a deterministic id (derived from the
  figure), the caption, the source line, the plotted data as a table and a CSV
  download, and no script. The site's own ``ppp-charts.js`` draws the chart
  into it with plotly.js served from the site's static files;
* ``text/plain``: one line naming the chart.

Everything the site needs travels in the output metadata of the ``text/html`` part
(``ppp_chart``: both figures, name, title, alt, source keys, the plotted data, the
anchor). The site renders each chart's box at build time from it, through ONE function,
:func:`render_chart_html`, which every edition calls with its own ``translate``; the
static SVG drawn from the same (translated) figure is placed in the box, so the chart
shows before and without any script. :func:`chart_strings` lists exactly the strings
``translate`` is asked for (the editions' catalog).
"""
from __future__ import annotations

import hashlib
import itertools
import html
import json
import re
import textwrap
from functools import lru_cache
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import bib

MIME_PLOTLY = "application/vnd.plotly.v1+json"
MARKER = "data-ppp-chart"

#: Okabe & Ito's colour-blind-safe palette, black swapped for grey so that it
#: reads on light and dark backgrounds.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
#: Sequential scale for heatmaps and maps (viridis: perceptually even, colour-blind safe).
SEQUENTIAL = "Viridis"

TEMPLATE = go.layout.Template(
    layout=dict(
        colorway=PALETTE,
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(gridcolor="rgba(128,128,128,0.25)", zerolinecolor="rgba(128,128,128,0.5)", automargin=True),
        yaxis=dict(gridcolor="rgba(128,128,128,0.25)", zerolinecolor="rgba(128,128,128,0.5)", automargin=True),
        colorscale=dict(sequential=SEQUENTIAL),
        hoverlabel=dict(font_size=13),
        margin=dict(l=10, r=10, t=10, b=10),  # automargin makes room for the labels
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom", title_text="", font_size=13),
        title=dict(text=""),  # the title is in the figure caption, where it cannot be clipped
        geo=dict(bgcolor="rgba(0,0,0,0)", showframe=False, projection_type="natural earth",
                 showcountries=True, countrycolor="rgba(128,128,128,0.6)", showcoastlines=False,
                 landcolor="rgba(128,128,128,0.12)", showland=True, lakecolor="rgba(0,0,0,0)"),
    )
)
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
#: The two drawings of every chart: ``wide`` for a chart box of at least BREAKPOINT px,
#: ``narrow`` below (phones). Each is drawn at its width; the box keeps the same height
#: whether the static image or the interactive chart is in it, so nothing moves.
WIDTHS = {"wide": 660, "narrow": 300}
BREAKPOINT = 560
#: Characters per line of a wrapped category label (before translation lengthens it).
WRAP = {"wide": 26, "narrow": 16}
GEO_TRACES = ("choropleth", "scattergeo")  # drawn by the larger map bundle, loaded only where needed
MIN_FONT = 13  # drawn size; the narrow image is scaled by at most 300/256 on a 320 px phone
#: Every fixed word of a chart's box, in one place for the editions' catalogs.
WORDS = {
    "source": "Source:",
    "data": "Data behind this chart ({rows} rows)",
    "csv": "Download these data (CSV)",
    "svg": "Download the chart (SVG)",
    "link": "Link to this chart",
    "cite": "Cite this chart:",
    "chart": "chart",
    "interactive": "interactive chart",
    "static": "Chart image",
    "hint": "Point at, tap or focus the chart to explore its values.",
    "open": "Interactive chart",
}
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _identity(text: str) -> str:
    return text


def _figure_json(figure: go.Figure) -> dict:
    result = json.loads(pio.to_json(figure, validate=False, engine="json"))
    result["data"] = [escape_trace_text(trace) for trace in result.get("data", [])]
    result["config"] = CONFIG
    return result


def _records(data: pd.DataFrame) -> dict:
    """The plotted data as JSON-safe columns and rows (NaN as null)."""
    split = json.loads(data.to_json(orient="split", index=False, date_format="iso", double_precision=15))
    return {"columns": [str(c) for c in split["columns"]], "rows": split["data"]}


class Chart:
    """A themed figure with its caption, sources and plotted data."""

    def __init__(self, figure: go.Figure, name: str, data: pd.DataFrame, title: str, alt: str, sources: list[str],
                 narrow: go.Figure | None = None, short: dict | None = None):
        self.short = {str(k): str(v) for k, v in (short or {}).items()}
        self.figure, self.name, self.data, self.title, self.alt, self.sources = figure, name, data, title, alt, sources
        self.figure_json = _figure_json(figure)
        self.narrow_json = _figure_json(narrow) if narrow is not None else None
        digest = hashlib.sha256(json.dumps([self.figure_json, self.narrow_json, name, title, alt, sources, self.short],
                                           sort_keys=True).encode()).hexdigest()
        self.chart_id = f"ppp-chart-{digest[:12]}"

    @property
    def source_line(self) -> str:
        return WORDS["source"] + " " + "; ".join(bib.short_label(k) for k in self.sources) + "."

    def csv(self) -> str:
        return self.data.to_csv(index=False, lineterminator="\n")

    def meta(self) -> dict:
        """Everything the site needs to render this chart (output metadata ``ppp_chart``)."""
        return {
            "version": 2, "id": self.chart_id, "name": self.name, "anchor": f"chart-{self.name}",
            "title": self.title, "alt": self.alt, "sources": list(self.sources),
            "source_labels": [bib.short_label(k) for k in self.sources],
            "figure": self.figure_json, "narrow": self.narrow_json, "data": _records(self.data),
            "short": dict(self.short),
        }

    def to_html(self) -> str:
        return render_chart_html(self.meta())

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {
            MIME_PLOTLY: self.figure_json,
            "text/html": self.to_html(),
            "text/plain": f"Chart {self.name}: {self.title}",
        }
        metadata = {"text/html": {"ppp_chart": self.meta()}}
        return bundle, metadata


# --- one chart box for every edition -------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def data_cell(value, translate=_identity) -> str:
    """A cell of a chart's data as the edition writes it: a label from data (a category, a
    country) through ``translate``; a list of countries ("United Kingdom, Germany") name by name;
    numbers, codes and keys as they are."""
    text = _cell(value)
    if isinstance(value, bool):  # yes or no, in the edition's words
        return translate(text)
    if not isinstance(value, str) or not text.strip() or _is_number(text):
        return text
    if ", " in text and all(part in _english_country_names() for part in text.split(", ")):
        return ", ".join(translate(part) for part in text.split(", "))  # "United Kingdom, Germany"
    return translate(text)


@lru_cache(maxsize=1)
def _english_country_names() -> frozenset:
    import csv

    from . import paths

    with (paths.DATA / "countries.csv").open(encoding="utf-8") as handle:
        return frozenset(row["name_en"] for row in csv.DictReader(handle))


def data_table(columns, rows, translate=_identity) -> tuple[list[str], list[list[str]]]:
    """The plotted data in the edition's words: column titles and labels translated."""
    return [translate(c) for c in columns], [[data_cell(v, translate) for v in row] for row in rows]


def _table_html(columns, rows, translate) -> str:
    e = html.escape
    titles, cells = data_table(columns, rows, translate)
    head = "".join(f"<th>{e(c)}</th>" for c in titles)
    body = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in cells)
    return f'<table class="ppp-data-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _csv_text(columns, rows, translate=_identity) -> str:
    """The CSV download: the edition's column titles and labels (the canonical English tables
    are on the Data page)."""
    import csv
    import io

    titles, cells = data_table(columns, rows, translate)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(titles)
    writer.writerows(cells)
    return buffer.getvalue()


def chart_heights(figures: dict[str, dict]) -> dict[str, int]:
    """The chart box's height in px for each drawing (the same for the image and the interactive chart)."""
    return {v: int(f["layout"]["height"]) for v, f in figures.items()}


def is_map(meta: dict) -> bool:
    """A chart with a map trace: drawn by the larger plotly bundle, its static drawings kept in
    files beside the page (see :func:`static_images`)."""
    return any(tr.get("type") in GEO_TRACES for f in (meta["figure"], meta.get("narrow") or {}) for tr in f.get("data", []))


#: A chart whose two static drawings (wide and narrow) are longer than this, inline, has them as
#: files beside the page instead (see :func:`static_images`): the maps (world outlines), the
#: heatmaps (their cells a raster image), the timelines and the sunburst (many labels). Inline they
#: would make up half of a page's HTML.
INLINE_DRAWINGS_MAX = 40_000


def drawn_as_files(meta: dict, drawings: list[str]) -> bool:
    """Whether the chart's static drawings go to files beside the page rather than inline."""
    return is_map(meta) or sum(len(d) for d in drawings) > INLINE_DRAWINGS_MAX


#: The drawing's ink as kaleido writes it, and the ink of dark mode (the same rule as ppp.css).
INK, DARK_INK = "rgb(34, 34, 34)", "#e6e6e6"


def dark_svg(svg: str) -> str:
    """A standalone drawing for dark mode: its ink turned light, colours of areas unchanged."""
    at = svg.index(">", svg.index("<svg")) + 1
    return svg[:at] + f'<style>[style*="fill: {INK}"] {{ fill: {DARK_INK} !important; }}</style>' + svg[at:]


def static_images(base_href: str, width: int, height: int, alt: str) -> str:
    """A large static drawing (a map, a heatmap: :func:`drawn_as_files`) as images of the SVG files
    ``<base>.svg`` and ``<base>-dark.svg`` (world outlines weigh some 75 KB gzip a drawing: inline
    they would hold up the page's first paint, as images they load only when near the screen, and
    only the one the theme shows)."""
    e = html.escape
    return "".join(f'<img class="ppp-ink-{ink}" src="{e(base_href)}{suffix}.svg" alt="{e(alt)}" width="{width}" '
                   f'height="{height}" loading="lazy" decoding="async">'
                   for ink, suffix in (("light", ""), ("dark", "-dark")))


def render_chart_html(meta: dict, translate=_identity, lang: str = "en", *, svgs: dict | None = None,
                      svg_href: str | None = None, cite: str | None = None, figure_src: str | None = None,
                      figures: dict | None = None) -> str:
    """The chart's box: static images (``svgs``: drawing name -> SVG markup, or for a large drawing
    ``{"href", "width", "height"}`` of its drawing's files, when the build has drawn them), the
    interactive chart's place, caption with source, link and citation, and the plotted data with
    CSV and SVG downloads. Every reader-visible string passes ``translate``."""
    e, t = html.escape, translate
    anchor, chart_id = meta.get("anchor") or f"chart-{meta['name']}", meta["id"]
    title, alt = t(meta["title"]), t(meta["alt"])
    labels = ([bib.short_label(k, lang=lang) for k in meta["sources"]] if lang != "en"
              else meta.get("source_labels") or [bib.short_label(k) for k in meta["sources"]])
    source = t(WORDS["source"]) + " " + "; ".join(labels) + "."
    columns, rows = meta["data"]["columns"], meta["data"]["rows"]
    heights = chart_heights(figures or chart_figures(meta, translate, lang))
    label = f"{title}. {alt}"
    geo = is_map(meta)
    extra = (f' data-src="{e(figure_src)}"' if figure_src else "") + (' data-ppp-geo="1"' if geo else "")
    statics = ""
    for variant, svg in (svgs or {}).items():
        if isinstance(svg, dict):  # a large drawing: images of its files, the label as their alt text
            statics += (f'<div class="ppp-static ppp-static-{variant}">'
                        f'{static_images(svg["href"], svg["width"], svg["height"], label)}</div>')
        else:
            statics += (f'<div class="ppp-static ppp-static-{variant}" role="img" aria-label="{e(label)}">{svg}</div>')
    csv_uri = "data:text/csv;charset=utf-8," + quote(_csv_text(columns, rows, t))
    downloads = f'<a class="ppp-csv" download="{e(meta["name"])}.csv" href="{e(csv_uri)}">{e(t(WORDS["csv"]))}</a>'
    if svg_href:
        downloads += f' · <a class="ppp-svg" download="{e(meta["name"])}.svg" href="{e(svg_href)}">{e(t(WORDS["svg"]))}</a>'
    cite_html = f'<p class="ppp-chart-cite">{e(t(WORDS["cite"]))} {e(cite)}</p>' if cite else ""
    hint = e(t(WORDS["hint"]))
    if statics:  # the interactive chart only on request: a button under the drawing (ppp-charts.js);
        # the chart's place becomes a tab stop, with its hint, once it is drawn
        focus = f' data-ppp-hint="{hint}"'
        tools = (f'<div class="ppp-chart-tools"><button type="button" class="ppp-chart-open" '
                 f'aria-controls="{chart_id}">{e(t(WORDS["open"]))}</button></div>')
    else:  # no drawing: drawn when near the screen
        focus, tools = f' tabindex="0" title="{hint}"', ""
    return (
        f'<figure class="ppp-chart" id="{e(anchor)}" {MARKER}="{chart_id}" lang="{e(lang)}">'
        f'<div class="ppp-chart-box{" ppp-has-static" if statics else ""}" '
        f'style="--ppp-h-wide:{heights["wide"]}px;--ppp-h-narrow:{heights["narrow"]}px">'
        f'{statics}'
        f'<div class="ppp-plotly" id="{chart_id}"{extra}{focus} role="group" '
        f'aria-roledescription="{e(t(WORDS["interactive"]))}" aria-label="{e(label)}"></div>'
        f'</div>'
        f'{tools}'
        f'<figcaption><span class="ppp-chart-title">{e(title)}.</span> '
        f'<span class="ppp-chart-alt">{e(alt)}</span> '
        f'<span class="ppp-chart-source">{e(source)}</span> '
        f'<a class="ppp-chart-link" href="#{e(anchor)}">{e(t(WORDS["link"]))}</a></figcaption>'
        f'<details class="ppp-chart-data"><summary>{e(t(WORDS["data"]).format(rows=len(rows)))}</summary>'
        f'{_table_html(columns, rows, t)}'
        f'<p>{downloads}</p>{cite_html}'
        f"</details></figure>"
    )


# --- the strings of a figure, for translation -------------------------------------------

_TRACE_TEXT = ("x", "y", "z", "labels", "text", "hovertext", "customdata")
_TRACE_TEMPLATES = ("hovertemplate", "texttemplate", "name", "legendgrouptitle")
_BR = re.compile(r"<br\s*/?>", re.I)


def _walk_strings(value, fn):
    """``value`` with ``fn`` applied to every string in it (nested lists included)."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk_strings(v, fn) for v in value]
    if isinstance(value, dict) and "bdata" not in value:  # plotly's typed arrays hold numbers
        return {k: _walk_strings(v, fn) for k, v in value.items()}
    return value


def _data_fn(translate):
    """Data strings are stored HTML-escaped: translate the text, escape the result again."""
    def fn(text):
        if not text.strip() or _is_number(text):
            return text
        return _escape_text(translate(html.unescape(text)))
    return fn


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


def _own_fn(translate):
    def fn(text):
        return translate(text) if text.strip() else text
    return fn


def _title(obj, own):
    if isinstance(obj, dict) and isinstance(obj.get("title"), dict) and "text" in obj["title"]:
        obj["title"]["text"] = own(obj["title"]["text"])
    elif isinstance(obj, dict) and isinstance(obj.get("title"), str):
        obj["title"] = own(obj["title"])


def translate_figure(figure: dict, translate=_identity, lang: str = "en") -> dict:
    """A copy of the figure JSON with every reader-visible string passed through ``translate``
    and numbers written with the edition's separators."""
    figure = json.loads(json.dumps(figure))
    own, data = _own_fn(translate), _data_fn(translate)
    layout = figure.setdefault("layout", {})
    _title(layout, own)
    for key, axis in list(layout.items()):
        if isinstance(axis, dict) and (key.startswith(("xaxis", "yaxis", "coloraxis", "legend")) or key in ("geo",)):
            _title(axis, own)
            if "colorbar" in axis:
                _title(axis["colorbar"], own)
            if "ticktext" in axis:
                axis["ticktext"] = _walk_strings(axis["ticktext"], own)
            if "categoryarray" in axis:
                axis["categoryarray"] = _walk_strings(axis["categoryarray"], data)
    for note in layout.get("annotations", []) or []:
        if "text" in note:
            note["text"] = own(note["text"])
    for trace in figure.get("data", []):
        for key in _TRACE_TEXT:
            if key in trace:
                trace[key] = _walk_strings(trace[key], data)
        for key in _TRACE_TEMPLATES:
            if isinstance(trace.get(key), str):
                trace[key] = own(trace[key]) if key != "name" else data(trace[key])
        if isinstance(trace.get("colorbar"), dict):
            _title(trace["colorbar"], own)
            if isinstance(trace["colorbar"].get("ticktext"), list):
                trace["colorbar"]["ticktext"] = _walk_strings(trace["colorbar"]["ticktext"], data)
        if trace.get("type") == "table":
            for part in ("header", "cells"):
                if isinstance(trace.get(part), dict) and "values" in trace[part]:
                    trace[part]["values"] = _walk_strings(trace[part]["values"], data)
    if lang != "en":
        layout["separators"] = ",\u00a0"  # decimal comma, non-breaking space between thousands
        # plotly.js's own words (mode bar, box plots' hover labels, toasts) in the edition's
        # language: the site's plotly bundle registers the uz and ru dictionaries
        figure["config"] = {**(figure.get("config") or {}), "locale": lang}
    return figure


def chart_strings(meta: dict) -> list[str]:
    """Exactly the strings :func:`render_chart_html` (with its figures) asks ``translate`` for, in order, once each."""
    asked: list[str] = []

    def record(text):
        if text not in asked:
            asked.append(text)
        return text

    render_chart_html(meta, record, svg_href="x.svg", cite="x")
    return asked


# --- laying a figure out for a width ---------------------------------------------------------

def wrap_label(text: str, width: int) -> str:
    """A category label broken into lines of about ``width`` characters (plotly's <br>)."""
    plain = _BR.sub(" ", text)
    return "<br>".join(textwrap.wrap(plain, width, break_long_words=False, break_on_hyphens=False)) or plain


def _category_values(figure: dict, axis_letter: str) -> list:
    values: list = []
    for trace in figure.get("data", []):
        if trace.get("type") in (None, "bar", "box", "heatmap", "scatter") and isinstance(trace.get(axis_letter), list):
            for v in trace[axis_letter]:
                if isinstance(v, str) and v not in values:
                    values.append(v)
    return values


CHAR_PX = 7.4  # average width of a character at 13 px in the house font, for fitting labels
LINE_PX = 17  # height of a line of a wrapped label at 13 px (plotly's line spacing is 1.3)
CODE_PX = 10  # width of a capital letter (ISO codes) at 13 px


def _longest_word(labels) -> int:
    return max((len(w) for label in labels for w in _BR.sub(" ", str(label)).split()), default=0)


def _legend_px(figure: dict, variant: str) -> int:
    """About how tall the legend above the plot is: one row per entry on a phone."""
    if (figure.get("layout") or {}).get("showlegend") is False:
        return 0
    names = [t.get("name") for t in figure.get("data", []) if t.get("name") and t.get("showlegend", True) is not False]
    names = list(dict.fromkeys(names))
    if len(names) < 2 and not any(t.get("showlegend") for t in figure.get("data", [])):
        return 0
    title = ((figure.get("layout") or {}).get("legend") or {}).get("title")
    title_px = LINE_PX + 4 if isinstance(title, dict) and title.get("text") else 0
    if variant == "narrow":
        return title_px + sum(16 * (1 + len(str(n)) // 30) + 6 for n in names)
    return 24 * (1 + int(sum(len(str(n)) * CHAR_PX + 50 for n in names) // (WIDTHS[variant] - 40)))


def _colour_at(scale: list, position: float) -> str:
    """The colour a (stepped) plotly colour scale gives at ``position`` (0 to 1)."""
    colour = scale[0][1]
    for stop, value in scale:
        if float(stop) <= position + 1e-9:
            colour = value
    return colour


def _named_colours_as_legend(figure: dict) -> None:
    """A heatmap whose colour key names categories (``colorbar.ticktext``) gets, on a phone, a
    legend of coloured squares instead: upright names under a colour bar take a third of a
    phone's screen, legend rows a few lines. The heatmap and its hover are unchanged."""
    layout = figure["layout"]
    for trace in list(figure.get("data", [])):
        bar = trace.get("colorbar") or {}
        names, values, scale = bar.get("ticktext"), bar.get("tickvals"), trace.get("colorscale")
        if trace.get("type") != "heatmap" or trace.get("showscale") is False or not isinstance(names, list) \
                or not isinstance(values, list) or len(names) != len(values) or not isinstance(scale, list) \
                or trace.get("zmin") is None or trace.get("zmax") is None:
            continue
        low, high = float(trace["zmin"]), float(trace["zmax"])
        trace["showscale"] = False
        for name, value in zip(names, values):
            figure["data"].append({
                "type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name,
                "showlegend": True, "hoverinfo": "skip", "xaxis": trace.get("xaxis", "x"), "yaxis": trace.get("yaxis", "y"),
                "marker": {"symbol": "square", "size": 13, "color": _colour_at(scale, (float(value) - low) / (high - low))}})
        title = (bar.get("title") or {}).get("text") if isinstance(bar.get("title"), dict) else bar.get("title")
        layout["legend"] = {**(layout.get("legend") or {}), "itemclick": False, "itemdoubleclick": False,
                            "title": {"text": title or "", "side": "top"}}
        layout["showlegend"] = True


def _key_treemap(figure: dict, variant: str) -> int:
    """Every treemap, whose small boxes have no room for their names (plotly hides a name that does
    not fit, on a phone's 300 px and on a printed page alike): each box with no boxes inside shows a
    number, in the order the boxes are drawn, and a key under the drawing gives, kind by kind, each
    number's name, so every box is named in the drawing itself, without scripts (the hover adds the
    details). Returns the px the key adds to the height."""
    layout = figure.setdefault("layout", {})
    lines: list[str] = []
    chars = int((WIDTHS[variant] - 30) / CHAR_PX)
    for trace in figure.get("data", []):
        if trace.get("type") != "treemap" or not isinstance(trace.get("labels"), list):
            continue
        labels, parents = trace["labels"], trace.get("parents") or [""] * len(trace["labels"])
        ids = trace.get("ids") if isinstance(trace.get("ids"), list) else labels
        branches = set(parents)
        values = _plain_values(trace.get("values"), len(ids))
        if trace.get("sort", True) is not False:  # numbered as drawn: largest first (plotly sorts by value, stably)
            order = sorted(range(len(ids)), key=lambda i: -values[i])
        else:
            order = list(range(len(ids)))
        leaves = [i for i in order if ids[i] not in branches]
        kinds = list(dict.fromkeys([k for k in (ids[i] for i in order if ids[i] in branches)]
                                   + [parents[i] for i in leaves]))  # the key reads kind by kind, as drawn
        numbers: dict[int, int] = {}
        for kind in kinds:
            head = labels[ids.index(kind)] if kind in ids else ""
            items = [f"<b>{head}</b>:"] if head else []
            for i in (i for i in leaves if parents[i] == kind):
                numbers[i] = len(numbers) + 1
                items.append(f"{numbers[i]}\u00a0{labels[i]}")
            lines += _pack(items, chars)
        trace["texttemplate"] = [f"<b>{numbers[i]}</b>" if i in numbers else "%{label}" for i in range(len(ids))]
        trace["textposition"] = "top left"
        # a rule's box stands apart from its neighbour of the same colour
        trace["marker"] = {**(trace.get("marker") or {}), "line": {"width": 2, "color": "#ffffff"}}
    if not lines:
        return 0
    key_px = len(lines) * LINE_PX + 16
    margin = layout.setdefault("margin", {})
    margin["b"] = max(margin.get("b", 10), key_px)
    layout.setdefault("annotations", []).append({
        "text": "<br>".join(lines), "showarrow": False, "align": "left", "xref": "paper", "yref": "paper",
        "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "yshift": -8, "font": {"size": MIN_FONT}})
    return key_px


def _plain_values(values, count: int) -> list[float]:
    """A trace's ``values`` as numbers, whether a list or plotly's typed array ({"bdata", "dtype"})."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return [float(v) for v in np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])]
    if isinstance(values, list):
        return [float(v) for v in values]
    return [1.0] * count


def _pack(items: list[str], chars: int) -> list[str]:
    """``items`` (a kind's name, then its numbered rules) in lines of about ``chars`` characters,
    broken between items ("; "), and inside an item only when it is longer than a line."""
    lines: list[str] = []
    line = ""
    for index, item in enumerate(items):
        visible = len(re.sub(r"<[^>]+>", "", item))
        sep = "" if not line else (" " if index == 1 else "; ")
        if line and len(re.sub(r"<[^>]+>", "", line)) + len(sep) + visible > chars:
            lines.append(line + (";" if index > 1 else ""))
            line, sep = "", ""
        if visible > chars and "<" not in item:  # a long name: broken at its spaces, its number kept with it
            head, _, rest = item.partition("\u00a0")
            parts = wrap_label(f"{head}\u00a0{rest}".replace("\u00a0", "\u0001"), chars).replace("\u0001", "\u00a0")
            parts = parts.split("<br>")
            if line:
                lines.append(line)
            lines += parts[:-1]
            line = parts[-1]
            continue
        line += sep + item
    if line:
        lines.append(line)
    return lines


def lay_out(figure: dict, variant: str, short: dict | None = None) -> dict:
    """The figure as drawn at ``WIDTHS[variant]`` px: category labels wrapped to fit (the full
    label stays in the hover and the data table), or written short (``short``: label -> short
    form, e.g. ISO codes) or turned upright when even wrapped they cannot fit side by side;
    legend entries and axis titles wrapped; text inside bars, cells and sectors never drawn
    smaller than MIN_FONT (hidden instead, its value is in the hover and the table)."""
    figure = json.loads(json.dumps(figure))
    layout = figure.setdefault("layout", {})
    if variant == "narrow":
        _named_colours_as_legend(figure)
        legend_title = (layout.get("legend") or {}).get("title")
        if isinstance(legend_title, dict) and legend_title.get("text"):
            legend_title["side"] = "top"  # on a phone the title above the entries, not beside them
    width_px = WIDTHS[variant]
    height = int(layout.get("height") or 450)
    short = short or {}
    layout["uniformtext"] = {"minsize": MIN_FONT, "mode": "hide"}
    cartesian = any(t.get("type", "scatter") in ("scatter", "bar", "box", "heatmap") for t in figure.get("data", []))
    y_label_px = 0
    values_y = _category_values(figure, "y")
    if values_y and not all(_is_number(str(v)) for v in values_y):
        y_label_px = min(WRAP[variant], max(len(str(v)) for v in values_y)) * CHAR_PX + 30
    key_px = 0
    for trace in figure.get("data", []):
        if trace.get("type") == "heatmap" and trace.get("showscale") is not False and variant == "wide":
            bar = trace.setdefault("colorbar", {})  # the colour key stays at the right, its names wrapped
            bar["title"] = {**(bar.get("title") or {}), "side": "right"}
            if isinstance(bar.get("ticktext"), list) and bar["ticktext"]:
                bar["ticktext"] = [wrap_label(str(t), 16) for t in bar["ticktext"]]
            names = [line for t in bar.get("ticktext") or ["000"] for line in str(t).split("<br>")]
            key_px = max(key_px, int(max(len(n) for n in names) * CHAR_PX) + 70)
    plot_px = max(120, width_px - y_label_px - 30 - key_px)
    extra = 0
    for letter in ("x", "y") if cartesian else ():
        axis = layout.setdefault(f"{letter}axis", {})
        title = axis.get("title")
        if isinstance(title, dict) and isinstance(title.get("text"), str) and title["text"]:
            room = (plot_px if letter == "x" else height * 0.6) / CHAR_PX
            title["text"] = wrap_label(title["text"], max(16, int(room)))
        if axis.get("type") not in (None, "category", "-"):
            continue
        values = axis.get("categoryarray") if axis.get("categoryorder") == "array" and axis.get("categoryarray") else _category_values(figure, letter)
        if not values or all(_is_number(str(v)) for v in values):
            continue
        if letter == "y":
            wrapped = [wrap_label(str(v), WRAP[variant]) for v in values]
            lines = max(w.count("<br>") + 1 for w in wrapped)
            groups = sum(1 for t in figure.get("data", []) if t.get("type") == "bar" and t.get("orientation") == "h")
            per_category = max(lines * LINE_PX + 8, 20 * (groups if layout.get("barmode") == "group" else 1))
            needed = len(values) * per_category + 150 + _legend_px(figure, variant)  # labels, legend, axis title, margins
            height = max(height, needed)
        else:
            per_label = plot_px / len(values)
            chars = max(4, int((per_label - 6) / CHAR_PX))
            axis["tickangle"] = 0
            codes = [short[str(v)] for v in values] if short and all(str(v) in short for v in values) else None
            if _longest_word(values) <= chars:
                wrapped = [wrap_label(str(v), chars) for v in values]
            elif codes and max(len(c) for c in codes) * CODE_PX <= per_label - 6:
                wrapped = codes
            else:  # upright labels (short codes if there are), in as many lines as fit side by side
                lines = max(1, int(per_label // 17))
                if codes:
                    wrapped = codes
                else:
                    longest = max(len(str(v)) for v in values)
                    wrapped = [wrap_label(str(v), max(8, -(-longest // lines) + 2)) for v in values]
                axis["tickangle"] = -90
                extra = max(extra, int(max(len(line) for w in wrapped for line in w.split("<br>")) * CHAR_PX))
        if wrapped != [str(v) for v in values]:
            axis.update(tickmode="array", tickvals=list(values), ticktext=wrapped)
    if cartesian and not _category_values(figure, "x"):
        layout.setdefault("xaxis", {})["ticklabelstandoff"] = 10  # the first year never touches the y axis's 0
        if variant == "narrow" and layout["xaxis"].get("type") not in ("category",) and not layout["xaxis"].get("tickvals") \
                and not _category_values(figure, "x"):
            layout["xaxis"].setdefault("nticks", 5)
    legend_chars = int((width_px - 70) / 8) if variant == "narrow" else 48
    for trace in figure.get("data", []):
        kind = trace.get("type")
        if isinstance(trace.get("name"), str) and trace.get("showlegend", True) is not False:
            trace["name"] = wrap_label(trace["name"], legend_chars)
        if kind == "heatmap":
            trace["textfont"] = {**trace.get("textfont", {}), "size": MIN_FONT}
            columns = len(trace["x"]) if isinstance(trace.get("x"), list) else 1
            cells = [str(v) for row in (trace.get("text") or []) if isinstance(row, list) for v in row]
            if cells and max(len(c) for c in cells) * CHAR_PX > plot_px / max(1, columns) - 4:
                trace["texttemplate"] = ""  # too wide for its cell: the colour, the hover and the table say it
            if trace.get("showscale") is not False and variant == "narrow":  # the colour key above the plot
                bar = {**trace.get("colorbar", {}), "orientation": "h", "x": 0, "xanchor": "left",
                       "y": 1.02, "yanchor": "bottom", "thickness": 10, "len": 1,
                       "title": {**(trace.get("colorbar", {}).get("title") or {}), "side": "top"}}
                if isinstance(bar.get("ticktext"), list) and bar["ticktext"]:  # named colours: upright names
                    lines = max(1, int(plot_px / len(bar["ticktext"]) // 17))
                    longest = max(len(str(t)) for t in bar["ticktext"])
                    bar["ticktext"] = [wrap_label(str(t), max(8, -(-longest // lines) + 2)) for t in bar["ticktext"]]
                    bar["tickangle"] = -90
                    extra += int(max(len(line) for t in bar["ticktext"] for line in t.split("<br>")) * CHAR_PX)
                trace["colorbar"] = bar
        if kind == "bar" and trace.get("textposition") == "outside":
            trace["cliponaxis"] = False
            trace["textfont"] = {**trace.get("textfont", {}), "size": MIN_FONT}
            margin = layout.setdefault("margin", {})
            if trace.get("orientation") == "h":
                margin["r"] = max(margin.get("r", 10), 44)
            else:
                margin["t"] = max(margin.get("t", 10), 24)
    layout["height"] = height + extra + _key_treemap(figure, variant)
    return figure


def chart_figures(meta: dict, translate=_identity, lang: str = "en") -> dict[str, dict]:
    """The two drawings of a chart in one edition, translated and laid out: {"wide", "narrow"}."""
    result = {}
    for variant in ("wide", "narrow"):
        source = meta["narrow"] if variant == "narrow" and meta.get("narrow") else meta["figure"]
        data = _data_fn(translate)  # short forms are looked up by the label as the edition writes it
        short = {data(_escape_text(label)): code for label, code in (meta.get("short") or {}).items()}
        result[variant] = lay_out(translate_figure(source, translate, lang), variant, short)
    return result


_SVG_ID = re.compile(r'\sid="([^"]+)"')


def clean_svg(svg: str, prefix: str, standalone: bool = False) -> str:
    """Kaleido's SVG made fit to sit inline in a page: ids renamed deterministically after the
    chart (plotly names clip paths with a random uid, which would differ between builds and
    collide between charts), fixed size replaced by the box's size, no XML prolog.
    ``standalone`` keeps the size, for the SVG file readers download."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # map outlines and lines: one decimal is a tenth of a pixel, and a third of the bytes
    svg = re.sub(r' d="([^"]*)"', lambda m: ' d="' + re.sub(r"(\d+\.\d)\d+", r"\1", m.group(1)) + '"', svg)
    names = list(dict.fromkeys(_SVG_ID.findall(svg)))
    for number, old in enumerate(names):
        new = f"{prefix}-{number}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})").replace(f'"#{old}"', f'"#{new}"')
        svg = svg.replace(f"#{old}&quot;)", f"#{new}&quot;)").replace(f"url('#{old}')", f"url('#{new}')")
    if standalone:  # drawn from the top of its box, as inline
        return svg.replace("<svg ", '<svg preserveAspectRatio="xMidYMin meet" ', 1)
    svg = re.sub(r'<svg([^>]*?)\swidth="[\d.]+"\sheight="[\d.]+"', r'<svg\1', svg, count=1)
    svg = svg.replace("<svg ", '<svg preserveAspectRatio="xMidYMin meet" aria-hidden="true" focusable="false" ', 1)
    return svg


# Trace fields that carry text from data/. plotly.js reads a few tags in them (<b>, <a href>
# ...); escaped, data is shown as written. Line breaks (<br>) that notebooks insert to wrap
# long hover text are kept. Templates and titles are the notebook's own text, not escaped.
DATA_TEXT_FIELDS = ("x", "y", "z", "text", "hovertext", "customdata", "labels", "parents", "ids", "name",
                    "locations", "legendgroup")


def _escape_text(value):
    if isinstance(value, str):
        return html.escape(value, quote=False).replace("&lt;br&gt;", "<br>")
    if isinstance(value, list):
        return [_escape_text(item) for item in value]
    return value


def escape_trace_text(trace: dict) -> dict:
    """The trace with every string from data HTML-escaped (``<br>`` kept)."""
    return {key: _escape_text(value) if key in DATA_TEXT_FIELDS else value for key, value in trace.items()}


_styler_serial = itertools.count(1)


@lru_cache(maxsize=1)
def _table_class():
    """The Styler of :func:`table_style` (defined on first use: importing the package loads no Styler)."""
    from pandas.io.formats.style import Styler

    class Table(Styler):
        """A pandas Styler named after its data (not a random uuid), escaping data's markup in
        every cell and label, with a repr that names no memory address."""

        def __init__(self, data, *args, uuid=None, escape="html", **kwargs):
            if uuid is None:
                frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
                digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()[:6]
                uuid = f"ppp{digest}{next(_styler_serial)}"
            super().__init__(data, *args, uuid=uuid, escape=escape, **kwargs)
            for axis in (0, 1):  # the row and column labels may be values from data (country names)
                self.format_index(axis=axis)

        # pandas applies its escape option only to its own default formatter: a notebook's
        # ``.format({...}, na_rep="")`` would show a value's markup as markup
        def format(self, *args, escape="html", **kwargs):
            return super().format(*args, escape=escape, **kwargs)

        def format_index(self, *args, escape="html", **kwargs):
            return super().format_index(*args, escape=escape, **kwargs)

        def __repr__(self):
            return f"<Styler: {self.data.shape[0]} rows x {self.data.shape[1]} columns>"

    return Table


def table_style(data: pd.DataFrame, **kwargs):
    """A notebook table as the book shows it: ``table_style(frame).hide(axis="index")`` where pandas
    writes ``frame.style.hide(axis="index")``. Its CSS is named after the data (pandas names it
    after a random uuid), so a notebook renders the same bytes on every run, nbval compares real
    outputs and two clean builds give identical pages; the data's markup is escaped in every cell
    (also in cells a notebook formats itself) and label; its repr names no memory address. The
    Sphinx build translates its words in each edition (:mod:`ppp_atlas.tables`)."""
    return _table_class()(data, **kwargs)


def _plotly_quantile(values: list[float], p: float) -> float:
    """plotly.js's quantile of sorted ``values`` (Lib.interp: its "linear" quartile method)."""
    n = p * len(values) - 0.5
    if n < 0:
        return values[0]
    if n > len(values) - 1:
        return values[-1]
    low, frac = int(n // 1), n % 1
    return values[low] if frac == 0 else frac * values[low + 1] + (1 - frac) * values[low]


def box_numbers(samples) -> dict[str, float]:
    """The numbers plotly.js draws a box of ``samples`` from, with its default quartile method
    (src/traces/box/calc.js): quartiles, median, the fences (the last sample within 1.5
    interquartile ranges of the box) and the extremes."""
    values = sorted(float(v) for v in samples if v is not None and v == v)
    q1, median, q3 = (_plotly_quantile(values, p) for p in (0.25, 0.5, 0.75))
    low, high = 2.5 * q1 - 1.5 * q3, 2.5 * q3 - 1.5 * q1
    lower = min(q1, min(v for v in values if v >= low))
    upper = max(q3, max(v for v in values if v <= high))
    return {"q1": q1, "median": median, "q3": q3, "lowerfence": lower, "upperfence": upper,
            "min": values[0], "max": values[-1]}


def _compact(number: float):
    return int(number) if float(number).is_integer() else round(float(number), 6)


def summarise_boxes(figure: go.Figure) -> go.Figure:
    """Box traces that draw no sample points, with every sample replaced by the five numbers plotly.js
    draws from them (:func:`box_numbers`): quartiles, median and, as whiskers, the extremes (with no
    points drawn plotly.js draws the whiskers to the smallest and largest sample, box/plot.js); the
    same boxes, whiskers, hover and axis range, in a figure a few hundred bytes long instead of one
    that carries every sample (5,000 random weightings of 8 jurisdictions made a 1.25 MB figure
    file for 8 boxes)."""
    figure = go.Figure(figure)
    for trace in figure.data:
        if trace.type != "box" or trace.boxpoints is not False or trace.notched or trace.boxmean \
                or trace.quartilemethod not in (None, "linear") or trace.q1 is not None:
            continue
        vertical = trace.orientation != "h"
        positions, values = (trace.x, trace.y) if vertical else (trace.y, trace.x)
        if positions is None or values is None:
            continue
        groups: dict = {}
        for position, value in zip(positions, values):
            groups.setdefault(position, []).append(value)
        numbers = [box_numbers(v) for v in groups.values()]
        if not numbers:
            continue
        update = {key: [_compact(n[key]) for n in numbers] for key in ("q1", "median", "q3")}
        update["lowerfence"] = [_compact(n["min"]) for n in numbers]  # whiskers to the extremes, as drawn
        update["upperfence"] = [_compact(n["max"]) for n in numbers]
        update["x" if vertical else "y"] = list(groups)
        update["y" if vertical else "x"] = None
        trace.update(update)
    return figure


def chart(
    figure: go.Figure,
    *,
    name: str,
    data: pd.DataFrame,
    title: str,
    sources: list[str],
    alt: str,
    x_title: str | None = None,
    y_title: str | None = None,
    narrow: go.Figure | None = None,
    short_labels: dict | None = None,
    glue: bool = True,
) -> Chart:
    """Theme ``figure``, glue it under ``name`` and return it for display.

    ``data`` must be exactly what the chart plots: it becomes the table and the
    CSV download. ``sources`` are keys of ``references.bib``; ``alt`` states the
    chart's finding in words for readers who cannot see it. ``narrow`` is an optional
    other view for phones (e.g. a heatmap turned on its side); by default the same figure
    is laid out for the narrow width (see :func:`lay_out`). ``short_labels`` maps category
    labels to short forms (ISO codes) used where the full labels cannot fit. The chart's title and source go
    in its caption, not inside the plot.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f'chart name "{name}" must be kebab-case (a-z, 0-9, hyphens)')
    if not title.strip() or not alt.strip():
        raise ValueError(f'chart "{name}" needs a title and alt text that states its finding')
    if not sources:
        raise ValueError(f'chart "{name}" needs at least one source key')
    unknown = [k for k in sources if k not in bib.entries()]
    if unknown:
        raise KeyError(f'chart "{name}": unknown source keys {unknown} (not in references.bib)')
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ValueError(f'chart "{name}" needs the plotted data as a non-empty DataFrame')
    figure = summarise_boxes(go.Figure(figure))
    figure.update_layout(template=TEMPLATE)
    if x_title is not None:
        figure.update_xaxes(title_text=x_title)
    if y_title is not None:
        figure.update_yaxes(title_text=y_title)
    if narrow is not None:
        narrow = summarise_boxes(go.Figure(narrow))
        narrow.update_layout(template=TEMPLATE)
    result = Chart(figure, name, data.reset_index(drop=True), title, alt, list(sources), narrow=narrow, short=short_labels)
    if glue:
        from myst_nb import glue as myst_glue

        myst_glue(name, result, display=False)
    return result
