"""The built site in a real Chromium: offline, error-free, charts drawn, search works."""
from __future__ import annotations

import pytest

import browser

PAGES = browser.pages() if browser.SITE.exists() else []


@pytest.mark.parametrize("page_path", PAGES)
def test_page_is_offline_and_error_free(chromium, base_url, page_path):
    page = chromium.new_page()
    try:
        result = browser.visit(page, f"{base_url}/{page_path}", settle_ms=600)
        expected = browser.draw_all_charts(page)
        assert result["status"] == 200
        assert result["foreign"] == [], "requests to other hosts"
        assert result["failed"] == [], "failed requests"
        assert result["errors"] == [], "console errors"
        drawn = page.locator("div.ppp-plotly > .plot-container").count()
        assert drawn == expected, f"{drawn} of {expected} charts drawn"
    finally:
        page.close()


def test_dark_mode_recolours_chart_text(chromium, base_url):
    chart_pages = [p for p in PAGES if p.startswith("notebooks/")]
    assert chart_pages
    page = chromium.new_page(color_scheme="dark")
    try:
        page.goto(f"{base_url}/{chart_pages[0]}")
        browser.draw_all_charts(page)
        colour = page.evaluate("document.querySelector('div.ppp-plotly').layout.font.color")
        assert colour == "#e6e6e6"
    finally:
        page.close()


def test_search_finds_a_term_from_one_chapter(chromium, base_url, site):
    term = "discotheques"  # door security at discotheques: named only in the Germany chapter
    stem = term[:-2]  # any form of the word
    holders = [p.relative_to(site).as_posix() for p in site.glob("*/*.html") if stem in p.read_text(encoding="utf-8").lower()]
    assert holders == ["book/germany.html"]
    page = chromium.new_page()
    try:
        page.goto(f"{base_url}/search.html?q={term}")
        page.wait_for_selector("#search-results ul.search li", timeout=15000)
        hits = page.locator("#search-results ul.search li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert [h.split("#")[0].split("?")[0] for h in hits] == ["book/germany.html"], hits
    finally:
        page.close()


def test_plotly_is_fetched_only_when_a_chart_comes_near_the_screen(chromium, base_url):
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if "plotly-ppp" in r.url else None)
    try:
        page.goto(f"{base_url}/notebooks/attack-statistics.html", wait_until="load")
        page.wait_for_timeout(500)
        assert scripts == [] and page.evaluate("typeof window.Plotly") == "undefined"
        first = page.locator("div.ppp-plotly").first
        first.scroll_into_view_if_needed()
        page.wait_for_selector("div.ppp-plotly .main-svg", timeout=15000)
        assert len(scripts) == 1
        box = first.bounding_box()
        assert abs(box["height"] - int(first.get_attribute("style").split(":")[1].rstrip("px"))) <= 1  # no shift
    finally:
        page.close()
