"""A reader operates every visible control, by touch or click and by keyboard, in a real Chromium.

For a representative page of each kind (a chapter, a notebook page, the Data page, the
bibliography, the search page) in each edition, on a 360 px touch screen, a 768 px tablet and a
1280 px desktop, the test presses every control the reader can see and checks that it did its
job: the chapter list opens as a drawer whose links can be focused and closes with Escape (on a
desktop it folds the sidebar away and back); the page contents open and a tapped entry closes
them and lands on its section; the search dialog takes a word and leads to results; the theme
switch changes the colours; the language switch lands on the same section of the other edition;
the download menu opens and its source file is served; the cite box copies its text; a chart's
data opens as a table; the print button prepares the page (every chart drawn) and prints. The
header and its controls stay inside the window, at the top of the page and once it is scrolled.

These are the theme's scripts as the build leaves them (postprocess rewrites some): the test
covers them as a reader meets them. Nothing here waits a fixed time: each step waits for what
it expects to see.
"""
from __future__ import annotations

from urllib.parse import unquote, urljoin, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import browser

EDITIONS = {"en": "", "uz": "uz/", "ru": "ru/"}
KINDS = {"chapter": "book/germany.html", "notebook": "notebooks/design-matrix.html", "data": "book/data.html",
         "bibliography": "book/bibliography.html", "search": "search.html"}
SCREENS = {360: {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
           768: {"viewport": {"width": 768, "height": 1024}, "has_touch": True},
           1280: {"viewport": {"width": 1280, "height": 800}}}
#: the theme's breakpoints: below them the sidebars are drawers opened from the header
PRIMARY_DRAWER_BELOW = 992
SECONDARY_DRAWER_BELOW = 1200
CASES = [(e, k, w) for e in EDITIONS for k in KINDS for w in SCREENS]

# window.print is replaced by a counter: a headless browser would print nothing a test can see,
# and a real print dialog would block the page
RECORD_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def press(locator, touch: bool) -> None:
    """A tap on a touch screen, a click elsewhere. A control in the sticky header is pressed where
    it is seen: Playwright's own tap or click would first scroll the page to the header's place
    in the flow (a reader's thumb does not), which moved the reading position under the test."""
    if locator.evaluate("e => Boolean(e.closest('.bd-header-article'))"):
        box = locator.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page = locator.page
        element = locator.element_handle()
        # a drawer or panel that is still sliding away covers the control for a moment, as a reader
        # sees too, who waits for it to go: the condition is the control uncovered where it is seen
        # (a control that stays covered is reported with what covers it)
        try:
            page.wait_for_function("([x, y, e]) => e.contains(document.elementFromPoint(x, y))", arg=[x, y, element],
                                   timeout=5000)
        except PlaywrightTimeout:
            pass
        cover = page.evaluate("([x, y, e]) => { const t = document.elementFromPoint(x, y); "
                              "return e.contains(t) ? null : t.outerHTML.slice(0, 200); }", [x, y, element])
        assert cover is None, f"the control is covered where it is seen, by {cover}"
        page.touchscreen.tap(x, y) if touch else page.mouse.click(x, y)
        return
    locator.scroll_into_view_if_needed()
    if touch:
        locator.tap()
    else:
        locator.click()


def visible_header_controls(page) -> list[dict]:
    return page.evaluate("""() => {
        const header = document.querySelector('.bd-header-article');
        const box = header.getBoundingClientRect();
        return Array.from(header.querySelectorAll('a, button')).filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
          .map(e => { const r = e.getBoundingClientRect();
                      return {name: (e.getAttribute('title') || e.getAttribute('aria-label') || e.textContent).trim(),
                              left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                              header: [box.left, box.top, box.right, box.bottom]}; });
    }""")


def assert_header_inside(page, width: int, where: str) -> None:
    controls = visible_header_controls(page)
    assert controls, f"no control in the article header ({where})"
    for c in controls:
        left, top, right, bottom = c["header"]
        assert 0 <= c["left"] and c["right"] <= width + 0.5, f"{c['name']} outside the window ({where}): {c}"
        assert top - 0.5 <= c["top"] and c["bottom"] <= bottom + 0.5, f"{c['name']} spills out of the header ({where}): {c}"
        assert left - 0.5 <= c["left"] and c["right"] <= right + 0.5, f"{c['name']} spills out of the header ({where}): {c}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the page is wider than the window ({where})"


def check_header(page, width: int) -> None:
    assert_header_inside(page, width, "top of the page")
    if page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 10"):
        return  # a page that does not scroll (the search page before a search)
    page.evaluate("window.scrollTo(0, Math.min(2000, document.body.scrollHeight / 2))")
    page.wait_for_function("() => window.scrollY > 0")
    top = page.evaluate("document.querySelector('.bd-header-article').getBoundingClientRect().top")
    assert abs(top) <= 0.5, f"the header does not stay at the top when the page scrolls ({top})"
    assert_header_inside(page, width, "scrolled")
    page.evaluate("window.scrollTo(0, 0)")


def wait_for_drawers_to_leave(page) -> None:
    """A closed drawer slides out of the window (a CSS transition): until it has, it still lies
    over the header, as a reader sees too."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll('#pst-primary-sidebar, #pst-secondary-sidebar'))
        .every(s => { const r = s.getBoundingClientRect(), c = getComputedStyle(s);
                      return c.visibility === 'hidden' || c.position !== 'fixed' || r.right <= 0 || r.left >= window.innerWidth; })""")


def wait_for_drawer(page, dialog: str, opened: bool) -> None:
    """Wait until the theme has opened or closed a drawer. Closing has two steps: the dialog
    closes at once, and its contents go back beside the page on the dialog's `close` event, a
    task queued for later. A key pressed in between (a fast hand, or a test on a busy machine)
    opens the drawer again, and the late event then empties it and leaves the focus behind it:
    Escape no longer closes it (found in CI: the drawer stayed open 30 s)."""
    if opened:
        page.wait_for_function("(id) => { const d = document.getElementById(id); "
                               "return d.open && d.childElementCount > 0; }", arg=dialog)
    else:
        page.wait_for_function("(id) => { const d = document.getElementById(id); "
                               "return !d.open && d.childElementCount === 0; }", arg=dialog)


def check_chapter_list(page, width: int, touch: bool) -> None:
    toggle = page.locator(".bd-header-article .primary-toggle")
    assert toggle.is_visible(), "no visible button for the chapter list"
    if width < PRIMARY_DRAWER_BELOW:
        press(toggle, touch)
        dialog = page.locator("#pst-primary-sidebar-modal")
        wait_for_drawer(page, "pst-primary-sidebar-modal", opened=True)
        links = dialog.locator("nav.bd-docs-nav a.reference")
        assert links.count() >= 10, "the drawer holds no chapter list"
        first = links.first
        assert first.is_visible(), "the drawer's first chapter link is not visible"
        first.focus()
        assert page.evaluate("document.activeElement.closest('#pst-primary-sidebar-modal') !== null"), \
            "a chapter link in the drawer cannot take focus"
        page.keyboard.press("Escape")
        wait_for_drawer(page, "pst-primary-sidebar-modal", opened=False)
        # by keyboard: the toggle is a button that Enter opens
        toggle.focus()
        page.keyboard.press("Enter")
        wait_for_drawer(page, "pst-primary-sidebar-modal", opened=True)
        assert page.evaluate("document.activeElement.closest('#pst-primary-sidebar-modal') !== null"), \
            "the drawer opened by keyboard does not take the focus"
        page.keyboard.press("Escape")
        wait_for_drawer(page, "pst-primary-sidebar-modal", opened=False)
        wait_for_drawers_to_leave(page)
    else:
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible(), "the desktop sidebar is not shown"
        press(toggle, touch)
        sidebar.wait_for(state="hidden")
        toggle.focus()
        page.keyboard.press("Enter")
        sidebar.wait_for(state="visible")
        assert sidebar.locator("nav.bd-docs-nav a.reference").first.is_visible()


def check_page_contents(page, width: int, touch: bool) -> None:
    entries = page.locator("#pst-secondary-sidebar nav a.nav-link, #pst-secondary-sidebar-modal nav a.nav-link")
    if entries.count() < 2:
        return  # a page with no sections has no contents to open
    toggle = page.locator(".bd-header-article .secondary-toggle")
    if width >= SECONDARY_DRAWER_BELOW:
        assert page.locator("#pst-secondary-sidebar").is_visible(), "the contents are not shown beside the page"
        target = page.locator("#pst-secondary-sidebar nav a.nav-link").nth(1)
    else:
        assert toggle.is_visible(), "no visible button for the page's contents"
        press(toggle, touch)
        wait_for_drawer(page, "pst-secondary-sidebar-modal", opened=True)
        target = page.locator("#pst-secondary-sidebar-modal nav a.nav-link").nth(1)
        assert target.is_visible(), "the contents drawer shows no entry"
    section = target.get_attribute("href").lstrip("#")
    press(target, touch)
    wait_for_drawer(page, "pst-secondary-sidebar-modal", opened=False)
    wait_for_drawers_to_leave(page)
    page.wait_for_function("(id) => { const r = document.getElementById(id).getBoundingClientRect(); "
                           "return r.top >= -2 && r.top < window.innerHeight / 2; }", arg=section)
    if width >= SECONDARY_DRAWER_BELOW:
        page.wait_for_function("(id) => { const a = document.querySelector('#pst-secondary-sidebar a.nav-link.active'); "
                               "return a && a.getAttribute('href') === '#' + id; }", arg=section)
    page.evaluate("window.scrollTo(0, 0)")


def check_search(page, touch: bool, word: str) -> None:
    button = page.locator(".bd-header-article .search-button, #pst-primary-sidebar .search-button-field").locator("visible=true").first
    press(button, touch)
    page.wait_for_function("() => document.getElementById('pst-search-dialog').open")
    field = page.locator("#pst-search-dialog input[name=q]")
    assert page.evaluate("document.activeElement === document.querySelector('#pst-search-dialog input[name=q]')"), \
        "the search field does not take the typing"
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('pst-search-dialog').open")
    press(button, touch)
    page.wait_for_function("() => document.getElementById('pst-search-dialog').open")
    field.type(word)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlparse(page.url).path.endswith("search.html")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for()
    assert results.count() >= 1


def check_search_page(page, word: str) -> None:
    field = page.locator(".bd-article input[name=q], #search-documents input[name=q], form.bd-search input[name=q]").locator("visible=true").first
    field.fill(word)
    with page.expect_navigation():
        field.press("Enter")
    page.locator("#search-results ul.search li").first.wait_for()


THEME_STATE = "document.documentElement.dataset.mode + '/' + document.documentElement.dataset.theme"


def check_theme(page, touch: bool) -> None:
    """The switch cycles the modes (auto, light, dark, ...): three presses show both themes, in
    their own colours, and come back to where the reader started."""
    button = page.locator(".bd-header-article .theme-switch-button")
    assert button.is_visible(), "no visible theme switch"
    start = page.evaluate(THEME_STATE)
    backgrounds = {}
    for _ in range(3):
        before = page.evaluate(THEME_STATE)
        press(button, touch)
        page.wait_for_function(f"(before) => {THEME_STATE} !== before", arg=before)
        theme = page.evaluate("document.documentElement.dataset.theme")
        backgrounds[theme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert set(backgrounds) == {"light", "dark"}, f"the theme switch did not reach both themes: {backgrounds}"
    assert backgrounds["light"] != backgrounds["dark"], backgrounds
    assert page.evaluate(THEME_STATE) == start, "three presses did not come back to the reader's mode"


def check_language_switch(page, base_url: str, edition: str, kind: str, touch: bool) -> None:
    sections = page.locator(".bd-article section[id] section[id]")
    section = None
    if sections.count() >= 2:
        section = sections.nth(1).get_attribute("id")
        # scrolled to as a reader would, until the parts laid out on the way have settled (off the
        # screen, sections keep a placeholder height until they are first drawn)
        page.wait_for_function("""(id) => {
            const top = document.getElementById(id).getBoundingClientRect().top;
            if (top < 60 || top > window.innerHeight / 3) { window.scrollBy(0, top - 100); window.__settled = null; return false; }
            const same = window.__settled === top; window.__settled = top; return same; }""", arg=section, polling=100)
    other = next(e for e in EDITIONS if e != edition)
    link = page.locator(f".ppp-languages a[hreflang^='{other}']")
    assert link.is_visible(), f"no visible link to the {other} edition"
    box = link.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, f"the language link is too small to tap: {box}"
    with page.expect_navigation():
        press(link, touch)
    assert page.url.split("#")[0] == f"{base_url}/{EDITIONS[other]}{KINDS[kind]}"
    assert page.evaluate("document.documentElement.lang").startswith(other)
    if section:
        assert urlparse(page.url).fragment == section, f"the switch lost the reading position ({page.url})"
        page.wait_for_function("(id) => { const r = document.getElementById(id).getBoundingClientRect(); "
                               "return r.top > -5 && r.top < window.innerHeight / 2; }", arg=section)


def check_downloads(page, touch: bool) -> None:
    toggle = page.locator(".bd-header-article .dropdown-download-buttons .dropdown-toggle")
    assert toggle.is_visible(), "no visible download button"
    press(toggle, touch)
    menu = page.locator(".bd-header-article .dropdown-download-buttons .dropdown-menu")
    menu.wait_for(state="visible")
    source = menu.locator("a.btn-download-source-button")
    assert source.is_visible()
    response = page.request.get(source.evaluate("a => a.href"))
    assert response.ok and len(response.body()) > 100, "the page's source file is not served"
    printer = menu.locator("[data-ppp-action=print]")
    assert printer.is_visible()
    height = page.viewport_size["height"]
    (page.touchscreen.tap if touch else page.mouse.click)(3, height - 3)  # a tap elsewhere closes it
    menu.wait_for(state="hidden")
    toggle.focus()  # and by keyboard: Enter opens it, Escape closes it
    page.keyboard.press("Enter")
    menu.wait_for(state="visible")
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    press(toggle, touch)
    menu.wait_for(state="visible")
    press(printer, touch)
    page.wait_for_function("() => window.__prints === 1", timeout=30000)
    undrawn = page.evaluate("""() => Array.from(document.querySelectorAll('div.ppp-plotly')).filter(div => {
        const f = div.closest('figure') || div.parentNode; return !(div.querySelector('.main-svg') || f.querySelector('svg, img')); }).length""")
    assert undrawn == 0, f"{undrawn} charts were not drawn for printing"


def check_cite_box(page, touch: bool) -> None:
    button = page.locator(".ppp-cite-box button.ppp-copy").first
    button.scroll_into_view_if_needed()
    label = button.text_content()
    expected = page.locator(f"#{button.get_attribute('data-copy-target')}").get_attribute("data-copy")
    press(button, touch)
    page.wait_for_function("(label) => document.querySelector('.ppp-cite-box button.ppp-copy').textContent !== label", arg=label)
    assert page.evaluate("navigator.clipboard.readText()") == expected
    page.wait_for_function("(label) => document.querySelector('.ppp-cite-box button.ppp-copy').textContent === label", arg=label)


def check_chart_data(page, touch: bool) -> None:
    details = page.locator("figure.ppp-chart details.ppp-chart-data")
    if not details.count():
        return
    first = details.first
    press(first.locator("summary"), touch)
    page.wait_for_function("() => document.querySelector('figure.ppp-chart details.ppp-chart-data').open")
    rows = first.locator("table.ppp-data-table tbody tr")
    assert rows.count() >= 1 and rows.first.is_visible(), "the chart's data table does not show"
    # the download beside it holds the same rows (a data: URL, or a file of the site)
    href = first.locator("xpath=ancestor::figure").locator("a.ppp-csv").first.get_attribute("href")
    if href.startswith("data:"):
        text = unquote(href.split(",", 1)[1])
    else:
        response = page.request.get(urljoin(page.url, href))
        assert response.ok
        text = response.text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) - 1 == rows.count(), f"the CSV has {len(lines) - 1} rows, the table {rows.count()}"


def check_chart_activation(page, touch: bool) -> None:
    """The first chart's "Interactive chart" button turns its drawing into the interactive chart."""
    button = page.locator("figure.ppp-chart button.ppp-chart-open").first
    if not page.locator("figure.ppp-chart button.ppp-chart-open").count():
        return
    page.wait_for_function("() => document.querySelector('figure.ppp-chart .ppp-chart-tools').classList.contains('ppp-ready')")
    assert button.is_visible(), "the chart's button is not shown"
    press(button, touch)
    page.wait_for_function("() => { const f = document.querySelector('figure.ppp-chart'); "
                           "return f.querySelector('.ppp-chart-box.ppp-live') && f.querySelector('.plot-container .main-svg'); }",
                           timeout=60000)


def check_weights(page) -> None:
    form = page.locator(".ppp-weights")
    if not form.count():
        return
    slider = form.locator("input[type=range]").first
    slider.scroll_into_view_if_needed()
    before = page.url
    cells = form.locator(".ppp-weights-table td.ppp-weights-index")
    first_values = cells.all_text_contents()
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("(url) => location.href !== url", arg=before)
    page.wait_for_function("(old) => Array.from(document.querySelectorAll('.ppp-weights-table td.ppp-weights-index')).map(c => c.textContent).join('|') !== old",
                           arg="|".join(first_values))


def search_word(edition: str) -> str:
    return {"en": "licence", "uz": "litsenziya", "ru": "лицензия"}[edition]


@pytest.mark.parametrize("edition,kind,width", CASES, ids=[f"{e}-{k}-{w}" for e, k, w in CASES])
def test_every_visible_control_does_its_job(chromium, base_url, edition, kind, width):
    touch = SCREENS[width].get("has_touch", False)
    context = chromium.new_context(**SCREENS[width])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.add_init_script(RECORD_PRINTS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base_url}/{EDITIONS[edition]}{KINDS[kind]}", wait_until="load")
        check_header(page, width)
        check_chapter_list(page, width, touch)
        if kind == "search":
            check_search_page(page, search_word(edition))
        else:
            check_page_contents(page, width, touch)
            check_theme(page, touch)
            check_cite_box(page, touch)
            check_chart_data(page, touch)
            check_chart_activation(page, touch)
            check_weights(page)
            check_downloads(page, touch)
            if kind == "chapter":
                check_search(page, touch, search_word(edition))
                page.goto(f"{base_url}/{EDITIONS[edition]}{KINDS[kind]}", wait_until="load")
            check_language_switch(page, base_url, edition, kind, touch)
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_page_contents_highlight_the_section_being_read(chromium, base_url, edition):
    """On a desktop, as the reader scrolls a long chapter so that each section in turn comes to
    the top of the window, the right-hand contents mark that section (its entry is the last one
    marked active), every one of them."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{base_url}/{EDITIONS[edition]}book/united-kingdom.html", wait_until="load")
        targets = page.eval_on_selector_all("#pst-page-toc-nav a.nav-link", "els => els.map(e => e.getAttribute('href'))")
        assert len(targets) >= 10
        wrong = []
        for target in targets:
            page.evaluate("h => { const t = document.getElementById(decodeURIComponent(h.slice(1)));"
                          " window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 80); }", target)
            try:
                page.wait_for_function(
                    "h => { const a = document.querySelectorAll('#pst-page-toc-nav a.nav-link.active');"
                    " return a.length && a[a.length - 1].getAttribute('href') === h; }", arg=target, timeout=3000)
            except Exception:
                wrong.append((target, page.eval_on_selector_all(
                    "#pst-page-toc-nav a.nav-link.active", "els => els.map(e => e.getAttribute('href'))")))
        assert wrong == []
    finally:
        page.close()
