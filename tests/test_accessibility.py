"""Accessibility in a real Chromium: axe-core over every built page, light and dark, and a
360 px phone screen.

axe-core (npm, pinned in package-lock.json) is injected into each page after its charts
are drawn, so plotly's SVG is audited too. The page's Content-Security-Policy forbids
injected scripts, so these browser contexts bypass it (the CSP itself is checked by
test_browser.py and test_site.py).
"""
from __future__ import annotations

import pytest

import browser

AXE = browser.ROOT / "node_modules" / "axe-core" / "axe.min.js"
# every page but the site root, which only forwards to book/index.html (see test_site.py)
# every edition's root page only forwards to its book/index.html
ROOTS = {"index.html", "uz/index.html", "ru/index.html"}
PAGES = ([p for p in browser.pages() if p not in ROOTS] + [f"{e}{n}" for e in ("", "uz/", "ru/") for n in ("search.html", "genindex.html")]
         if browser.SITE.exists() else [])
BLOCKING = ("serious", "critical")
MODES = {"light": {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}},
         "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}},
         "phone": {"color_scheme": "light", "viewport": {"width": 360, "height": 740}, "is_mobile": True,
                   "has_touch": True, "device_scale_factor": 2}}


@pytest.fixture(scope="module", params=list(MODES))
def context(request, chromium):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    ctx = chromium.new_context(bypass_csp=True, **MODES[request.param])
    ctx.mode = request.param
    yield ctx
    ctx.close()


def audit(page) -> list[dict]:
    browser.lay_out_everything(page)
    browser.wait_for_tab_stops(page)
    # axe judges colour contrast only where the window is (it asks the page what is drawn at a
    # point): a window as tall as the page shows axe what a reader sees once they have scrolled
    # through it (a 900 px window left every reference list of a chapter unjudged)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(page.evaluate("document.documentElement.scrollHeight"), 30000)})
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")), count: v.nodes.length}));
    }""")
    return result


@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_serious_or_critical_violation(context, base_url, page_path):
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{page_path}", wait_until="load")
        if context.mode == "dark":
            assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        browser.draw_all_charts(page)
        # pressing each chart's button leaves the pointer on the chart: move it away so no hover label covers
        # the text axe checks
        page.mouse.move(0, 0)
        page.wait_for_timeout(200)
        page.evaluate("window.scrollTo(0, 0)")
        blocking = [v for v in audit(page) if v["impact"] in BLOCKING]
        assert blocking == [], "\n".join(
            f"{v['impact']} {v['id']} ({v['count']}x): {v['help']} e.g. {v['targets']}" for v in blocking)
        if context.mode == "phone":
            overflow = browser.page_overflow(page)
            assert overflow <= 0, f"the page is {overflow}px wider than a 360 px screen"
    finally:
        page.close()
