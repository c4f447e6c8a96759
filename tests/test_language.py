"""How the book speaks to readers: verification labels, tool-words, locators into the source
article, and the honest citation of that article.

* Every label a ``verification`` column may hold is defined on the Data page, and rows use
  their label as the label says (a ``model`` row never claims a source confirms it, a
  ``corrected`` row keeps the article's value, ...).
* Reader-facing text names sources, editions and dates, never the tools used to consult them.
* Every locator that points into the source article follows one scheme (``article §5``,
  ``article fn 12``) and names a part or footnote that exists in the article's outline.
* The source article is cited without an invented author or year.
"""
from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ppp_atlas import bib, citations, data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DESCRIPTOR = data.read_descriptor()
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]
ARTICLE_KEY = "Seed2025jamoat"

# Tables another engineer is rewriting in the same release (issue 11, "coded data"): their
# leftovers are expected to fail until that work is merged; strict, so the marker must go then.
PENDING: set[str] = set()  # tables rewritten elsewhere while this test was written (none now)
PENDING_WORDS: set[str] = set()


def _pending(name: str):
    marks = [pytest.mark.xfail(strict=True, reason="table rewritten on another branch; remove on merge")] \
        if name in PENDING else []
    return pytest.param(name, marks=marks, id=name)


def _rows(name: str) -> list[dict]:
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    with (DATA / resource["path"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _enum(resource: dict) -> list[str]:
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "verification")
    return field["constraints"]["enum"]


# --- verification labels ---------------------------------------------------------------

def test_the_six_labels_are_defined_once():
    assert data.VERIFICATION == ["confirmed", "corrected", "inferred", "partial", "model", "unverified"]
    assert all(len(text) > 40 for text in data.VERIFICATION_LABELS.values())


@pytest.mark.parametrize("name", [_pending(n) for n in NAMES])
def test_every_schema_offers_the_whole_label_set(name):
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    assert _enum(resource) == data.VERIFICATION


def test_every_label_is_defined_on_the_data_page(site):
    page = (site / "book/data.html").read_text(encoding="utf-8")
    labels = {label for r in DESCRIPTOR["resources"] for label in _enum(r)}
    for label in labels:
        match = re.search(rf'<dt id="label-{label}"><code>{label}</code></dt><dd>([^<]+)</dd>', page)
        assert match, f"label {label} is not defined on the Data page"
        assert match.group(1) == data.VERIFICATION_LABELS[label].replace("'", "&#x27;")


def test_data_page_counts_rows_by_label(site):
    page = (site / "book/data.html").read_text(encoding="utf-8")
    kpis = data.load("safe-city-kpi-sla")
    assert f"{len(kpis)} rows; {len(kpis)} model" in page


def _labelled(label: str) -> list[tuple[str, dict]]:
    return [(n, r) for n in NAMES for r in _rows(n) if r["verification"] == label]


def test_the_books_own_proposals_are_labelled_model():
    for name in ("safe-city-kpi-sla", "safe-city-risk-allocation", "safe-city-contract-checklist", "design-codebook"):
        labels = {r["verification"] for r in _rows(name)}
        assert labels == {"model"}, f"{name}: {labels}"


def test_model_rows_claim_no_source_confirms_them():
    rows = _labelled("model")
    assert len(rows) >= 95
    for name, row in rows:
        note = row["note"].lower()
        assert "confirm" not in note, (name, row["note"])
        assert "this book" in note and ("proposal" in note or "coding rule" in note), (name, row["note"])


def test_corrected_rows_keep_the_articles_value():
    rows = _labelled("corrected")
    assert rows
    for name, row in rows:
        kept = any(v.strip() for k, v in row.items() if k.endswith("_in_article"))
        assert kept or "article" in row["note"].lower(), (name, row.get("id") or next(iter(row.values())))


def test_inferred_rows_say_what_they_rest_on():
    rows = _labelled("inferred")
    assert len(rows) >= 3
    for name, row in rows:
        assert re.search(r"infer|identif|read(s|ing)? ", row["note"], re.I), (name, row["note"])


def test_partial_rows_say_what_was_read():
    rows = _labelled("partial")
    assert len(rows) >= 9
    for name, row in rows:
        assert re.search(r"read in part|read only|only the|abstract|summar|front matter", row["note"], re.I), (name, row["note"])


# --- banned tool-words ---------------------------------------------------------------------

BANNED = [
    r"stored cop(?:y|ies)",
    r"\bsearch tools?",
    r"copies available",
    r"available to (?:this|the) book",
    r"not among the (?:stored )?copies",
    r"(?<!habeas )\bcorp(?:us|ora)\b",
    r"\bfetch(?:ed|es|ing)?\b",
    r"\bthe (?:project's|book's) tools\b",
    r"tools'? store",
    r"through the tools",
    r"tools available",
    r"encyclop\w+ mirrors?",
    r"supplied to the project",
    r"\b(?:read_file|find_string|find_files)\b",
    r"\bcrawl(?:ed|er|ing)?\b",
]
BANNED_RE = re.compile("|".join(f"(?:{p})" for p in BANNED), re.IGNORECASE)


def _reader_files() -> list[Path]:
    files = [*sorted((ROOT / "book").glob("*.md")), *sorted(DATA.glob("*.csv")), *sorted(DATA.glob("notes/*.md")),
             DATA / "README.md", DATA / "datapackage.json", *sorted(DATA.glob("schemas/*.json")),
             ROOT / "references.bib", ROOT / "CITATION.cff"]
    return files


def _notebook_text(path: Path) -> str:
    """Everything a reader of a notebook sees: text cells, code, and the saved outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def _hits(text: str) -> list[str]:
    return [text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ") for m in BANNED_RE.finditer(text)]


def test_the_banned_list_catches_what_it_should():
    for phrase in ("not among the stored copies available to this book", "read through the search tools",
                   "No stored copy of this page", "the tools' store", "in the corpus", "fetched on"):
        assert BANNED_RE.search(phrase), phrase
    for phrase in ("habeas corpus", "the book mirrors the article", "stored securely", "research tools"):
        assert not BANNED_RE.search(phrase), phrase


def _file_param(path: Path):
    pending = path.parent == DATA and path.suffix == ".csv" and path.stem in PENDING_WORDS
    marks = [pytest.mark.xfail(strict=True, reason="table rewritten on another branch; remove on merge")] if pending else []
    return pytest.param(path, marks=marks, id=path.relative_to(ROOT).as_posix())


@pytest.mark.parametrize("path", [_file_param(p) for p in _reader_files()])
def test_no_tool_words_in_reader_facing_files(path):
    assert _hits(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_tool_words_in_notebooks(path):
    assert _hits(_notebook_text(path)) == []


class _Text(HTMLParser):
    """The text of a page as a reader sees it (scripts and styles left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label", "data-copy") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, text):
        if not self._skip:
            self.parts.append(text)


def _page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def test_no_tool_words_on_the_built_site(site):
    pages = [p for p in sorted(site.rglob("*.html")) if "_static" not in p.parts]
    assert len(pages) > 20
    # text that comes from the two tables still being rewritten elsewhere is left to that work
    pending = " ".join(" ".join(r.values()) for n in PENDING for r in _rows(n))
    found = {}
    for page in pages:
        text = re.sub(r"\s+", " ", _page_text(page))
        hits = [text[max(0, m.start() - 40):m.end() + 40] for m in BANNED_RE.finditer(text)
                if text[max(0, m.start() - 12):m.end() + 12] not in pending]
        if hits:
            found[page.relative_to(site).as_posix()] = hits
    assert found == {}


# --- locators into the source article -------------------------------------------------------

OUTLINE = data.load("article-outline")
PARTS = set(int(p) for p in OUTLINE["part"])
FOOTNOTES = {n for a, b in zip(OUTLINE["footnote_first"], OUTLINE["footnote_last"]) if a is not None and str(a) != "<NA>"
             for n in range(int(a), int(b) + 1)}

OLD_FORMS = re.compile(r"\barticle(?:'s)? parts? \d|\bparts? \d+ (?:to \d+ )?(?:of|in) the (?:source )?article|\bits parts? \d",
                       re.IGNORECASE)
PART_REF = re.compile(r"article §(\d+)")
FN_REF = re.compile(r"article fns? (\d+)(?:[–-](\d+))?")
PROSE_FN = re.compile(r"\bfootnotes? (\d+)(?:\s*(?:–|-|to|and)\s*(\d+))?", re.IGNORECASE)


def test_the_outline_covers_every_part_and_footnote_once():
    assert sorted(PARTS) == list(range(10))
    assert sorted(FOOTNOTES) == list(range(1, 28))
    spans = [(int(a), int(b)) for a, b in zip(OUTLINE["footnote_first"], OUTLINE["footnote_last"]) if str(a) != "<NA>"]
    assert sum(b - a + 1 for a, b in spans) == 27 and all(a <= b for a, b in spans)
    assert list(OUTLINE["locator"]) == [f"article §{p}" for p in OUTLINE["part"]]


def _check_refs(text: str, where: str) -> None:
    assert not OLD_FORMS.search(text), f"{where}: old locator form {OLD_FORMS.search(text).group(0)!r}"
    for m in PART_REF.finditer(text):
        assert int(m.group(1)) in PARTS, f"{where}: no part {m.group(0)}"
    for m in FN_REF.finditer(text):
        for n in filter(None, m.groups()):
            assert int(n) in FOOTNOTES, f"{where}: no footnote {m.group(0)}"
    for m in PROSE_FN.finditer(text):
        for n in filter(None, m.groups()):
            assert int(n) in FOOTNOTES, f"{where}: the article has no {m.group(0)}"


@pytest.mark.parametrize("name", [_pending(n) for n in NAMES])
def test_article_locators_follow_the_scheme(name):
    rows = _rows(name)
    for i, row in enumerate(rows, start=2):
        locator = row["locator"]
        _check_refs(locator, f"{name} row {i} locator")
        _check_refs(row["note"], f"{name} row {i} note")
        assert "footnote" not in locator.lower(), f"{name} row {i}: write 'article fn N' in locators"
        assert not re.search(r"§\d", locator) or all(m.start() >= 8 and locator[m.start() - 8:m.start()] == "article "
                                                      for m in re.finditer(r"§\d", locator)), f"{name} row {i}: {locator}"


def test_article_locators_are_used():
    refs = [r["locator"] for n in NAMES if n not in PENDING for r in _rows(n) if PART_REF.search(r["locator"]) or FN_REF.search(r["locator"])]
    assert len(refs) >= 120


@pytest.mark.parametrize("path", [*sorted((ROOT / "book").glob("*.md")), *sorted(DATA.glob("notes/*.md"))],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_references_to_the_article_follow_the_scheme(path):
    _check_refs(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


def test_outline_is_published_on_the_data_page(site):
    page = (site / "book/data.html").read_text(encoding="utf-8")
    for part in sorted(PARTS):
        assert f'<tr id="article-part-{part}"><td>§{part}</td>' in page
    assert 'lang="uz"' in page and "Rossiyalik ekspert N. Agazaryanning" in page


# --- the source article, cited honestly ------------------------------------------------------

def test_source_article_has_no_invented_author_or_year():
    entry = bib.entries()[ARTICLE_KEY]
    assert not bib.creators(entry)
    assert "year" not in entry.fields and "date" not in entry.fields
    assert "davlat-xususiy sheriklik" in entry.fields["title"]
    assert entry.fields["titleaddon"].startswith("Public--private partnership in public safety")
    note = entry.fields["note"]
    assert "year of publication not known" in note.lower() and "24 June 2024" in note


def test_source_article_is_formatted_without_a_year():
    text = dict(citations.format_entries([ARTICLE_KEY]))[ARTICLE_KEY]
    assert "n.d." in text and "Source article" not in text
    assert bib.short_label(ARTICLE_KEY).endswith("(n.d.)")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_saved_notebook_outputs_cite_the_article_without_a_year(path):
    text = _notebook_text(path)
    assert "Source article (" not in text
    if "Jamoat xavfsizligini" in text:
        assert "Jamoat xavfsizligini taʼminlashda … (n.d.)" in text


def test_no_page_gives_the_article_an_author_or_a_year(site):
    pages = [p for p in sorted(site.rglob("*.html")) if "_static" not in p.parts]
    for page in pages:
        text = _page_text(page)
        assert "Source article (" not in text and "Source article," not in text, page.name
        assert not re.search(r"xorijiy tajriba\W{0,3}(?:\[[^\]]*\])?\W{0,3}(?:19|20)\d\d", text), page.name
        for box in re.findall(r'<section class="ppp-cite-box".*?</section>', page.read_text(encoding="utf-8"), re.S):
            if "xorijiy tajriba" in box:  # names the source article (the Uzbek edition's own title begins alike)
                assert "not known" in box, page.name
    intro = _page_text(site / "book/introduction.html")
    assert re.search(r"Jamoat xavfsizligini taʼminlashda davlat-xususiy sheriklik … xorijiy tajriba\s*,\s*n\.d\.", intro)
