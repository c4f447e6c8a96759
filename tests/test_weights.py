"""The reader's own weighting of the design matrix ({weights-form}, ppp_atlas/weights.py and
_static/ppp-weights.js) in a real Chromium, in every edition that the build produced.

The displayed index of every jurisdiction is compared with ppp_atlas.matrix.weighted_index
computed here from data/ for the same weights; the form is also checked for the URL round
trip, keyboard use, presets and reset, the page without JavaScript, unknown codes (the page's
own JSON with cells blanked), the live region, and axe-core (0 serious or critical).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

import browser
from ppp_atlas import data, matrix, weights

EDITIONS = ("", "uz", "ru")  # the English site at the root; the editions in their own folders
MARKER = 'class="ppp-weights"'


def _edition_of(relative: str) -> str:
    first = relative.split("/")[0]
    return first if first in EDITIONS[1:] else ""


def form_pages() -> list[str]:
    """Every built page holding the form, in every edition that exists."""
    if not browser.SITE.exists():
        return []
    found = []
    for edition in EDITIONS:
        root = browser.SITE / edition if edition else browser.SITE
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.html")):
            relative = path.relative_to(browser.SITE).as_posix()
            if _edition_of(relative) == edition and MARKER in path.read_text(encoding="utf-8"):
                found.append(relative)
    return found


PAGES = form_pages()
DIMS = list(dict.fromkeys(data.load("design-codebook")["dimension"]))
CODES = (data.load("design-matrix").pivot(index="iso3", columns="dimension", values="code")
         .reindex(columns=DIMS).astype(float))


def test_the_form_is_on_the_design_matrix_page_of_every_edition():
    assert "notebooks/design-matrix.html" in PAGES
    for edition in EDITIONS[1:]:
        if (browser.SITE / edition).is_dir():
            assert f"{edition}/notebooks/design-matrix.html" in PAGES, edition


def expected(weights_by_dim: dict) -> pd.DataFrame:
    index = matrix.weighted_index(CODES, weights_by_dim)
    shown = index.round(1)
    return pd.DataFrame({"index": index, "rank": shown.rank(ascending=False, method="min")})


def number(text: str) -> float:
    """A number as the page's language writes it (62.5, 62,5)."""
    return float(text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".").replace("−", "-"))


def read_table(page) -> list[dict]:
    return page.eval_on_selector_all(".ppp-weights-table tbody tr", """rows => rows.map(r => ({
        iso3: r.dataset.iso3, name: r.querySelector('th').textContent,
        index: r.querySelector('.ppp-weights-index').textContent,
        rank: r.querySelector('.ppp-weights-rank').textContent,
        change: r.querySelector('.ppp-weights-change').textContent}))""")


def set_weights(page, values: list[int]) -> None:
    """Move each control to its value, as a reader dragging it would (an input event each)."""
    page.evaluate("""values => document.querySelectorAll('.ppp-weights-row input[type=range]').forEach((input, k) => {
        input.value = String(values[k]); input.dispatchEvent(new Event('input', {bubbles: true})); })""", values)


def shown_weights(page) -> list[int]:
    return page.eval_on_selector_all(".ppp-weights-row input[type=range]", "inputs => inputs.map(i => Number(i.value))")


def check_table(page, values: list[int], words: dict) -> None:
    table = read_table(page)
    assert len(table) == len(CODES)
    want = expected(dict(zip(DIMS, values)))
    equal = expected({d: weights.DEFAULT_WEIGHT for d in DIMS})
    for row in table:
        iso3 = row["iso3"]
        assert abs(number(row["index"]) - want.loc[iso3, "index"]) <= 0.05 + 1e-9, (values, row)
        assert int(row["rank"]) == int(want.loc[iso3, "rank"]), (values, row)
        moved = int(equal.loc[iso3, "rank"]) - int(row["rank"])
        change = (words["same"] if moved == 0 else
                  words["up"].format(n=moved) if moved > 0 else words["down"].format(n=-moved))
        assert row["change"] == change, (values, row)
    assert [int(r["rank"]) for r in table] == sorted(int(r["rank"]) for r in table), "rows in rank order"
    bars = page.eval_on_selector_all(".ppp-weights-bar-row", """rows => rows.map(r => ({
        value: r.querySelector('.ppp-weights-bar-value').textContent,
        width: r.querySelector('.ppp-weights-bar').style.width}))""")
    assert [b["value"] for b in bars] == [r["index"] for r in table], "the chart shows the table's numbers"
    assert [float(b["width"].rstrip("%")) for b in bars] == pytest.approx([number(r["index"]) for r in table])


def page_words(page) -> dict:
    return json.loads(page.eval_on_selector("script.ppp-weights-json", "s => s.textContent"))["words"]


@pytest.fixture
def page(chromium):
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_a_dozen_random_weightings_match_the_package_and_round_trip_through_the_url(chromium, page, base_url, page_path):
    result = browser.visit(page, f"{base_url}/{page_path}")
    assert result["errors"] == [] and result["foreign"] == [] and result["failed"] == []
    words = page_words(page)
    assert page.locator(".ppp-weights-needs-js").is_hidden()
    assert page.locator(".ppp-weights-row input[type=range]").count() == len(DIMS)
    labels = page.eval_on_selector_all(".ppp-weights-row label", "ls => ls.map(l => l.textContent)")
    codebook = data.load("design-codebook").drop_duplicates("dimension")
    from ppp_atlas import editions

    lang = page_path.split("/")[0] if page_path.split("/")[0] in editions.TRANSLATIONS else "en"
    label = editions.translator(lang, "charts")  # the edition's names of the elements, as its charts show them
    assert labels == [label(x) for x in codebook["dimension_label"]], "the charts' labels, from the codebook"
    check_table(page, [weights.DEFAULT_WEIGHT] * len(DIMS), words)
    assert page.locator(".ppp-weights-table caption").text_content() == words["caption_equal"]

    rng = random.Random(17)
    draws = []
    while len(draws) < 12:
        values = [rng.randint(0, weights.MAX_WEIGHT) for _ in DIMS]
        if any(values):
            draws.append(values)
    for values in draws:
        set_weights(page, values)
        check_table(page, values, words)
        assert page.locator(".ppp-weights-table caption").text_content() == words["caption_custom"]
        query = parse_qs(urlparse(page.url).query)["weights"][0]
        assert dict(p.split(":") for p in query.split(",")) == {d: str(v) for d, v in zip(DIMS, values)}
        assert urlparse(page.locator(".ppp-weights-link").get_attribute("href")).query == urlparse(page.url).query

    # the live region announces the last ranking, best first, once the reader pauses
    status = page.locator(".ppp-weights-status")
    assert status.get_attribute("aria-live") == "polite"
    items = [words["announce_item"].format(rank=r["rank"], name=r["name"], index=r["index"])
             for r in read_table(page) if r["rank"] != "–"]
    announcement = words["announce"].format(list="; ".join(items))
    page.wait_for_function("text => document.querySelector('.ppp-weights-status').textContent === text", arg=announcement)

    # a shared link restores the weights and the same table in a fresh page
    shared = page.url
    table = read_table(page)
    other = chromium.new_page()
    try:
        other.goto(shared, wait_until="load")
        assert shown_weights(other) == draws[-1]
        assert read_table(other) == table
        other.goto(f"{base_url}/{page_path}?weights=oversight_audit:9,nonsense:2,limits_private_force:x", wait_until="load")
        restored = dict(zip(DIMS, shown_weights(other)))
        assert restored["oversight_audit"] == weights.MAX_WEIGHT  # clamped to the scale
        assert {d: v for d, v in restored.items() if d != "oversight_audit"} == {
            d: weights.DEFAULT_WEIGHT for d in DIMS if d != "oversight_audit"}
    finally:
        other.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_keyboard_presets_reset_and_all_zero(page, base_url, page_path):
    page.goto(f"{base_url}/{page_path}", wait_until="load")
    words = page_words(page)
    # Tab reaches the first control from the element before the form; arrow keys move it
    page.evaluate("""() => {  // the last focusable element before the form
        const form = document.querySelector('.ppp-weights');
        const before = [...document.querySelectorAll('a[href], button, input, [tabindex]')].filter(
            el => form.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
        for (const el of before.reverse()) { el.focus(); if (document.activeElement === el) { return; } } }""")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"ppp-weight-{DIMS[0]}":
            break
    assert page.evaluate("document.activeElement.id") == f"ppp-weight-{DIMS[0]}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert shown_weights(page)[0] == weights.DEFAULT_WEIGHT + 2
    assert page.locator(f"output[for=ppp-weight-{DIMS[0]}]").text_content() == str(weights.DEFAULT_WEIGHT + 2)
    check_table(page, shown_weights(page), words)
    assert f"{DIMS[0]}:{weights.DEFAULT_WEIGHT + 2}" in page.url
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"ppp-weight-{DIMS[1]}"
    page.keyboard.press("ArrowLeft")
    assert shown_weights(page)[1] == weights.DEFAULT_WEIGHT - 1
    check_table(page, shown_weights(page), words)

    payload = json.loads(page.eval_on_selector("script.ppp-weights-json", "s => s.textContent"))
    for preset in payload["presets"]:
        emphasised = weights.PRESETS[preset["id"]]
        want = [weights.EMPHASIS if d in emphasised else weights.DEFAULT_WEIGHT for d in DIMS]
        button = page.locator(f"button[data-preset={preset['id']}]")
        button.focus()
        page.keyboard.press("Enter")
        assert shown_weights(page) == want, preset["id"]
        assert button.get_attribute("aria-pressed") == "true"
        assert page.locator(".ppp-weights-preset[aria-pressed=true]").count() == 1
        check_table(page, want, words)
    assert set(weights.PRESETS["contracts"]) <= set(DIMS) and set(weights.PRESETS["rights"]) <= set(DIMS)

    page.locator("button.ppp-weights-reset").click()
    assert shown_weights(page) == [weights.DEFAULT_WEIGHT] * len(DIMS)
    assert "weights" not in parse_qs(urlparse(page.url).query)
    assert page.locator("button[data-preset=equal]").get_attribute("aria-pressed") == "true"
    assert page.locator(".ppp-weights-table caption").text_content() == words["caption_equal"]
    check_table(page, shown_weights(page), words)

    set_weights(page, [0] * len(DIMS))  # no weight: no index, and the form says why
    assert page.locator(".ppp-weights-zero").is_visible()
    assert {(r["index"], r["rank"]) for r in read_table(page)} == {(words["no_index"], "–")}


@pytest.mark.parametrize("page_path", PAGES)
def test_unknown_codes_drop_out_of_the_index(chromium, base_url, page_path):
    """The page's own JSON with cells blanked (as an empty code in data/ would be): the script
    follows the package's rule for unknown codes."""
    unknown = {"UZB": DIMS[:3], "GBR": DIMS[5:6], "DEU": DIMS}  # DEU: no known code at all
    page = chromium.new_page()

    def blank(route):
        response = route.fetch()
        text = response.text()
        match = re.search(r'(<script type="application/json" class="ppp-weights-json">)(.*?)(</script>)', text, re.S)
        payload = json.loads(match.group(2))
        for j in payload["jurisdictions"]:
            for d in unknown.get(j["iso3"], []):
                j["codes"][DIMS.index(d)] = None
        body = json.dumps(payload, ensure_ascii=False).replace("<", "\\u003c")
        route.fulfill(response=response, body=text[:match.start(2)] + body + text[match.end(2):])

    page.route(f"{base_url}/{page_path}*", blank)
    try:
        page.goto(f"{base_url}/{page_path}", wait_until="load")
        codes = CODES.copy()
        for iso3, dims in unknown.items():
            codes.loc[iso3, dims] = float("nan")
        words = page_words(page)
        for values in ([1] * len(DIMS), [2, 0, 4, 1, 3, 0, 1, 2, 4, 0, 1], [1, 1, 1] + [0] * (len(DIMS) - 3)):
            set_weights(page, values)
            want = matrix.weighted_index(codes, dict(zip(DIMS, values)))
            for row in read_table(page):
                if pd.isna(want[row["iso3"]]):
                    assert (row["index"], row["rank"]) == (words["no_index"], "–"), (values, row)
                else:
                    assert abs(number(row["index"]) - want[row["iso3"]]) <= 0.05 + 1e-9, (values, row)
        assert read_table(page)[-1]["iso3"] in ("DEU", "UZB")  # rows without an index come last
    finally:
        page.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_without_javascript_the_equal_weight_table_and_the_note_are_shown(chromium, base_url, page_path):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{page_path}", wait_until="load")
        words = json.loads(page.eval_on_selector("script.ppp-weights-json", "s => s.textContent"))["words"]
        note = page.locator(".ppp-weights-needs-js")
        assert note.is_visible() and note.text_content() == words["needs_js"]
        assert page.locator("form.ppp-weights-controls").is_hidden()
        assert page.locator(".ppp-weights-table").is_visible()
        assert page.locator(".ppp-weights-table caption").text_content() == words["caption_equal"]
        table = read_table(page)
        want = expected({d: weights.DEFAULT_WEIGHT for d in DIMS})
        assert len(table) == len(CODES)
        for row in table:
            assert abs(number(row["index"]) - want.loc[row["iso3"], "index"]) <= 0.05 + 1e-9, row
            assert int(row["rank"]) == int(want.loc[row["iso3"], "rank"]), row
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["light", "dark", "phone"])
@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_nothing_serious_in_the_working_form(chromium, base_url, page_path, mode):
    from test_accessibility import AXE, BLOCKING, MODES, audit

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    context = chromium.new_context(bypass_csp=True, **MODES[mode])
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{page_path}?weights=oversight_audit:4,legal_basis_ppp:0#weights-form", wait_until="load")
        page.locator("button[data-preset=rights]").click()
        page.wait_for_function("() => document.querySelector('.ppp-weights-status').textContent.length > 0")
        page.locator(".ppp-weights").scroll_into_view_if_needed()
        blocking = [v for v in audit(page) if v["impact"] in BLOCKING]
        assert blocking == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']} e.g. {v['targets']}" for v in blocking)
        if mode == "phone":
            assert browser.page_overflow(page) <= 0
            box = page.locator(".ppp-weights-bar-track").first.bounding_box()
            assert box["width"] >= 100, "bars stay readable on a 360 px screen"
    finally:
        context.close()


# --- the build side: one dict of words, inert JSON, data from the package -----------------

def test_every_word_of_the_form_is_in_one_dict_and_the_script_types_none():
    script = (weights.paths.ROOT / "ppp_atlas" / "static" / "ppp-weights.js").read_text(encoding="utf-8")
    in_script = set(re.findall(r"\bwords\.([a-z_]+)", script))
    at_build = set(re.findall(r"""words\[["']([a-z_]+)["']\]""", Path(weights.__file__).read_text(encoding="utf-8")))
    presets = {f"preset_{key}" for key in weights.PRESETS}
    assert in_script <= set(weights.WORDS), "the script uses only words from the dict"
    assert in_script | at_build | presets == set(weights.WORDS), "every word is used"
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    literals = re.findall(r'"([^"\\]*)"', code)
    selector = re.compile(r"(?:[a-z]*(?:[.#][a-z0-9_-]+|\[[^\]]+\])*\s*)+")  # CSS selectors are not prose
    prose = [s for s in literals if re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", s) and s != "use strict"
             and not (selector.fullmatch(s) and re.search(r"[.#\[]", s))]
    assert prose == [], f"reader-visible text typed in the script: {prose}"


def test_the_page_json_is_inert_and_holds_the_codes_from_data(site):
    text = (site / "notebooks/design-matrix.html").read_text(encoding="utf-8")
    bodies = re.findall(r'<script type="application/json" class="ppp-weights-json">(.*?)</script>', text, re.S)
    assert len(bodies) == 1 and "<" not in bodies[0]
    payload = json.loads(bodies[0])
    assert [e["id"] for e in payload["elements"]] == DIMS
    assert {j["iso3"]: j["codes"] for j in payload["jurisdictions"]} == {
        iso3: [None if pd.isna(v) else int(v) for v in row] for iso3, row in CODES.iterrows()}
    assert payload["words"]["legend"] == weights.WORDS["legend"].replace("{max}", str(weights.MAX_WEIGHT))
    assert text.count("ppp-weights.js") == 1 and 'defer="defer" src="../_static/ppp-weights.js' in text
    others = [p for p in site.rglob("*.html") if "ppp-weights.js" in p.read_text(encoding="utf-8")]
    assert {p.relative_to(site).as_posix() for p in others} == set(PAGES), "the script only where the form is"


def test_hostile_data_text_is_escaped_in_the_table_and_the_json():
    payload = weights.form_data("en")
    payload["jurisdictions"][0]["name"] = '<img src=x onerror="alert(1)"></script><!--'
    html_out = weights.form_html(payload, "en")
    assert "<img" not in html_out and "</script><!--" not in html_out
    assert "&lt;img src=x" in html_out and "\\u003cimg src=x" in html_out
