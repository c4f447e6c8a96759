"""The built site in a real Chromium: offline, error-free, charts drawn, search works.

The checks of every page (offline and error-free, every chart drawn, drawings that load when they
come into view, chart labels at three widths) are made on one visit of the page per screen,
shared with test_accessibility.py (tests/visits.py)."""
from __future__ import annotations

import re

import pytest

import browser
import visits as _visits

PAGES = _visits.PAGES


@pytest.mark.parametrize("page_path", [pytest.param(p, marks=_visits.group_mark(p)) for p in PAGES])
def test_page_is_offline_and_error_free(visits, page_path):
    result = visits.get(page_path, "light")["offline"]
    assert result["status"] == 200
    assert result["foreign"] == [], "requests to other hosts"
    assert result["failed"] == [], "failed requests"
    assert result["errors"] == [], "console errors"
    assert result["drawn"] == result["expected"], f"{result['drawn']} of {result['expected']} charts drawn"


def test_dark_mode_recolours_chart_text(chromium, base_url):
    chart_pages = [p for p in PAGES if p.startswith("notebooks/")]
    assert chart_pages
    page = chromium.new_page(color_scheme="dark")
    try:
        page.goto(f"{base_url}/{chart_pages[0]}")
        browser.draw_all_charts(page)
        colour = page.evaluate("document.querySelector('div.ppp-plotly').layout.font.color")
        assert colour == "#e6e6e6"
        page.reload()  # the static drawing's ink turns light too
        fill = page.evaluate("getComputedStyle(document.querySelector('.ppp-static-wide .ytick text, .ppp-static-wide .xtick text')).fill")
        assert fill == "rgb(230, 230, 230)", fill
    finally:
        page.close()


def test_search_finds_a_term_from_one_chapter(chromium, base_url, site):
    term = "discotheques"  # door security at discotheques: named only in the Germany chapter
    stem = term[:-2]  # any form of the word
    holders = [p.relative_to(site).as_posix() for p in site.glob("*/*.html") if stem in p.read_text(encoding="utf-8").lower()]
    # the chapter, and the teacher's guide to that chapter (its seminar plan names the same venues)
    assert [h for h in holders if not h.startswith("teaching/")] == ["book/germany.html"]
    assert set(holders) <= {"book/germany.html", "teaching/germany.html"}
    page = chromium.new_page()
    try:
        page.goto(f"{base_url}/search.html?q={term}")
        page.wait_for_selector("#search-results ul.search li", timeout=15000)
        hits = page.locator("#search-results ul.search li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        found = [h.split("#")[0].split("?")[0] for h in hits]
        assert found[0] == "book/germany.html" and set(found) <= set(holders), hits
    finally:
        page.close()


def test_plotly_is_fetched_only_when_a_reader_asks_for_the_interactive_chart_and_nothing_moves(chromium, base_url):
    """Scrolling past a chart, pointing at it or clicking its drawing is reading: nothing is
    fetched. Its "Interactive chart" button fetches plotly.js and the chart's figure; the drawing
    stays until the interactive chart replaces it, in a box that keeps its place."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if "plotly-ppp" in r.url or "/_static/charts/" in r.url else None)
    try:
        page.goto(f"{base_url}/notebooks/attack-statistics.html", wait_until="load")
        first = page.locator("figure.ppp-chart").first
        first.scroll_into_view_if_needed()
        page.mouse.wheel(0, 400)  # scrolling past a chart is reading, not using it
        first.scroll_into_view_if_needed()
        first.locator(".ppp-chart-box").hover()  # so is pointing at it, or clicking it
        first.locator(".ppp-chart-box").click()
        page.wait_for_load_state("networkidle")
        assert scripts == [] and page.evaluate("typeof window.Plotly") == "undefined"
        before = first.bounding_box()
        caption_before = first.locator("figcaption").bounding_box()
        button = first.locator("button.ppp-chart-open")
        assert button.is_visible() and button.inner_text() == "Interactive chart"
        button.click()
        first.locator(".ppp-chart-box.ppp-live div.ppp-plotly .plot-container").wait_for(timeout=15000)
        assert sorted(u.rsplit("/", 1)[-1].split("?")[0] for u in scripts) == [
            "mass-attacks-casualties-per-year.json", "plotly-ppp.min.js"]
        after = first.bounding_box()
        assert abs(after["height"] - before["height"]) <= 1 and abs(after["y"] - before["y"]) <= 1  # no jump
        assert abs(first.locator("figcaption").bounding_box()["y"] - caption_before["y"]) <= 1
        assert first.locator(".ppp-static-wide").is_hidden()
        assert first.locator(".ppp-chart-tools").evaluate("e => getComputedStyle(e).visibility") == "hidden"
    finally:
        page.close()


def test_maps_load_the_map_bundle_and_other_pages_do_not(site):
    for page in CHART_PAGES:
        text = (site / page).read_text(encoding="utf-8")
        has_map = 'data-ppp-geo="1"' in text
        assert has_map == any(f'"type":"{kind}"' in (site / "_static" / "charts" / f"{name}.json").read_text(encoding="utf-8")
                              for name in re.findall(r'<figure class="ppp-chart" id="chart-([a-z0-9-]+)"', text)
                              for kind in ("choropleth", "scattergeo")), page


CHART_PAGES = _visits.CHART_PAGES


def _label_cases():
    for page in CHART_PAGES:
        for width in browser.WIDTHS:
            yield pytest.param(page, width, id=f"{page}-{width}", marks=_visits.group_mark(page))


@pytest.mark.parametrize(("page_path", "width"), list(_label_cases()))
def test_chart_labels_stay_inside_their_box_apart_and_legible(visits, page_path, width):
    """Every chart, as drawn at build time and as plotly draws it, at 360, 768 and 1280 px, in every
    edition: no text outside the chart's box, no two texts overlapping, no text under 11 px.
    (360 px: the phone screen of the accessibility audit; 1280 px: its light screen.)"""
    found = visits.get(page_path, _visits.PROFILE_OF_WIDTH[width])["labels"]
    static, interactive = found["static"], found["interactive"]
    assert found["count"] >= 1
    assert static == [], f"static drawings: {len(static)} problems, e.g. {static[:6]}"
    assert interactive == [], f"interactive charts: {len(interactive)} problems, e.g. {interactive[:6]}"


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_every_chart_is_an_image(chromium, base_url, width):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    seen = 0
    try:
        page = context.new_page()
        for page_path in CHART_PAGES:
            page.goto(f"{base_url}/{page_path}", wait_until="load")
            for chart in browser.static_charts(page):
                seen += 1
                assert chart["shown"] == 1, (page_path, chart)  # one drawing: the one for this width
                assert chart["texts"] >= 3 and chart["width"] >= 250 and chart["height"] >= 250, (page_path, chart)
                assert abs(chart["height"] - chart["box"]) <= 1, (page_path, chart)
        page.close()
    finally:
        context.close()
    assert seen >= 20


SCROLL_BOXES_JS = """() => Array.from(document.querySelectorAll(
    "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, " +
    ".pst-scrollable-table-container, .ppp-data-table, .ppp-dictionary, .bd-article div.output"))
  .filter(box => box.getClientRects().length)
  .map(box => ({scrolls: box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight,
                stop: box.getAttribute("tabindex") === "0"}))"""


def test_boxes_that_scroll_become_tab_stops_in_idle_time(chromium, base_url, site):
    """A box that scrolls sideways can be reached with the keyboard, one that fits is not a tab
    stop: ppp-page.js measures them in idle time, the theme's own pass at load taken out of its
    script (postprocess.defer_theme_tab_stops); the page marks the end of the pass."""
    from ppp_atlas import postprocess

    theme = (site / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text(encoding="utf-8")
    assert postprocess.THEME_TAB_STOPS not in theme and postprocess.THEME_TAB_STOPS_OFF in theme
    page = chromium.new_page(viewport={"width": 360, "height": 800})
    try:
        page.goto(f"{base_url}/notebooks/design-matrix.html", wait_until="load")
        browser.wait_for_tab_stops(page)  # the page says when its pass is over, and then it is right
        boxes = page.evaluate(SCROLL_BOXES_JS)
        assert all(b["scrolls"] == b["stop"] for b in boxes), boxes
        assert sum(b["stop"] for b in boxes) >= 1, "a wide table on a phone scrolls in its box"
        assert sum(not b["stop"] for b in boxes) >= 1
    finally:
        page.close()


IMAGE_PAGES = _visits.IMAGE_PAGES


@pytest.mark.parametrize("page_path", [pytest.param(p, marks=_visits.group_mark(p)) for p in IMAGE_PAGES])
def test_a_drawing_kept_as_an_image_loads_when_its_chart_comes_into_view(visits, page_path):
    """Large drawings are lazy images; the parts of a page skipped until they come near the screen
    (content-visibility) must not keep them from loading."""
    figures = visits.get(page_path, "light")["lazy"]
    assert figures
    for name, shown in figures:
        assert shown == 1, (name, "its drawing did not load" if shown == -1 else shown)
