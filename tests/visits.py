"""One visit of each built page per screen profile, shared by the tests that look at it.

The page tests of test_browser.py (offline and error-free, every chart drawn, lazy drawings,
chart labels) and of test_accessibility.py (axe-core) each loaded every page again: a chart page
was loaded about ten times and its charts drawn eight times. Here each page is loaded once per
profile, every check of that profile is made on that one visit, in an order in which no check
disturbs the next, and the results are kept for the session (``Visits``, the session fixture
``visits`` in conftest.py). Each test still asserts its own part, so a failure names what failed.

The tests of one page carry ``xdist_group(<page>)`` and `make test` runs pytest-xdist with
``--dist loadgroup``, so one worker makes each visit; without it (or in a single test run) a test
makes the visit it needs itself: no test depends on another having run first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

import browser

AXE = browser.ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

#: The screens the pages are looked at on. ``light`` is also the 1280 px screen of the label check
#: and the screen of the offline check; ``phone`` the 360 px one; ``tablet`` the 768 px one.
PROFILES = {
    "light": {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}},
    "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}},
    "phone": {"color_scheme": "light", "viewport": {"width": 360, "height": 740}, "is_mobile": True,
              "has_touch": True, "device_scale_factor": 2},
    "tablet": {"color_scheme": "light", "viewport": {"width": 768, "height": 900}},
}
#: The label check's widths (browser.WIDTHS) and the profile that has each
PROFILE_OF_WIDTH = {360: "phone", 768: "tablet", 1280: "light"}
#: The axe modes of test_accessibility.py are profiles of the same names
AXE_MODES = ("light", "dark", "phone")


def _read(path) -> str:
    return path.read_text(encoding="utf-8")


# every content page of every edition (browser.pages(): the root pages that forward included)
PAGES = browser.pages() if browser.SITE.exists() else []
# axe: every page but the root pages, which only forward to their edition's book/index.html,
# plus each edition's search and index pages
ROOTS = {"index.html", "uz/index.html", "ru/index.html"}
AXE_PAGES = ([p for p in PAGES if p not in ROOTS] + [f"{e}{n}" for e in ("", "uz/", "ru/") for n in ("search.html", "genindex.html")]
             if browser.SITE.exists() else [])
CHART_PAGES = [p for p in PAGES if 'class="ppp-chart"' in _read(browser.SITE / p)]
IMAGE_PAGES = [p for p in PAGES if 'class="ppp-ink-light"' in _read(browser.SITE / p)]


def group_mark(page_path: str):
    """The mark that keeps every test of ``page_path`` on one xdist worker (``--dist loadgroup``)."""
    return pytest.mark.xdist_group("page:" + page_path)


def checks_for(page_path: str, profile: str) -> tuple[str, ...]:
    """What a visit of ``page_path`` on ``profile`` checks, in the order it checks it."""
    wanted = []
    if profile == "light" and page_path in PAGES:
        wanted.append("offline")
    if profile == "light" and page_path in IMAGE_PAGES:
        wanted.append("lazy")
    if page_path in CHART_PAGES and profile in PROFILE_OF_WIDTH.values():
        wanted.append("labels")
    if profile in AXE_MODES and page_path in AXE_PAGES:
        wanted.append("axe")
    return tuple(wanted)


@dataclass
class Visit:
    """What one visit found: each check's result, or the error that stopped the visit before it."""
    page_path: str
    profile: str
    results: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    def __getitem__(self, check: str):
        if check in self.errors:
            raise AssertionError(f"visiting {self.page_path} on the {self.profile} screen failed before "
                                 f"the {check} check: {self.errors[check]!r}") from self.errors[check]
        return self.results[check]


class Visits:
    """The session's visits, made on demand (``visits.get(page_path, profile)``)."""

    def __init__(self, chromium, base_url: str):
        self.chromium, self.base_url, self._done = chromium, base_url, {}

    def get(self, page_path: str, profile: str) -> Visit:
        key = (page_path, profile)
        if key not in self._done:
            self._done[key] = self._visit(page_path, profile)
        return self._done[key]

    def _visit(self, page_path: str, profile: str) -> Visit:
        checks = checks_for(page_path, profile)
        assert checks, f"nothing is checked on {page_path} on the {profile} screen"
        if "axe" in checks and not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
        visit = Visit(page_path, profile)
        # a context of its own, as a reader's first visit (no cache, no stored theme); the page's
        # Content-Security-Policy applies (axe is handed to the page by the browser's debugger, not
        # as a script of the page), so a script the policy blocks is a console error here
        context = self.chromium.new_context(**PROFILES[profile])
        try:
            page = context.new_page()
            _run_checks(page, f"{self.base_url}/{page_path}", profile, checks, visit)
        finally:
            context.close()
        return visit


def _run_checks(page, url: str, profile: str, checks: tuple[str, ...], visit: Visit) -> None:
    done = visit.results
    try:
        origin = urlparse(url).netloc
        errors, failed, foreign = [], [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).scheme in ("http", "https")
                and urlparse(r.url).netloc != origin else None)
        response = page.goto(url, wait_until="load")
        served = browser.SITE / urlparse(url).path.lstrip("/")
        if served.is_file() and 'http-equiv="refresh"' in _read(served):
            page.wait_for_url(lambda now: now != url, wait_until="load")  # a root page that forwards: follow it
        # the page has run its scripts and its idle-time pass (ppp-page.js marks the end of it)
        browser.wait_for_tab_stops(page)
        status = response.status if response else None

        if "lazy" in checks:
            # large drawings are lazy images: each loads when its chart comes into view
            # (before the label check, which puts the drawings' SVG in place of the images)
            found = []
            for figure in page.locator("figure.ppp-chart:has(.ppp-static img)").all():
                figure.scroll_into_view_if_needed()
                found.append((figure.get_attribute("id"), browser.wait_for_shown_drawing(figure)))
            done["lazy"] = found

        static = browser.chart_text_problems(page) if "labels" in checks else None
        expected = browser.draw_all_charts(page)
        if "labels" in checks:
            browser.wait_for_charts_settled(page)
            done["labels"] = {"count": expected, "static": static, "interactive": browser.chart_text_problems(page)}
        if "offline" in checks:
            drawn = page.locator("div.ppp-plotly > .plot-container").count()
            done["offline"] = {"status": status, "foreign": list(foreign), "failed": list(failed),
                               "errors": list(errors), "expected": expected, "drawn": drawn}

        if "axe" in checks:
            theme = page.evaluate("document.documentElement.dataset.theme")
            # pressing each chart's button leaves the pointer on the chart: move it away, so no hover
            # label covers the text axe checks
            page.mouse.move(0, 0)
            page.wait_for_function("() => !document.querySelector('.hoverlayer .hovertext')")
            page.evaluate("window.scrollTo(0, 0)")
            violations = audit(page)
            overflow = browser.page_overflow(page) if profile == "phone" else None
            done["axe"] = {"theme": theme, "violations": violations, "overflow": overflow}
    except Exception as exc:  # noqa: BLE001 - kept for each check not made, raised by its test
        for check in checks:
            if check not in done:
                visit.errors[check] = exc


def audit(page) -> list[dict]:
    """axe-core's violations on the page, every part laid out and in the window (see below)."""
    browser.lay_out_everything(page)
    browser.wait_for_tab_stops(page)
    # axe judges colour contrast only where the window is (it asks the page what is drawn at a
    # point): a window as tall as the page shows axe what a reader sees once they have scrolled
    # through it (a 900 px window left every reference list of a chapter unjudged)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(page.evaluate("document.documentElement.scrollHeight"), 30000)})
    if page.evaluate("typeof window.axe") == "undefined":
        # evaluated by the browser's debugger: the page's Content-Security-Policy allows no script of ours
        page.evaluate(_read(AXE) + "\n;undefined")
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")), count: v.nodes.length}));
    }""")
