"""Unit tests of the ppp_atlas package: charts, labels, citation style, build bookkeeping."""
from __future__ import annotations

import base64
import hashlib
import json
import re

import pandas as pd
import plotly.express as px
import pytest

from ppp_atlas import bib, build, charts, citations, postprocess

FRAME = pd.DataFrame({"year": [2017, 2018], "killed": [147, 91]})


def _chart(**overrides):
    arguments = dict(name="unit-test-chart", data=FRAME, title="People killed", x_title="Year",
                     y_title="People (count)", sources=["ISO3166"], alt="Deaths fell.", glue=False)
    arguments.update(overrides)
    return charts.chart(px.bar(FRAME, x="year", y="killed"), **arguments)


def test_chart_bundle_has_plotly_json_and_a_small_script_free_html_part():
    bundle, metadata = _chart()._repr_mimebundle_()
    assert set(bundle) == {charts.MIME_PLOTLY, "text/html", "text/plain"}
    html = bundle["text/html"]
    assert "<script" not in html and len(html) < 5000
    assert re.search(r'id="ppp-chart-[0-9a-f]{12}"', html)
    assert metadata["text/html"]["ppp_chart"]["figure"]["data"][0]["type"] == "bar"


def test_chart_id_is_deterministic_and_follows_the_figure():
    assert _chart().chart_id == _chart().chart_id
    assert _chart().chart_id != _chart(title="Another title").chart_id


def test_chart_carries_title_axes_source_line_and_theme():
    layout = _chart().figure_json["layout"]
    assert layout["title"]["text"] == "People killed"
    assert layout["xaxis"]["title"]["text"] == "Year"
    assert layout["yaxis"]["title"]["text"] == "People (count)"
    assert any("Source:" in a["text"] for a in layout["annotations"])
    assert layout["template"]["layout"]["colorway"] == charts.PALETTE


def test_chart_table_and_csv_hold_exactly_the_plotted_data():
    result = _chart()
    assert result.csv() == "year,killed\n2017,147\n2018,91\n"
    assert "data:text/csv;charset=utf-8,year%2Ckilled%0A2017%2C147" in result.to_html()


def test_chart_escapes_markup_in_data_and_text():
    frame = pd.DataFrame({"label": ["<script>alert(1)</script>"], "value": [1]})
    html = charts.chart(px.bar(frame, x="label", y="value"), name="escape-test", data=frame, title="<b>T</b>",
                        sources=["ISO3166"], alt="<img src=x>", glue=False).to_html()
    assert "<script>" not in html and "<img src=x>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("bad", [dict(name="Bad Name"), dict(alt=" "), dict(sources=[]), dict(sources=["Nobody2099x"]),
                                 dict(data=pd.DataFrame())])
def test_chart_refuses_incomplete_charts(bad):
    with pytest.raises((ValueError, KeyError)):
        _chart(**bad)


def test_labels_keep_cyrillic_names_whole():
    assert bib.short_label("Tojieva2019davlat").startswith("Тожиева")
    labels = list(citations.AuthorYearLabels().format_labels(
        [bib.entries()[k] for k in ("Tojieva2019davlat", "ISO3166")]))
    assert labels[0].startswith("Тожиева2019")


def test_house_style_formats_web_pages_and_translations():
    formatted = dict(citations.format_entries(["Seed2025jamoat"]))
    assert "[Public–private partnership in public safety" in formatted["Seed2025jamoat"]


def test_cite_box_has_four_formats_and_the_page_url():
    box = citations.cite_box_html("Germany", "https://example.org/book/germany.html", "book/germany")
    for label in ("APA-like", "GOST-like", "BibTeX", "RIS"):
        assert f"Copy {label}" in box
    assert box.count("https://example.org/book/germany.html") >= 4
    assert 'download="book-germany.bib"' in box


def test_notebook_inputs_follow_the_tables_a_notebook_loads(tmp_path, monkeypatch):
    digests = build.notebook_inputs()
    assert digests and all(len(d) == 64 for d in digests.values())
    assert build._LOAD.findall('x = load("attack-statistics")') == ["attack-statistics"]
    assert build._LOAD.findall('x = load(\\"countries\\")') == ["countries"]


# --- post-processing of the built pages ---------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8" />
<script defer src="../_static/scripts/fontawesome.js?digest=abc"></script>
<script>document.documentElement.dataset.mode = "auto";</script>
<script type="application/json" class="ppp-chart-json">{"data": []}</script>
</head><body>
<a class="reference external" href="https://example.org/a">out</a>
<a href="https://example.org/b" rel="license">licence</a>
<a href="//example.org/c" rel="noopener">already</a>
<a class="reference internal" href="../book/data.html#countries">in</a>
<button onclick="window.print()">print</button>
</body></html>
"""


def test_postprocess_drops_fontawesome_script_and_adds_noopener_to_external_links_only():
    out = postprocess.process_page(PAGE)
    assert "fontawesome.js" not in out
    assert '<a class="reference external" href="https://example.org/a" rel="noopener">' in out
    assert '<a href="https://example.org/b" rel="license noopener">' in out
    assert '<a href="//example.org/c" rel="noopener">' in out
    assert '<a class="reference internal" href="../book/data.html#countries">' in out


def test_postprocess_csp_allows_exactly_the_inline_code_on_the_page():
    def sha(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    out = postprocess.process_page(PAGE)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', out).group(1)
    assert out.index("Content-Security-Policy") < out.index("<script")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    scripts = directives["script-src"].split()
    assert scripts == ["'self'", sha('document.documentElement.dataset.mode = "auto";')]  # JSON data is not code
    assert "onclick" not in out and '<button data-ppp-action="print">' in out
    assert directives["default-src"] == directives["connect-src"] == directives["font-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "http" not in policy and "'unsafe-eval'" not in policy


def test_postprocess_refuses_an_inline_handler_it_cannot_replace():
    with pytest.raises(ValueError, match="onmouseover"):
        postprocess.process_page(PAGE.replace("<button ", '<button onmouseover="x()" '))


def test_postprocess_is_idempotent():
    once = postprocess.process_page(PAGE)
    assert postprocess.process_page(once) == once
    assert once.count("Content-Security-Policy") == 1


def test_chart_escapes_text_from_data_in_the_figure_but_keeps_line_breaks():
    frame = pd.DataFrame({"label": ["A & B", "<b>x</b>"], "note": ["line one<br>line two", "<i>y</i>"], "value": [1, 2]})
    made = charts.chart(px.bar(frame, x="label", y="value", hover_data=["note"]), name="escape-figure-test", data=frame,
                        title="T", x_title="Label", y_title="Value", sources=["ISO3166"], alt="Escaped.", glue=False)
    trace = made.figure_json["data"][0]
    assert trace["x"] == ["A &amp; B", "&lt;b&gt;x&lt;/b&gt;"]
    assert trace["customdata"] == [["line one<br>line two"], ["&lt;i&gt;y&lt;/i&gt;"]]
    assert "<b>" in trace["hovertemplate"] or "%{" in trace["hovertemplate"]  # the notebook's template is kept


def test_notebook_tables_escape_markup_in_data():
    frame = pd.DataFrame({"note": ["<script>alert(1)</script>"]})
    assert "<script>alert(1)" not in frame.style.to_html() and "&lt;script&gt;" in frame.style.to_html()


def test_rebuild_prunes_outputs_of_removed_pages_and_renamed_static_files(tmp_path):
    for name in ("book/index.html", "book/removed-chapter.html", "search.html", "_sources/book/index.md",
                 "_sources/book/removed-chapter.md", "_static/ppp-charts.js", "_static/ppp-old-name.js",
                 "_static/basic.css"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    removed = build.prune_stale_outputs(tmp_path)
    assert sorted(removed) == ["_sources/book/removed-chapter.md", "_static/ppp-old-name.js", "book/removed-chapter.html"]
    assert (tmp_path / "book/index.html").exists() and (tmp_path / "_static/basic.css").exists()


def test_plain_text_fast_path_gives_what_full_latex_decoding_gives():
    from pybtex.richtext import Text

    citations.register_style()
    full = Text.from_latex.__func__.full
    values = [v for entry in bib.entries().values() for v in entry.fields.values()]
    values += ["Bundesministerium für Wirtschaft", "A -- B", "``q''", "x~y", "{Protected} text", "50\\%", ""]
    assert len(values) > 1000
    for value in values:
        assert Text.from_latex(value) == full(Text, value), value
