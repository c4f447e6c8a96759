"""The search page in a real Chromium, in every edition (issue 24, items 3 and 12): excerpts hold the
query and none of the page's chrome, a page whose title holds the word comes first, and on a phone
the results fit and the magnifying glass leaves the typed text alone."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ppp_atlas import editions

SWITCH = [editions.ENDONYMS[lang] for lang in editions.LANGUAGES]  # English, Oʻzbekcha, Русский

# (edition, a word of one chapter's title that other pages also use, that chapter, a word of a page's text)
CASES = [
    ("", "Germany", "book/germany.html", "licensing"),
    ("uz/", "Germaniya", "book/germany.html", "litsenziyalash"),
    ("ru/", "Германия", "book/germany.html", "лицензирование"),
]


class _Article(HTMLParser):
    """The reading text of a page: its ``article.bd-article`` without what is not prose: scripts and
    styles, heading links, navigation (the PDF links), drawings, code cells and the cite box."""

    SKIP_TAGS = {"script", "style", "nav", "svg", "noscript", "template"}
    SKIP_CLASSES = {"headerlink", "ppp-cite-box", "cell_input", "ppp-chart-box", "ppp-chart-data",
                    "ppp-visually-hidden"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside, self.stack, self.parts = False, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if not self.inside:
            if tag == "article" and "bd-article" in classes:
                self.inside, self.stack = True, []
            return
        skipping = bool(self.stack and self.stack[-1][1]) or tag in self.SKIP_TAGS or bool(classes & self.SKIP_CLASSES)
        self.stack.append((tag, skipping))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.inside or tag in self.VOID:
            return
        if not self.stack and tag == "article":
            self.inside = False
            return
        while self.stack:  # close up to the matching tag (HTML leaves some unclosed)
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.inside and not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def article_text(site, edition: str, href: str) -> str:
    parser = _Article()
    parser.feed((site / edition / href.split("#")[0]).read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts))


def _search(chromium, base_url, edition: str, query: str, width: int = 1280):
    tab = chromium.new_page(viewport={"width": width, "height": 900})
    tab.goto(f"{base_url}/{edition}search.html?q={query}", wait_until="load")
    # the status line is written once every result and its excerpt are in
    tab.wait_for_function("""() => { const items = document.querySelectorAll('#search-results li');
        return items.length > 0 && [...items].every(li => li.querySelector('p.context'))
            && (document.querySelector('#search-results .search-summary') || {}).textContent; }""",
                          timeout=30000)
    results = tab.eval_on_selector_all("#search-results li", """items => items.map(li => ({
        href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
        excerpt: li.querySelector('p.context').textContent}))""")
    return tab, results


@pytest.mark.parametrize("edition, title_word, chapter, word", CASES)
@pytest.mark.parametrize("which", ["title_word", "word"])
def test_excerpts_hold_the_query_and_no_language_switch(chromium, base_url, site, edition, title_word, chapter, word,
                                                        which):
    query = title_word if which == "title_word" else word
    tab, results = _search(chromium, base_url, edition, query)
    tab.close()
    assert len(results) >= 2, results
    for result in results:
        text = result["excerpt"]
        assert not any(name in text for name in SWITCH), result
        # a passage of the page's own reading text (not its header, buttons or contents)
        core = re.sub(r"\s+", " ", text).strip().strip("…").strip(".").strip()
        assert core[:60] in article_text(site, edition, result["href"]), result
        folded = text.lower().replace("ʻ", "").replace("ʼ", "")
        reading = article_text(site, edition, result["href"]).lower().replace("ʻ", "").replace("ʼ", "")
        if query.lower()[:6] in reading:
            assert query.lower()[:6] in folded, result
        else:  # the word is only in the page's code (a notebook's glue key): the excerpt is its start
            assert reading.strip().startswith(core[:40].lower()), result


@pytest.mark.parametrize("edition, title_word, chapter, word", CASES)
def test_the_chapter_whose_title_holds_the_word_ranks_first(chromium, base_url, edition, title_word, chapter, word):
    tab, results = _search(chromium, base_url, edition, title_word)
    tab.close()
    assert len(results) >= 3, results  # other pages mention the word too
    assert results[0]["href"].split("#")[0] == chapter, [r["href"] for r in results[:5]]


@pytest.mark.parametrize("edition", ["", "uz/", "ru/"])
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 768, 1280])
def test_on_any_screen_the_results_fit_and_the_icon_leaves_the_text_alone(chromium, base_url, edition, mode, width):
    tab = chromium.new_page(viewport={"width": width, "height": 800}, color_scheme=mode)
    try:
        tab.goto(f"{base_url}/{edition}search.html", wait_until="load")
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
        tab.close()
        # "www" finds pages whose excerpts hold long addresses (www.legislation.gov.uk/...)
        tab, results = _search(chromium, base_url, edition, "www", width=width)
        assert results
        tab.emulate_media(color_scheme=mode)
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
        boxes = tab.evaluate("""() => {
            const form = document.querySelector('.bd-search-container form.bd-search');
            const input = form.querySelector('input'), icon = form.querySelector('i.fa-magnifying-glass');
            input.value = 'legislation';
            const box = input.getBoundingClientRect(), glass = icon.getBoundingClientRect();
            const text = box.left + parseFloat(getComputedStyle(input).paddingLeft);
            return {text: text, icon_right: glass.right, icon_width: glass.width, input_right: box.right};
        }""")
        assert boxes["icon_width"] > 0
        assert boxes["text"] >= boxes["icon_right"], boxes
        assert boxes["input_right"] <= width, boxes
    finally:
        tab.close()
