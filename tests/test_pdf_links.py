"""Links in the PDF editions, read back with pypdf (issue 24, item 8): the contents lead to their pages,
links to pages of the book lead inside it (glossary terms, citations, chapters), bibliography addresses
are live links, and every link to a PDF on the site says its size."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import pdfs
from pdfs import links
from ppp_atlas import bib, config, editions, pdf

LANGS = editions.LANGUAGES


book = pdfs.book


def _book_page(uri: str, lang: str) -> bool:
    site = config.site_url() + config.site_prefix(lang)
    if not uri.startswith(site):
        return False
    path = unquote(uri[len(site):].split("#")[0]).removesuffix(".html")
    return path in set(config.toc_order())


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_links_to_pages_of_the_book_lead_inside_it(site, lang):
    found = links(book(site, lang))
    internal = [item for item in found if item["to"] is not None]
    leaving = [item for item in found if item["uri"] and _book_page(item["uri"], lang)]
    # a few links of a page to its own charts lead nowhere (Chromium writes no destination for them):
    # known, and no more than that
    unresolved = [item for item in internal if item["to"] < 0]
    assert len(unresolved) <= 0.01 * len(internal), (len(unresolved), unresolved[:3])
    assert len(internal) > 1000, len(internal)  # glossary terms, citations, cross-references, the contents
    share = len(internal) / (len(internal) + len(leaving))
    assert share >= 0.95, (lang, len(internal), len(leaving), [i["uri"] for i in leaving[:5]])
    assert not [item for item in found if item["uri"] and item["uri"].startswith(pdf.GOTO)]


class _Visitor:
    """The text of a page with where pypdf puts each piece (x, y in user space)."""

    def __init__(self):
        self.pieces = []

    def __call__(self, text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            self.pieces.append((x, y, text))


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_contents_entries_link_to_their_pages(site, lang):
    r = pdfs.reader(book(site, lang))
    found = links(book(site, lang))
    # the contents run from page 2 to the page before the first chapter's (the bookmarks say where)
    starts = [r.get_destination_page_number(item) for item in r.outline if not isinstance(item, list)]
    contents_pages = range(1, min(p for p in starts if p > 1))
    checked = 0
    for number in contents_pages:
        visitor = _Visitor()
        r.pages[number].extract_text(visitor_text=visitor)
        for item in (i for i in found if i["page"] == number):
            assert item["to"] is not None, item  # no contents entry leaves the book
            x1, y1, x2, y2 = item["rect"]
            inside = [t for x, y, t in visitor.pieces if y1 - 1 <= y <= y2 + 1 and x1 - 1 <= x <= x2 + 1]
            shown = re.findall(r"\d+", "".join(inside))
            assert shown, (number, item)
            # the page number the entry shows is the page it leads to (the title page is page 1)
            assert int(shown[-1]) == item["to"] + 1, (number, "".join(inside), item["to"])
            checked += 1
    assert checked >= len(config.toc_order()), checked


def bib_urls() -> set[str]:
    return {entry.fields["url"].strip() for entry in bib.entries().values() if "url" in entry.fields}


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_bibliography_addresses_are_live_links(site, lang):
    uris = {unquote(item["uri"]).rstrip("/") for item in links(book(site, lang)) if item["uri"]}
    urls = bib_urls()
    assert len(urls) > 300
    missing = sorted(u for u in urls if unquote(u).rstrip("/") not in uris)
    assert missing == [], (len(missing), missing[:5])


class _PdfLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        if tag == "a" and href.endswith(".pdf") and "://" not in href:  # the site's own PDFs
            self._open = {"href": attrs["href"], "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.found.append(self._open)
            self._open = None


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_link_to_a_pdf_says_the_files_real_size(site, lang):
    from babel.numbers import parse_decimal

    root = site / config.site_prefix(lang)
    checked = 0
    for doc in config.toc_order() + ["book/data"]:
        page = root / f"{doc}.html"
        parser = _PdfLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            target = (page.parent / link["href"]).resolve()
            assert target.is_file(), link
            match = re.search(r"\((\d+[.,]\d)\u00a0(MB|МБ|kB|кБ)\)$", link["text"].strip())
            assert match, link["text"]
            unit = 1e6 if match.group(2) in ("MB", "МБ") else 1e3
            shown = float(parse_decimal(match.group(1), locale=lang))
            assert abs(shown - target.stat().st_size / unit) <= 0.05 + 1e-9, (link, target.stat().st_size)
            decimal = "." if lang == "en" else ","
            assert decimal in match.group(1)
            assert match.group(2) == {"en": "MB", "uz": "MB", "ru": "МБ"}[lang] or unit == 1e3
            checked += 1
    assert checked >= 2 * len(config.toc_order()), checked


def test_sizes_are_written_with_the_editions_units():
    assert pdf.size_text(6_712_345, "en") == "6.7\u00a0MB"
    assert pdf.size_text(6_712_345, "uz") == "6,7\u00a0MB"
    assert pdf.size_text(6_712_345, "ru") == "6,7\u00a0МБ"


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_a_pages_own_address_stays_a_link_to_the_website(site, lang):
    """The cite box's stable address of each page (and the title page's) names the website, in the
    book as in the page's own PDF: only links from one page to another lead inside the book."""
    address = config.site_url() + config.site_prefix(lang)
    book_uris = {item["uri"] for item in links(book(site, lang)) if item["uri"]}
    missing = [doc for doc in config.toc_order() if f"{address}{doc}.html" not in book_uris]
    assert missing == []
    doc = "book/germany"
    own = site / config.site_prefix(lang) / pdf.PDF_DIR / pdf.chapter_file(doc)
    found = links(own)
    assert f"{address}{doc}.html" in {item["uri"] for item in found}
    assert all(item["to"] is None or item["to"] >= 0 for item in found)
