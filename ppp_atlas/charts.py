"""One way to show a chart, everywhere the book is read.

:func:`chart` takes a plain plotly figure and the data it plots, applies the
house theme, and returns a :class:`Chart` whose display bundle has

* ``application/vnd.plotly.v1+json``: the figure, which JupyterLab and Binder draw;
* ``text/html``: a small figure element with a deterministic id (derived from the
  figure), the caption, the source line, the plotted data as a table and a CSV
  download, and no script. The site's own ``ppp-charts.js`` draws the chart
  into it with plotly.js served from the site's static files;
* ``text/plain``: one line naming the chart.

The figure JSON travels in the output metadata of the ``text/html`` part, so the
site extension can place it next to the div without running any code.
"""
from __future__ import annotations

import hashlib
import itertools
import html
import json
import re
import textwrap
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
        margin=dict(l=60, r=20, t=70, b=90),
        geo=dict(bgcolor="rgba(0,0,0,0)", showframe=False, projection_type="natural earth",
                 showcountries=True, countrycolor="rgba(128,128,128,0.6)", showcoastlines=False,
                 landcolor="rgba(128,128,128,0.12)", showland=True, lakecolor="rgba(0,0,0,0)"),
    )
)
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class Chart:
    """A themed figure with its caption, sources and plotted data."""

    def __init__(self, figure: go.Figure, name: str, data: pd.DataFrame, title: str, alt: str, sources: list[str]):
        self.figure, self.name, self.data, self.title, self.alt, self.sources = figure, name, data, title, alt, sources
        self.figure_json = json.loads(pio.to_json(figure, validate=False, engine="json"))
        self.figure_json["data"] = [escape_trace_text(trace) for trace in self.figure_json.get("data", [])]
        self.figure_json["config"] = CONFIG
        digest = hashlib.sha256(json.dumps(self.figure_json, sort_keys=True).encode()).hexdigest()
        self.chart_id = f"ppp-chart-{digest[:12]}"

    @property
    def source_line(self) -> str:
        return "Source: " + "; ".join(bib.short_label(k) for k in self.sources) + "."

    def csv(self) -> str:
        return self.data.to_csv(index=False, lineterminator="\n")

    def table_html(self) -> str:
        table = self.data.to_html(index=False, escape=True, na_rep="", border=0, classes=["ppp-data-table"])
        return table.replace(' style="text-align: right;"', "")

    def to_html(self) -> str:
        e = html.escape
        csv_uri = "data:text/csv;charset=utf-8," + quote(self.csv())
        rows = len(self.data)
        height = self.figure_json.get("layout", {}).get("height") or 450  # plotly's default
        return (
            f'<figure class="ppp-chart" {MARKER}="{self.chart_id}">'
            f'<div class="ppp-plotly" id="{self.chart_id}" style="height:{int(height)}px" role="group" aria-roledescription="interactive chart" aria-label="{e(self.title)}. {e(self.alt)}"></div>'
            f'<figcaption><span class="ppp-chart-title">{e(self.title)}.</span> '
            f'<span class="ppp-chart-alt">{e(self.alt)}</span> '
            f'<span class="ppp-chart-source">{e(self.source_line)}</span></figcaption>'
            f'<details class="ppp-chart-data"><summary>Data behind this chart ({rows} rows)</summary>'
            f'{self.table_html()}'
            f'<p><a class="ppp-csv" download="{e(self.name)}.csv" href="{e(csv_uri)}">Download these data (CSV)</a></p>'
            f"</details></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {
            MIME_PLOTLY: self.figure_json,
            "text/html": self.to_html(),
            "text/plain": f"Chart {self.name}: {self.title}",
        }
        metadata = {"text/html": {"ppp_chart": {"id": self.chart_id, "figure": self.figure_json}}}
        return bundle, metadata


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


def stable_styler_ids() -> None:
    """pandas' Styler names its CSS after a random uuid; name it after the data instead.

    Notebook tables then render the same bytes on every run, so nbval compares real
    outputs and two clean builds give identical pages. Also makes Styler escape the
    data's markup. Called on import of ppp_atlas.
    """
    from pandas.io.formats.style import Styler

    original = Styler.__init__
    if getattr(original, "ppp_stable", False):
        return

    def __init__(self, data, *args, uuid=None, **kwargs):
        if uuid is None:
            frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
            digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()[:6]
            uuid = f"ppp{digest}{next(_styler_serial)}"
        original(self, data, *args, uuid=uuid, **kwargs)

    __init__.ppp_stable = True
    Styler.__init__ = __init__
    # data shown in a notebook table is text: escape its markup (pandas does not by default)
    pd.set_option("styler.format.escape", "html")
    # ... also in cells a notebook formats itself (pandas applies the option only to its own
    # default formatter, so ``.format({...}, na_rep="")`` would show a value's markup as markup)
    # and in the row and column labels, which may be values from data such as country names
    original_format, original_format_index = Styler.format, Styler.format_index

    def format(self, *args, escape=None, **kwargs):
        return original_format(self, *args, escape=escape or pd.get_option("styler.format.escape"), **kwargs)

    def format_index(self, *args, escape=None, **kwargs):
        return original_format_index(self, *args, escape=escape or pd.get_option("styler.format.escape"), **kwargs)

    def escaped_init(self, data, *args, **kwargs):
        __init__(self, data, *args, **kwargs)
        for axis in (0, 1):
            self.format_index(axis=axis)

    escaped_init.ppp_stable = True
    Styler.format, Styler.format_index, Styler.__init__ = format, format_index, escaped_init
    # the default repr shows a memory address, different on every run
    Styler.__repr__ = lambda self: f"<Styler: {self.data.shape[0]} rows x {self.data.shape[1]} columns>"


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
    glue: bool = True,
) -> Chart:
    """Theme ``figure``, glue it under ``name`` and return it for display.

    ``data`` must be exactly what the chart plots: it becomes the table and the
    CSV download. ``sources`` are keys of ``references.bib``; ``alt`` states the
    chart's finding in words for readers who cannot see it.
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
    figure = go.Figure(figure)
    figure.update_layout(template=TEMPLATE, title=dict(text=title, x=0, xanchor="left"))
    if x_title is not None:
        figure.update_xaxes(title_text=x_title)
    if y_title is not None:
        figure.update_yaxes(title_text=y_title)
    result = Chart(figure, name, data.reset_index(drop=True), title, alt, list(sources))
    figure.add_annotation(
        text="<br>".join(html.escape(line) for line in textwrap.wrap(result.source_line, 110)), showarrow=False, xref="paper", yref="paper",
        x=0, y=0, yshift=-75, xanchor="left", yanchor="top", font=dict(size=11), align="left",
    )
    result = Chart(figure, name, data.reset_index(drop=True), title, alt, list(sources))
    if glue:
        from myst_nb import glue as myst_glue

        myst_glue(name, result, display=False)
    return result
