"""references.bib: parses, entries complete, every key used, every citation resolvable."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ppp_atlas import bib, data

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = bib.entries()
CITE = re.compile(r"\{(?:cite|cite:p|cite:t|cite:ps|cite:ts|cite:alp|cite:year|cite:empty)\}`([^`]+)`")
SOURCES_ARG = re.compile(r"sources\s*=\s*\[([^\]]*)\]")
REQUIRED = {
    "article": ["author", "title", "journal", "year"],
    "book": ["title", "year"],
    "inbook": ["title", "year"],
    "incollection": ["title", "booktitle", "year"],
    "misc": ["title"],
    "online": ["title", "url"],
    "techreport": ["title", "institution", "year"],
    "report": ["title", "year"],
    "phdthesis": ["author", "title", "school", "year"],
    "mastersthesis": ["author", "title", "school", "year"],
    "unpublished": ["title", "note"],
    "inproceedings": ["title", "booktitle", "year"],
}


def _text_sources():
    for path in sorted((ROOT / "book").glob("*.md")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path, "\n".join("".join(c["source"]) for c in cells)


def cited_in_text() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path, text in _text_sources():
        keys = {k.strip() for group in CITE.findall(text) for k in group.split(",")}
        keys |= {k.strip().strip("\"'") for group in SOURCES_ARG.findall(text) for k in group.split(",") if k.strip()}
        for key in keys:
            found.setdefault(key, set()).add(path.name)
    return found


def used_in_data() -> set[str]:
    keys = set()
    for resource in data.read_descriptor()["resources"]:
        frame = data.load(resource["name"])
        keys |= {k.strip() for cell in frame["source"].dropna() for k in cell.split(";") if k.strip()}
    return keys


def further_reading() -> set[str]:
    text = (ROOT / "book" / "bibliography.md").read_text(encoding="utf-8")
    return set(CITE.findall(text)) | {k.strip() for g in CITE.findall(text) for k in g.split(",")}


def test_every_cited_key_exists():
    missing = {k: sorted(v) for k, v in cited_in_text().items() if k not in ENTRIES}
    assert missing == {}


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_entry_has_the_fields_its_type_needs(key):
    entry = ENTRIES[key]
    needed = REQUIRED.get(entry.type.lower(), ["title"])
    has = set(entry.fields) | set(entry.persons)
    missing = [f for f in needed if f not in has and not (f == "author" and "organization" in has)]
    assert not missing, f"{key} (@{entry.type}) lacks {missing}"
    if "url" in entry.fields and entry.type.lower() in ("misc", "online"):
        assert "urldate" in entry.fields or "year" in entry.fields, f"{key}: web source without access date"
    if "urldate" in entry.fields:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.fields["urldate"]), key


def test_keys_follow_the_house_form():
    bad = [k for k in ENTRIES if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*\d{4}[a-z0-9]*", k) and k != "ISO3166"]
    assert bad == []


def test_every_entry_is_used_or_listed_as_further_reading():
    used = set(cited_in_text()) | used_in_data() | further_reading()
    assert sorted(set(ENTRIES) - used) == []


def test_every_footnote_source_of_the_article_is_in_the_bibliography():
    footnote_sources = ["RussiaFZ2010security", "Mamatkulov2011ichki", "Kazakhstan2012national", "Bondar2002pravovye",
                        "Tsymbalova2016problemy", "Tojieva2019davlat", "SimmonsSimmons2018public", "HMT2026treasury",
                        "DfT2026department", "HomeOffice2026about", "Hadrill2020united", "NAO2026about",
                        "HMICFRS2026hm", "Perko2020transparency", "BpB2011private", "GermanyGewO1999gewerbeordnung",
                        "GermanyWaffG2002waffengesetz", "ECDF2026einstein", "ECDF2026future", "DHS2019strategic",
                        "DHS2026homeland", "DHS2026ensuring", "TSA2018strategy", "NNW2026about",
                        "Garofalo1988neighborhood", "Rosenbaum1988community"]
    assert [k for k in footnote_sources if k not in ENTRIES] == []


def test_bibliography_page_lists_every_entry(site):
    html = (site / "book" / "bibliography.html").read_text(encoding="utf-8")
    from ppp_atlas.citations import bib_anchor

    assert [k for k in ENTRIES if f'id="{bib_anchor(k)}"' not in html] == []


@pytest.mark.parametrize("edition", ["", "uz/", "ru/"])
def test_bibliography_shows_no_latex_and_no_english_placeholders_in_labels(site, edition):
    """What references.bib writes in LaTeX (\\dots, \\ldots{}, --) reaches the page as
    typography, and a work without a year is labelled by its name alone: "n.d." is an English
    word in a label that every edition shares."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.labels, self._depth = [], [], 0  # depth inside a <span class="label">

        def handle_starttag(self, tag, attrs):
            if self._depth:
                self._depth += 1
            elif tag == "span" and "label" in (dict(attrs).get("class") or "").split():
                self._depth = 1
                self.labels.append("")

        def handle_endtag(self, tag):
            if self._depth:
                self._depth -= 1

        def handle_data(self, text):
            self.parts.append(text)
            if self._depth:
                self.labels[-1] += text

    page = Text()
    page.feed((site / edition / "book" / "bibliography.html").read_text(encoding="utf-8"))
    text = "".join(page.parts)
    assert re.findall(r"\\[A-Za-z]+", text) == []
    # dates as a reader of the edition writes them (26 October 2023; 26.10.2023), not ISO codes
    assert re.findall(r"(?<![\w/.-])\d{4}-\d\d-\d\d(?![\w/])", re.sub(r"https?://\S+", "", text)) == []
    assert len(page.labels) >= len(ENTRIES)
    assert [label for label in page.labels if "n.d." in label or "б. г." in label] == []
