"""Text from data/ is shown as text and never executed, wherever the site renders it.

A hostile value (an <img onerror>, a <script>, a </script> and formatting tags) goes
into a data table's field and through the same code the site uses: a chart made with
``ppp_atlas.chart`` (caption, data table, CSV link, the figure's JSON block, plotly's
SVG labels and hover box) and a pandas Styler table as notebooks show them. The page
is opened in Chromium with its Content-Security-Policy bypassed, so that escaping is
what is tested, not the CSP.
"""
from __future__ import annotations

import csv

import plotly.express as px
import pytest

import browser
from ppp_atlas import charts, data, sphinx_ext

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script></script><b>bold</b>'


@pytest.fixture
def hostile_page(data_copy, site):
    table = data_copy / "data" / "security-workforce.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("note")] = HOSTILE
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    frame = data.load("security-workforce", data_copy / "data" / "datapackage.json", data_copy / "references.bib")
    assert frame["note"].iloc[0] == HOSTILE
    plotted = frame.head(3).assign(label=lambda f: f["note"].where(f.index > 0, HOSTILE))[["label", "note", "row_id"]]
    plotted["count"] = [3, 2, 1]
    figure = px.bar(plotted, x="label", y="count", hover_data=["note"])
    made = charts.chart(figure, name="hostile-test", data=plotted, title="Hostile data", x_title="Label",
                        y_title="Count", sources=["ISO3166"], alt="The first bar's label is hostile markup.", glue=False)
    _, metadata = made._repr_mimebundle_()
    chart_html = sphinx_ext.standalone_chart_html(metadata["text/html"]["ppp_chart"])
    styler_html = frame.head(2)[["row_id", "note"]].style.hide(axis="index").to_html()
    folder = data_copy / "page"
    folder.mkdir()
    (folder / "_static").symlink_to(site / "_static", target_is_directory=True)
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>escaping</title>'
        '<link rel="stylesheet" href="_static/ppp.css"><script defer src="_static/ppp-charts.js"></script></head>'
        f'<body><main>{chart_html}<div class="styler">{styler_html}</div></main></body></html>', encoding="utf-8")
    return folder


def test_hostile_data_is_shown_as_text_and_never_run(chromium, hostile_page):
    context = chromium.new_context(bypass_csp=True)
    dialogs = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        with browser.serve(hostile_page) as base:
            page.goto(f"{base}/index.html", wait_until="load")
            browser.draw_all_charts(page)
            page.locator("details.ppp-chart-data summary").click()
            page.locator("div.ppp-plotly .xtick text").first.wait_for()
            page.locator("div.ppp-plotly .point").first.hover(force=True)  # plotly listens on its drag layer
            page.locator("div.ppp-plotly .hovertext").first.wait_for(timeout=5000)
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert dialogs == []
            assert page.locator("img").count() == 0 and page.locator("main script:not([type])").count() == 0
            assert page.locator("table.ppp-data-table td").first.inner_text() == HOSTILE
            assert page.locator("div.styler td").nth(1).inner_text() == HOSTILE
            ticks = page.locator("div.ppp-plotly .xtick text").all_text_contents()
            assert any(t.startswith("<img") and 'onerror="window.__pwned=1"><script>' in t for t in ticks), ticks
            drawn = page.locator(".ppp-static .xtick text").all_text_contents()  # the static drawing too
            assert any(t.startswith("<img") and 'onerror="window.__pwned=1"><script>' in t for t in drawn), drawn
            hover = page.locator("div.ppp-plotly .hovertext").first.text_content()
            assert "<b>bold</b>" in hover, hover
            assert page.locator("div.ppp-plotly .hovertext b, div.ppp-plotly .xtick b").count() == 0
            csv_href = page.locator("a.ppp-csv").get_attribute("href")
            assert csv_href.startswith("data:text/csv") and "%3Cimg" in csv_href
    finally:
        context.close()
