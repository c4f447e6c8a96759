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
from ppp_atlas import charts, data, sphinx_ext, table_style

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
    styler_html = table_style(frame.head(2)[["row_id", "note"]]).hide(axis="index").to_html()
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


# --- markup-like text in data goes through the post-processor as text -----------------------

import html as _html  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from ppp_atlas import postprocess  # noqa: E402

MARKUP_LIKE = ['The theme button has onclick="x()"', "< 5 staff", "<script>alert(1)</script>",
               'a "quoted" attr=', 'quoting the theme: onclick="window.print()" and role="doc-biblioentry"']
THEME_HEAD = ('<!DOCTYPE html>\n<html lang="en"><head>\n<meta charset="utf-8" />\n'
              '<script src="_static/doctools.js?v=1"></script>\n'
              '<script>document.documentElement.dataset.mode = "auto";</script>\n'
              '<link rel="stylesheet" href="_static/ppp.css"><script defer src="_static/ppp-charts.js"></script>\n'
              '<title>markup-like data</title></head>\n')


class _Text(HTMLParser):
    """Text of the elements with a given class or tag, as a browser would show it."""

    def __init__(self, selector):
        super().__init__()
        self.selector, self.depth, self.texts, self.attrs = selector, 0, [], []

    def handle_starttag(self, tag, attrs):
        self.attrs += attrs
        if self.depth:
            self.depth += 1
        elif tag == self.selector or ("class", self.selector) in attrs:
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def _texts(page, selector):
    parser = _Text(selector)
    parser.feed(page)
    return parser.texts, parser.attrs


def _markup_like_page(data_copy):
    table = data_copy / "data" / "security-workforce.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    for i, value in enumerate(MARKUP_LIKE, start=1):
        rows[i][rows[0].index("note")] = value
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    frame = data.load("security-workforce", data_copy / "data" / "datapackage.json", data_copy / "references.bib")
    shown = frame.head(len(MARKUP_LIKE))[["row_id", "note"]].assign(count=range(len(MARKUP_LIKE), 0, -1))
    figure = px.bar(shown, x="note", y="count", hover_data=["row_id"])
    made = charts.chart(figure, name="markup-like-test", data=shown, title=f"Markup-like notes: {MARKUP_LIKE[1]}",
                        x_title="Note", y_title="Count", sources=["ISO3166"], glue=False,
                        alt=f"The caption quotes a note: {MARKUP_LIKE[0]}.")
    _, metadata = made._repr_mimebundle_()
    chart_html = sphinx_ext.standalone_chart_html(metadata["text/html"]["ppp_chart"])  # as the build renders it
    styler_html = table_style(frame.head(len(MARKUP_LIKE))[["row_id", "note"]]).hide(axis="index").to_html()
    glued = "".join(f'<p class="glued">{_html.escape(v, quote=False)}</p>' for v in MARKUP_LIKE)  # as docutils writes text
    return (THEME_HEAD + '<body><button onclick="window.print()">print</button>'
            '<a class="reference external" href="https://example.org/">out</a>'
            f'<main>{chart_html}<div class="styler">{styler_html}</div>{glued}</main></body></html>')


def test_markup_like_data_is_processed_as_text(data_copy):
    page = _markup_like_page(data_copy)
    done = postprocess.process_page(page)
    assert postprocess.process_page(done) == done
    cells, attrs = _texts(done, "td")
    notes = [c for c in cells if c in MARKUP_LIKE]
    assert notes == MARKUP_LIKE * 2  # the chart's data table and the notebook table, each value as written
    assert _texts(done, "glued")[0] == MARKUP_LIKE
    assert _texts(done, "ppp-chart-alt")[0] == [f"The caption quotes a note: {MARKUP_LIKE[0]}."]
    # only the theme's real button was rewritten; the note quoting its attribute is untouched text
    assert ("data-ppp-action", "print") in attrs and not [a for a, _ in attrs if a.startswith("on")]
    assert done.count('data-ppp-action="print"') == 1
    assert 'quoting the theme: onclick="window.print()" and role="doc-biblioentry"' in done
    assert '<script defer src="_static/doctools.js?v=1"></script>' in done
    assert '<a class="reference external" href="https://example.org/" rel="noopener">' in done
    policy = _html.unescape(re_search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', done))
    hashes = [s for s in policy.split("script-src ")[1].split(";")[0].split() if s.startswith("'sha256-")]
    assert len(hashes) == 1  # the theme's own inline script; a <script> in data is text, not code


def re_search(pattern, text):
    import re

    return re.search(pattern, text).group(1)


def test_markup_like_data_under_the_real_policy_shows_as_text(chromium, data_copy, site):
    folder = data_copy / "page"
    folder.mkdir()
    (folder / "_static").symlink_to(site / "_static", target_is_directory=True)
    (folder / "index.html").write_text(postprocess.process_page(_markup_like_page(data_copy)), encoding="utf-8")
    context = chromium.new_context()  # the page's own Content-Security-Policy applies
    page = context.new_page()
    messages, dialogs = [], []
    page.on("console", lambda m: messages.append(m.text))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        with browser.serve(folder) as base:
            page.goto(f"{base}/index.html", wait_until="load")
            browser.draw_all_charts(page)
            page.locator("div.ppp-plotly .xtick text").first.wait_for()
            assert page.locator("div.styler td").all_inner_texts()[1::2] == MARKUP_LIKE
            assert page.locator("p.glued").all_inner_texts() == MARKUP_LIKE
            assert dialogs == [] and page.locator("main script:not([type])").count() == 0
            ticks = page.locator("div.ppp-plotly .xtick text").all_text_contents()
            assert "< 5 staff" in ticks and "<script>alert(1)</script>" in ticks, ticks
            assert page.evaluate("document.documentElement.dataset.mode") == "auto"  # the hashed inline script ran
            assert not [m for m in messages if "Content Security Policy" in m], messages
    finally:
        context.close()


def _with_raw_note(data_copy, value, row=3):
    table = data_copy / "data" / "country-cases.csv"
    rows = list(csv.reader(table.open(encoding="utf-8", newline="")))
    rows[row - 1][rows[0].index("note")] = value
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    # what a notebook cell `display(HTML(note))` would put on a page: the value as markup
    return THEME_HEAD + f'<body><main><div class="output text_html">{value}</div></main></body></html>'


@pytest.mark.parametrize("value, what", [
    ('Guards <b onmouseover="steal()">on duty</b>', 'inline event handler onmouseover="steal()"'),
    ("<script>window.__pwned = 1</script>", "a <script> element runs code"),
])
def test_markup_from_data_that_would_run_names_file_row_and_field(data_copy, value, what):
    page = _with_raw_note(data_copy, value)
    with pytest.raises(postprocess.MarkupError) as error:
        postprocess.process_page(page, data_folder=data_copy / "data")
    message = str(error.value)
    assert what in message and "comes from data/country-cases.csv row 3, field note" in message, message
    assert "line 8" in message  # the page line, for whoever looks at the built page


def test_finish_site_names_the_page_and_a_handler_that_is_not_from_data(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "x.html").write_text(
        THEME_HEAD + '<body><button onmouseover="zoom()">zoom</button></body></html>', encoding="utf-8")
    with pytest.raises(postprocess.MarkupError) as error:
        postprocess.finish_site(tmp_path)
    message = str(error.value)
    assert message.startswith("book/x.html line 8: <button> has an inline event handler onmouseover=\"zoom()\"")
    assert "not text from data/" in message and "theme_fixes.HANDLERS" in message


def test_notebook_tables_escape_data_in_cells_they_format_and_in_their_labels():
    import pandas as pd

    frame = pd.DataFrame({"note": ['Singapore <script>alert(1)</script> a "quoted" attr=', None], "n": [1500.0, None]},
                         index=['Spain onclick="x()" < 5 staff', "ok"])
    # a notebook's own formatter with na_rep: pandas would skip its escape option here
    styled = table_style(frame).format({"n": lambda v: "" if pd.isna(v) else f"{v:,.0f}"}, na_rep="").to_html()
    assert "<script>alert(1)" not in styled and "&lt;script&gt;alert(1)&lt;/script&gt;" in styled
    assert 'onclick="x()" <' not in styled and "Spain onclick=&#34;x()&#34; &lt; 5 staff" in styled
    assert ">1,500<" in styled
    frame.columns = ["<b>note</b>", "n"]
    assert "&lt;b&gt;note&lt;/b&gt;" in table_style(frame).to_html()
    cells, _ = _texts(postprocess.process_page(THEME_HEAD + f"<body>{styled}</body></html>"), "td")
    assert 'Singapore <script>alert(1)</script> a "quoted" attr=' in cells
