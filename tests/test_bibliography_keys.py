"""The bibliography page as a reader uses it (issue 24, item 9): every address is a link, every key the
data tables cite is shown at its entry's anchor, data tables link their keys there, and references.bib
can be downloaded as it is in the repository."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from ppp_atlas import bib, citations, paths

EDITIONS = ["", "uz/", "ru/"]
URL = re.compile(r"https?://[^\s<>\"]+")


class _Page(HTMLParser):
    """The bibliography's entries: for each ``div.citation``, its id, its text and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries, self.stack, self.current, self.links, self.in_a = [], [], None, [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.stack.append("citation" in (attrs.get("class") or "").split())
            if self.stack[-1]:
                self.current = {"id": attrs.get("id"), "text": "", "hrefs": [], "links": [], "plain": ""}
        if tag == "a" and self.current is not None:
            self.current["hrefs"].append(attrs.get("href"))
            self.current["links"].append("")
            self.in_a += 1
        if tag == "a" and (attrs.get("href") or "").endswith("references.bib"):
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self.in_a:
            self.in_a -= 1
        if tag == "div" and self.stack:
            if self.stack.pop() and self.current is not None:
                self.entries.append(self.current)
                self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data
            if self.in_a:
                self.current["links"][-1] += data
            else:
                self.current["plain"] += data


def _page(site, edition):
    parser = _Page()
    parser.feed((site / edition / "book/bibliography.html").read_text(encoding="utf-8"))
    return parser


def data_keys() -> set[str]:
    keys = set()
    for path in paths.DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                keys |= {k.strip() for k in (row.get("source") or "").split(";") if k.strip()}
    return keys


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_address_in_the_bibliography_is_a_link(site, edition):
    page = _page(site, edition)
    assert len(page.entries) == len(bib.entries())
    addresses = 0
    for entry in page.entries:
        # no address is left in the entry's text outside a link, and each link leads where it reads
        assert not URL.findall(entry["plain"]), (entry["id"], URL.findall(entry["plain"]))
        for text, href in zip(entry["links"], entry["hrefs"]):
            if URL.fullmatch(text.strip()):
                addresses += 1
                assert href == text.strip(), (entry["id"], text, href)
    assert addresses >= 300  # the book's works with an address


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_key_cited_in_data_is_shown_at_its_anchor(site, edition):
    page = _page(site, edition)
    by_id = {entry["id"]: entry for entry in page.entries}
    keys = data_keys()
    assert len(keys) > 250
    for key in keys:
        entry = by_id.get(citations.bib_anchor(key))
        assert entry is not None, key
        assert re.search(rf"\b{re.escape(key)}\s*$", entry["text"].strip()), (key, entry["text"][-80:])


@pytest.mark.parametrize("edition", EDITIONS)
def test_references_bib_is_linked_and_identical_to_the_repository_file(site, base_url, edition):
    import urllib.request

    links = _page(site, edition).links
    assert len(links) == 1 and links[0].get("download") == "references.bib"
    href = links[0]["href"]
    assert href == "../_static/references.bib"
    with urllib.request.urlopen(f"{base_url}/{edition}book/{href}") as response:  # noqa: S310 (loopback)
        assert response.read() == paths.BIBFILE.read_bytes()


def test_data_tables_on_the_site_link_their_source_keys_to_the_bibliography(site):
    keys = data_keys()
    cell = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
    linked = plain = 0
    for page in ["book/design-elements.html", "notebooks/permitted-functions.html", "uz/book/design-elements.html",
                 "ru/notebooks/permitted-functions.html"]:
        for body in cell.findall((site / page).read_text(encoding="utf-8")):
            text = re.sub(r"<[^>]+>", "", body)
            parts = [p.strip() for p in text.split(";")]
            if parts and all(p in keys for p in parts):
                hrefs = re.findall(r'<a class="ppp-source-key" href="([^"]+)">([^<]+)</a>', body)
                if hrefs:
                    linked += 1
                    depth = page.count("/") - (1 if page.startswith(("uz/", "ru/")) else 0)
                    for href, key in hrefs:
                        target, anchor = href.split("#")
                        assert anchor == citations.bib_anchor(key)
                        assert target in ("bibliography.html", "../book/bibliography.html"), (page, href, depth)
                else:
                    plain += 1
    assert linked > 100 and plain == 0, (linked, plain)
