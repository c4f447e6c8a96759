"""A reader on a phone on slow mobile data (issue 24, items 6 and 7), in a real Chromium at 360 px:
plotly.js only on a deliberate request, charts' figures sized to what they draw, a phone's
interactive chart without a mode bar over its legend, the Germany treemap named box by box."""
from __future__ import annotations

import gzip
import json
import re
from html import unescape

import pytest

import browser
from ppp_atlas import config, editions

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PAGE = "notebooks/design-matrix.html"  # the page with the heaviest chart before issue 24
#: Most bytes a chart's figure file (both drawings, one edition) may have: what it draws, not its samples.
FIGURE_BUDGET = 200_000


def _plotly_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "plotly-ppp" in r.url or "/_static/charts/" in r.url
            and r.url.endswith(".json") else None)
    return seen


ASKED_JS = """() => ({asked: document.querySelectorAll("[data-ppp-requested]").length,
                       scripts: document.querySelectorAll('script[src*="plotly-ppp"]').length})"""


def test_scrolling_touching_and_pointing_at_a_chart_fetch_nothing(chromium, base_url):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        requested = _plotly_requests(page)
        page.goto(f"{base_url}/{PAGE}", wait_until="load")
        figures = page.locator("figure.ppp-chart")
        assert figures.count() >= 3
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.locator(".ppp-chart-box").evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the header
            box = figure.locator(".ppp-chart-box").bounding_box()
            middle = min(box["y"] + box["height"] / 2, page.viewport_size["height"] / 2)
            page.touchscreen.tap(box["x"] + box["width"] / 2, middle)  # a finger on it
            figure.locator(".ppp-chart-box").dispatch_event("touchstart")
            figure.locator(".ppp-chart-box").dispatch_event("pointerenter")
            page.mouse.wheel(0, 300)
            # a tap returns once the page has handled it: a chart asked for would be marked, its script added
            assert page.evaluate(ASKED_JS) == {"asked": 0, "scripts": 0}, figure.get_attribute("id")
        # and nothing on the wire: the last chart's button is pressed, its requests are the first
        last = figures.nth(figures.count() - 1)
        with page.expect_request(re.compile(r".*/vendor/plotly-ppp\.min\.js.*")):
            last.locator("button.ppp-chart-open").click()
        assert requested[0].rsplit("/", 1)[-1].split("?")[0] == "plotly-ppp.min.js", requested
        last.locator(".ppp-chart-box.ppp-live").wait_for(timeout=30000)
        names = sorted(u.rsplit("/", 1)[-1].split("?")[0] for u in requested)
        assert names == sorted(["plotly-ppp.min.js", last.locator("div.ppp-plotly").get_attribute("data-src").rsplit("/", 1)[-1]])
        assert page.locator(".ppp-chart-box.ppp-live").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_the_button_fetches_and_draws_the_chart_in_the_drawings_place(chromium, base_url, lang):
    """Reached by the keyboard and pressed with Enter: plotly.js and the figure are fetched, the
    drawing shows until the chart is drawn, then the chart replaces it and takes the focus."""
    prefix = config.site_prefix(lang)
    context = chromium.new_context(**PHONE)
    held = []
    try:
        page = context.new_page()
        requested = _plotly_requests(page)
        page.route(re.compile(r".*/vendor/plotly-ppp\.min\.js.*"), lambda route: held.append(route))
        page.goto(f"{base_url}/{prefix}{'/' if prefix else ''}{PAGE}", wait_until="load")
        figure = page.locator("figure#chart-design-rank-sensitivity")
        button = figure.locator("button.ppp-chart-open")
        figure.scroll_into_view_if_needed()
        assert button.is_visible() and button.text_content() == editions.translator(lang, "ppp")("Interactive chart")
        if lang != "en":
            assert button.text_content() != "Interactive chart"
        button.focus()
        with page.expect_request(re.compile(r".*/vendor/plotly-ppp\.min\.js.*")):
            page.keyboard.press("Enter")
        # plotly.js held back: the drawing is still what the reader sees
        assert figure.locator(".ppp-static-narrow").is_visible()
        assert figure.locator(".ppp-chart-box").get_attribute("aria-busy") == "true"
        assert figure.locator(".plot-container").count() == 0
        held[0].continue_()
        figure.locator(".ppp-chart-box.ppp-live .plot-container .main-svg").first.wait_for(timeout=20000)
        assert figure.locator(".ppp-static-narrow").is_hidden()
        assert page.evaluate("document.activeElement.classList.contains('ppp-plotly')")
        assert page.evaluate("document.activeElement.tabIndex") == 0
        names = sorted(u.rsplit("/", 1)[-1].split("?")[0] for u in requested)
        assert names == ["design-rank-sensitivity.json", "plotly-ppp.min.js"], names
        # the same boxes as the drawing: one per jurisdiction
        assert figure.locator(".plot-container g.trace.boxes path.box").count() == 8
    finally:
        context.close()


MODEBAR_LEGEND_JS = """() => Array.from(document.querySelectorAll("div.ppp-plotly")).filter(d => d.layout).map(d => {
  const legend = d.querySelector(".legend"), bar = d.querySelector(".modebar");
  const shown = e => e && e.getClientRects().length && getComputedStyle(e).display !== "none"
                     && getComputedStyle(e).visibility !== "hidden" && e.getBoundingClientRect().height > 0;
  const r = e => e.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {id: d.id, legend: Boolean(shown(legend)), modebar: Boolean(shown(bar)),
          overlap: Boolean(shown(legend) && shown(bar) && meet(r(legend), r(bar))),
          itemclick: d._fullLayout.legend ? d._fullLayout.legend.itemclick : null};
})"""


@pytest.mark.parametrize("page_path", ["notebooks/attack-statistics.html", "notebooks/security-workforce.html",
                                       "notebooks/design-matrix.html"])
def test_on_a_phone_the_mode_bar_never_covers_a_legend_and_a_tap_on_it_hides_nothing(chromium, base_url, page_path):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{page_path}", wait_until="load")
        count = browser.draw_all_charts(page)
        charts = page.evaluate(MODEBAR_LEGEND_JS)
        assert len(charts) == count and count >= 2
        with_legend = [c for c in charts if c["legend"]]
        assert with_legend, "a page with a legend is checked"
        assert [c for c in charts if c["overlap"]] == [], charts
        assert [c for c in charts if c["modebar"]] == [], "no mode bar on a phone"
        assert all(c["itemclick"] is False for c in with_legend), charts
        # a finger on a legend entry leaves every series drawn
        chart = page.locator("div.ppp-plotly:has(.legend .traces)").first
        chart.scroll_into_view_if_needed()
        entry = chart.locator(".legend .traces").first.bounding_box()
        page.touchscreen.tap(entry["x"] + entry["width"] / 2, entry["y"] + entry["height"] / 2)
        chart.locator(".legend .traces").first.click()
        hidden = chart.evaluate("d => d._fullData.filter(t => t.visible === 'legendonly').length")
        assert hidden == 0
    finally:
        context.close()


def _figures():
    for lang in editions.LANGUAGES:
        for path in sorted((browser.SITE / config.site_prefix(lang) / "_static" / "charts").glob("*.json")):
            yield lang, path


def test_every_charts_figure_is_sized_to_what_it_draws():
    figures = list(_figures())
    assert len(figures) >= 3 * 20
    sizes = {f"{lang}:{path.name}": path.stat().st_size for lang, path in figures}
    over = {name: size for name, size in sizes.items() if size > FIGURE_BUDGET}
    assert over == {}, f"over {FIGURE_BUDGET:,} B: {over}"
    rank = json.loads((browser.SITE / "_static" / "charts" / "design-rank-sensitivity.json").read_text(encoding="utf-8"))
    box = rank["narrow"]["data"][0]
    assert box["type"] == "box" and "y" not in box and len(box["x"]) == len(box["q1"]) == 8  # five numbers a box
    assert len(gzip.compress(json.dumps(rank).encode())) < 10_000


def _drawing(lang: str, variant: str) -> str:
    """The Germany treemap's drawing (``variant``: wide, printed, or narrow) in an edition's page."""
    root = browser.SITE / config.site_prefix(lang)
    text = (root / "book" / "germany.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="ppp-chart" id="chart-private-security-legal-limits".*?</figure>', text, re.S)
    assert figure, lang
    part = re.search(rf'<div class="ppp-static ppp-static-{variant}"[^>]*>(.*?)</div>', figure.group(0), re.S).group(1)
    image = re.search(r'<img class="ppp-ink-light" src="([^"]+)"', part)
    if image:
        return (root / "book" / image.group(1)).resolve().read_text(encoding="utf-8")
    return part


def _texts(svg: str) -> list[str]:
    """The drawing's texts, a text of several lines (tspans) as one line."""
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", t.replace("</tspan>", " "))).replace("\u00a0", " ").split())
            for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


@pytest.mark.parametrize("lang", editions.LANGUAGES)
@pytest.mark.parametrize("variant", ["narrow", "wide"])
def test_every_box_of_the_germany_treemap_is_named_in_its_drawing(lang, variant):
    """Each of the 13 rules' boxes shows its number, and the key under the drawing names it (on a
    phone, and on paper, which prints the wide drawing), in every edition."""
    figures = json.loads((browser.SITE / config.site_prefix(lang) / "_static" / "charts"
                          / "private-security-legal-limits.json").read_text(encoding="utf-8"))
    trace = figures[variant]["data"][0]
    leaves = [label for label, node in zip(trace["labels"], trace["ids"]) if node not in set(trace["parents"])]
    assert len(leaves) == 13
    texts = _texts(_drawing(lang, variant))
    assert sorted(int(t) for t in texts if t.isdigit()) == list(range(1, 14)), texts
    key = " ".join(texts)
    for number, label in enumerate(leaves, 1):
        assert " ".join(unescape(label).replace("\u00a0", " ").split()) in key, (lang, variant, label)
    if lang != "en":
        assert "House right (Hausrecht) of the client" not in key


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_the_germany_treemaps_caption_says_what_the_drawing_shows(lang):
    root = browser.SITE / config.site_prefix(lang)
    text = (root / "book" / "germany.html").read_text(encoding="utf-8")
    caption = re.search(r'id="fig-private-security-legal-limits".*?<span class="caption-text">(.*?)</span>', text, re.S)
    words = unescape(re.sub(r"<[^>]+>", "", caption.group(1))).lower()
    for pointer in ("hover", "kursor", "наведите", "tap "):
        assert pointer not in words, (lang, words)
    assert {"en": "numbered", "uz": "raqamlangan", "ru": "пронумерованный"}[lang] in words, words


def test_a_box_chart_carries_the_five_numbers_plotly_draws_from_its_samples():
    """charts.summarise_boxes: plotly.js's quartiles ("linear": numpy's Hazen method) and, as
    whiskers, the extremes (plotly.js's whiskers when no points are drawn), in place of every sample."""
    import numpy as np
    import pandas as pd
    import plotly.express as px

    from ppp_atlas import charts

    rng = np.random.default_rng(7)
    for n in (5, 6, 101, 5000):
        values = sorted(float(v) for v in rng.integers(1, 9, n))
        for p in (0.25, 0.5, 0.75):
            assert charts._plotly_quantile(values, p) == pytest.approx(np.percentile(values, p * 100, method="hazen"))
    assert charts.box_numbers([1, 2, 3, 4, 5, 6, 7, 100]) == {"q1": 2.5, "median": 4.5, "q3": 6.5,
                                                              "lowerfence": 1.0, "upperfence": 7.0,
                                                              "min": 1.0, "max": 100.0}
    frame = pd.DataFrame({"who": np.repeat(["a", "b"], 500), "rank": np.r_[rng.integers(1, 4, 500), rng.integers(1, 9, 500)]})
    drawn = charts.summarise_boxes(px.box(frame, x="who", y="rank", points=False))
    box = drawn.data[0]
    assert box.y is None and list(box.x) == ["a", "b"] and len(box.q1) == 2
    assert list(box.lowerfence) == [1, 1] and list(box.upperfence) == [frame["rank"][:500].max(), frame["rank"][500:].max()]
    traces = lambda figure: len(json.dumps(json.loads(figure.to_json())["data"]))  # noqa: E731
    assert traces(drawn) * 10 < traces(px.box(frame, x="who", y="rank", points=False))
    with_points = charts.summarise_boxes(px.box(frame, x="who", y="rank", points="all"))
    assert with_points.data[0].y is not None  # points drawn: the samples stay


def test_a_treemap_names_every_box_in_a_key_under_it():
    from ppp_atlas import charts

    figure = {"data": [{"type": "treemap", "ids": ["k", "k/a long name of a rule here", "k/b", "m", "m/c"],
                        "labels": ["kind", "a long name of a rule here", "b", "other", "c"],
                        "parents": ["", "k", "k", "", "m"], "values": [2, 1, 1, 1, 1]}],
              "layout": {"height": 300}}
    laid = charts.lay_out(figure, "narrow")
    trace = laid["data"][0]
    assert trace["texttemplate"] == ["%{label}", "<b>1</b>", "<b>2</b>", "%{label}", "<b>3</b>"]
    key = laid["layout"]["annotations"][-1]["text"].replace("\u00a0", " ")
    for entry in ("<b>kind</b>:", "1 a long name of a rule here", "2 b", "<b>other</b>:", "3 c"):
        assert entry in key.replace("<br>", " "), key
    assert laid["layout"]["height"] > 300 and laid["layout"]["margin"]["b"] >= key.count("<br>") * charts.LINE_PX


def test_a_map_fetches_its_bundle_figure_and_outlines_at_once_and_the_outlines_once(chromium, base_url):
    """The map bundle, the map's figure and the world's outlines are asked for together (on a slow
    connection one after the other would add their times); plotly.js uses the outlines fetched."""
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        events: list[tuple[str, str]] = []
        page.on("request", lambda r: events.append(("ask", r.url.rsplit("/", 1)[-1].split("?")[0])))
        page.on("requestfinished", lambda r: events.append(("got", r.url.rsplit("/", 1)[-1].split("?")[0])))
        page.goto(f"{base_url}/notebooks/maturity-stages.html", wait_until="load")
        chart = page.locator("div.ppp-plotly[data-ppp-geo]").first
        chart.scroll_into_view_if_needed()
        events.clear()
        browser.open_button(chart).click()
        chart.locator(".geo .countries path").first.wait_for(state="attached", timeout=20000)
        page.wait_for_load_state("networkidle")
        asked = [name for kind, name in events if kind == "ask"]
        assert asked.count("world_110m.json") == 1 and asked.count("plotly-ppp-geo.min.js") == 1, asked
        assert "plotly-ppp.min.js" not in asked
        bundle_done = events.index(("got", "plotly-ppp-geo.min.js"))
        assert events.index(("ask", "world_110m.json")) < bundle_done
        assert any(kind == "ask" and name.endswith(".json") and name != "world_110m.json"
                   for kind, name in events[:bundle_done]), events
    finally:
        context.close()
