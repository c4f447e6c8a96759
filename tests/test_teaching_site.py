"""The teacher's pack on the built site: the self-check on every chapter page, the teacher's guide
(separate from the student pages, with its PDF), and the slide decks (keyboard-driven, offline,
legible on a projector, audited like the pages, one PDF per deck), in every edition."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

import browser
from ppp_atlas import config, editions, teaching, teaching_pdf

SITE = browser.SITE
CHAPTERS = teaching.chapters() if teaching.BANK.exists() else []
EDITIONS = editions.LANGUAGES


def page(lang: str, path: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / config.site_prefix(lang) / path).read_text(encoding="utf-8"), "html.parser")


def words(lang: str):
    return teaching.words(lang)


def squeeze(text: str) -> str:
    """Text as compared across pages: no whitespace (inline markup splits words differently) and
    straight apostrophes (the English pages use typographic ones)."""
    return re.sub(r"\s+", "", text).replace("’", "'")


# --- the self-check -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_every_chapter_ends_with_its_self_check_before_its_references(site, lang):
    word = words(lang)
    for chapter in CHAPTERS:
        soup = page(lang, f"book/{chapter}.html")
        section = soup.find("section", id="ppp-self-check")
        assert section is not None, (lang, chapter)
        assert section.find("h2").get_text(strip=True).startswith(word("self_check"))
        following = section.find_next_sibling("section")
        assert following is not None and following.get("id") == "references", (lang, chapter)
        expected = teaching.self_check(chapter, lang)
        items = section.select("div.ppp-self-check-item")
        assert len(items) == len(expected) >= 3, (lang, chapter)
        for item, question in zip(items, expected):
            assert question.stem in item.get_text(" ", strip=True)
            details = item.find("details", class_="ppp-answer")
            assert details is not None and details.find("summary").get_text(strip=True) == word("answer")
            answer = details.get_text(" ", strip=True)
            if question.type == "multichoice":
                assert squeeze(question.correct[0].text) in squeeze(answer)
                assert squeeze(question.correct[0].feedback) in squeeze(answer)
            elif question.type == "truefalse":
                assert (word("true") if question.answer else word("false")) in answer
            elif question.type == "shortanswer":
                assert question.options[0].text in answer
            else:
                assert all(left in answer and right in answer for left, right in question.pairs)
            link = details.select_one("p.ppp-tested-in a")
            assert link is not None and link["href"].startswith("#"), (lang, chapter, question.id)
            assert soup.find(id=link["href"][1:]) is not None, "the section tested is on the page"
        assert not section.find("script"), "no script: the answers open without JavaScript"
        slides = section.select("p.ppp-slide-links a")
        assert [a["href"] for a in slides] == [f"../_slides/{chapter}.html", f"../_slides/{chapter}.pdf"]
        for a in slides:
            assert (SITE / config.site_prefix(lang) / "book" / a["href"]).resolve().is_file(), a["href"]


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_self_check_is_in_the_page_contents(site, lang):
    soup = page(lang, "book/germany.html")
    toc = soup.select_one("nav.bd-toc-nav, #pst-page-navigation-heading-2 ~ nav, .bd-toc")
    assert toc is not None and toc.find("a", href="#ppp-self-check") is not None


def test_answers_open_on_demand_without_javascript_and_by_keyboard(chromium, base_url):
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{base_url}/uz/book/united-kingdom.html", wait_until="load")
        first = tab.locator("#ppp-self-check details.ppp-answer").first
        hidden = first.locator("p.ppp-correct")
        assert not hidden.is_visible(), "closed until asked for"
        first.locator("summary").click()
        assert hidden.is_visible()
        second = tab.locator("#ppp-self-check details.ppp-answer").nth(1)
        second.locator("summary").focus()
        tab.keyboard.press("Enter")
        assert second.locator("p.ppp-correct").is_visible(), "a keyboard opens it too"
    finally:
        context.close()


def test_a_printed_chapter_shows_every_answer(chromium, base_url):
    tab = chromium.new_page()
    try:
        tab.goto(f"{base_url}/ru/book/design-elements.html", wait_until="load")
        tab.emulate_media(media="print")
        answers = tab.locator("#ppp-self-check details.ppp-answer p.ppp-correct")
        assert answers.count() >= 3
        for i in range(answers.count()):
            assert answers.nth(i).is_visible(), "printed, an answer stands under its question"
        assert not tab.locator("p.ppp-slide-links").is_visible()
    finally:
        tab.close()


def test_the_chapter_pdf_carries_the_self_check_with_its_answers(site):
    from pypdf import PdfReader

    pdf = SITE / "pdf" / "book" / "codebook.pdf"
    text = " ".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text)
    question = teaching.self_check("codebook", "en")[0]
    assert words("en")("self_check") in text
    assert question.correct[0].text[:40] in text


# --- the teacher's guide ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_the_guide_stands_apart_from_the_student_pages(site, lang):
    root = SITE / config.site_prefix(lang)
    guide = [f"teaching/{c}.html" for c in ["index", *CHAPTERS]]
    for name in guide:
        assert (root / name).is_file(), name
    chapter = page(lang, "book/germany.html")
    nav = chapter.select_one("nav.bd-docs-nav")
    assert nav is not None and not nav.find("a", href=re.compile(r"teaching/")), "not in the book's navigation"
    import json

    text = (root / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    hidden = {i for i, doc in enumerate(index["docnames"]) if doc.startswith("teaching/")}
    assert hidden, "the guide's pages are known to the index (Sphinx lists every page) ..."
    assert all(not index["titles"][i] for i in hidden), "... but with no title"
    for positions in index["terms"].values():
        found = {positions} if isinstance(positions, int) else set(positions)
        assert not found & hidden, "... and no word of theirs is searchable"
    for entry in ("book/index.html", "book/data.html"):
        assert page(lang, entry).find("a", href="../teaching/index.html"), f"{entry} links the guide"


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_guide_answers_every_discussion_question_and_every_question_of_the_bank(site, lang):
    word = words(lang)
    for chapter in CHAPTERS:
        book = page(lang, f"book/{chapter}.html")
        asked = book.find("section", id="discussion-questions").find("ol").find_all("li", recursive=False)
        guide = page(lang, f"teaching/{chapter}.html")
        model = guide.find("section", id="model-answers-to-the-discussion-questions")
        answered = model.find("ol").find_all("li", recursive=False)
        assert len(answered) == len(asked) >= 4, (lang, chapter, len(answered), len(asked))
        bank = teaching.questions(lang, chapter=chapter)
        items = guide.select("div.ppp-bank-item")
        cases = guide.select("div.ppp-case")
        assert len(items) == sum(q.type != "case" for q in bank) and len(cases) == 1, (lang, chapter)
        for item, question in zip(items, [q for q in bank if q.type != "case"]):
            text = item.get_text(" ", strip=True)
            assert question.stem in text
            if question.type == "multichoice":
                assert all(squeeze(o.feedback) in squeeze(text) for o in question.options), "the feedback of every option"
        case = next(q for q in bank if q.type == "case")
        rows = cases[0].select("table.ppp-rubric tbody tr")
        assert [int(r.find_all("td")[1].get_text(strip=True)) for r in rows] == [c.points for c in case.rubric]
        assert word("points_total", points=case.points) in cases[0].get_text(" ", strip=True)


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_guide_has_a_course_outline_and_its_pdf(site, lang):
    from pypdf import PdfReader

    guide = page(lang, "teaching/index.html")
    weeks = guide.select("table")[1].select("tbody tr") if len(guide.select("table")) > 1 else []
    assert 12 <= len(weeks) <= 15, "a course of 12 to 15 weeks"
    linked = {a["href"] for a in guide.select("table a[href]")}
    assert {f"../book/{c}.html" for c in CHAPTERS} <= linked, "every chapter is read in some week"
    pdf = SITE / config.site_prefix(lang) / "pdf" / teaching_pdf.guide_file(lang)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 40
    assert len(reader.outline) == len(teaching_pdf.guide_pages())
    assert reader.trailer["/Root"]["/Lang"] == editions.BCP47[lang]
    text = re.sub(r"\s+", " ", " ".join((p.extract_text() or "") for p in reader.pages[-12:]))
    assert teaching.questions(lang, chapter="conclusions")[-1].model[0][:30] in text


# --- the decks -----------------------------------------------------------------------------------------

def deck(lang: str, chapter: str) -> BeautifulSoup:
    return page(lang, f"_slides/{chapter}.html")


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_chapter_has_a_deck_of_10_to_20_slides_from_its_own_text(site, lang):
    for chapter in CHAPTERS:
        soup = deck(lang, chapter)
        assert soup.html["lang"] == lang
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"}) is not None
        slides = soup.select("div.slides > section")
        assert 10 <= len(slides) <= 20, (lang, chapter, len(slides))
        chapter_page = page(lang, f"book/{chapter}.html")
        title = chapter_page.find("h1").get_text(strip=True).rstrip("#")
        assert soup.find("h1").get_text(strip=True) == title, "the deck's title is the chapter's"
        asked = [li.get_text(" ", strip=True) for li in
                 chapter_page.find("section", id="discussion-questions").find("ol").find_all("li", recursive=False)]
        deck_text = soup.get_text(" ", strip=True)
        assert all(squeeze(q) in squeeze(deck_text) for q in asked), "discussion questions quoted"
        for img in soup.select("img"):
            assert img.get("alt") and (SITE / config.site_prefix(lang) / "_slides" / img["src"]).resolve().is_file()
        alternates = {link["hreflang"] for link in soup.find_all("link", rel="alternate")}
        assert alternates == {"en", "uz-Latn", "ru", "x-default"}
        for a in soup.select("nav.ppp-languages a[href]"):
            assert (SITE / config.site_prefix(lang) / "_slides" / a["href"]).resolve().is_file()
        if lang != "en":
            assert "Learning objectives" not in deck_text and "Discussion questions" not in deck_text


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_deck_prints_to_one_pdf_page_a_slide(site, lang):
    from pypdf import PdfReader

    for chapter in CHAPTERS:
        slides = len(deck(lang, chapter).select("div.slides > section"))
        reader = PdfReader(SITE / config.site_prefix(lang) / "_slides" / f"{chapter}.pdf")
        assert len(reader.pages) == slides, (lang, chapter)
        box = reader.pages[0].mediabox
        assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01


@pytest.mark.parametrize("lang", EDITIONS)
def test_a_deck_is_offline_keyboard_driven_full_screen_and_legible(chromium, base_url, lang):
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    try:
        result = browser.visit(tab, f"{base_url}/{config.site_prefix(lang)}_slides/united-kingdom.html", browser.DECK_READY)
        assert result["status"] == 200 and result["foreign"] == [] and result["failed"] == [] and result["errors"] == []
        total = tab.evaluate("Reveal.getTotalSlides()")
        tab.keyboard.press("ArrowRight")
        assert tab.evaluate("Reveal.getIndices().h") == 1
        tab.keyboard.press("Space")
        assert tab.evaluate("Reveal.getIndices().h") == 2
        tab.keyboard.press("ArrowLeft")
        assert tab.evaluate("Reveal.getIndices().h") == 1
        tab.keyboard.press("f")
        tab.wait_for_function("() => document.fullscreenElement !== null")
        tab.keyboard.press("Escape")
        labels = tab.evaluate("Array.from(document.querySelectorAll('.reveal .controls button')).map(b => b.getAttribute('aria-label'))")
        assert words(lang)("deck_next") in labels and words(lang)("deck_previous") in labels
        for i in range(total):  # every slide fits the 16:9 screen and its text is large
            tab.evaluate(f"Reveal.slide({i})")
            tab.wait_for_function(f"() => Reveal.getIndices().h === {i}")
            fit = tab.evaluate("""() => {
                const s = Reveal.getCurrentSlide();
                const sizes = Array.from(s.querySelectorAll('p, li, h1, h2, figcaption, blockquote p'))
                    .map(e => parseFloat(getComputedStyle(e).fontSize));
                return {height: s.scrollHeight, limit: Reveal.getConfig().height, smallest: Math.min(...sizes)};
            }""")
            assert fit["height"] <= fit["limit"], (lang, i, fit)
            assert fit["smallest"] >= 20, (lang, i, fit)
    finally:
        context.close()


@pytest.mark.parametrize("lang", EDITIONS)
def test_decks_pass_the_accessibility_audit_of_the_pages(chromium, base_url, lang):
    """axe-core on every deck in its print view, where all slides are laid out at once; each deck loads
    offline (no request to another host), every request answered, no script error."""
    from test_accessibility import AXE, BLOCKING

    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 720})
    try:
        for chapter in CHAPTERS:
            tab = context.new_page()
            result = browser.visit(tab, f"{base_url}/{config.site_prefix(lang)}_slides/{chapter}.html?print-pdf", browser.DECK_READY)
            tab.wait_for_function("() => document.querySelectorAll('.reveal .pdf-page').length > 0")
            assert result["status"] == 200, (lang, chapter)
            assert result["foreign"] == [] and result["failed"] == [] and result["errors"] == [], (lang, chapter, result)
            assert tab.locator(".reveal .pdf-page").count() == len(deck(lang, chapter).select("div.slides > section"))
            tab.add_script_tag(path=str(AXE))
            found = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""")
            blocking = [v for v in found if v["impact"] in BLOCKING]
            assert blocking == [], (lang, chapter, blocking)
            tab.close()
    finally:
        context.close()


def test_the_guide_is_audited_and_loaded_offline_like_every_page_in_every_edition(site):
    """The guide's pages are among the pages the accessibility audit (axe) and the offline, error-free
    load test visit, in each edition: a guide page dropped from those lists would go unchecked."""
    import test_accessibility
    import test_browser

    for lang in EDITIONS:
        guide = {f"{config.site_prefix(lang)}teaching/{c}.html" for c in ["index", *CHAPTERS]}
        assert len(guide) == len(CHAPTERS) + 1
        assert guide <= set(test_accessibility.PAGES), lang
        assert guide <= set(test_browser.PAGES), lang


@pytest.mark.parametrize("lang", EDITIONS)
def test_printed_decks_and_guides_link_to_the_published_site(site, lang):
    """A deck's or the guide's PDF, printed from a server on this machine, links to the published
    site (never to 127.0.0.1), as the book's PDFs do."""
    from pypdf import PdfReader

    root = SITE / config.site_prefix(lang)
    printed = [root / "_slides" / f"{c}.pdf" for c in CHAPTERS] + [root / "pdf" / teaching_pdf.guide_file(lang)]
    published = 0
    for pdf in printed:
        for number, sheet in enumerate(PdfReader(pdf).pages):
            for annotation in sheet.get("/Annots") or []:
                uri = annotation.get_object().get("/A", {}).get("/URI")
                if not uri:
                    continue
                host = urlparse(str(uri)).hostname or ""
                assert host not in ("127.0.0.1", "localhost"), (pdf.name, number, uri)
                published += str(uri).startswith(config.site_url())
    assert published >= len(CHAPTERS), "the guide links the chapters it sets for reading"
