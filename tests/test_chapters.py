"""Chapters: teaching aids present, figures pasted from data rather than typed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ppp_atlas import config, data

ROOT = Path(__file__).resolve().parent.parent
#: The pages of book/ that are not chapters (no learning objectives, questions or reference list).
NOT_CHAPTERS = {"index", "glossary", "data", "legal-changes", "bibliography"}
#: Every chapter, in reading order, from _toc.yml: a new chapter is checked without being named here.
CHAPTERS = [doc.removeprefix("book/") for doc in config.toc_order()
            if doc.startswith("book/") and doc.removeprefix("book/") not in NOT_CHAPTERS]
ROLE_OR_CODE = re.compile(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|```.*?```|\(https?://[^)]*\)|<[^>]+>|\[[^\]]*\]\([^)]*\)", re.S)
NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w-]|\.\d)")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NOT_FIGURES = re.compile(  # identifiers that look like numbers: dates, sections, footnotes, names
    rf"\b\d{{1,2}}\s+(?:{MONTHS})\b|(?:{MONTHS})\s+\d{{1,2}}\b|§+\s*[\d\s,ffand.–-]+|"
    r"\b(?:[Ff]ootnotes?|[Aa]rt(?:icle)?s?\.?|No\.|Nos\.|Route|[Vv]ol(?:ume)?\.?|[Pp]p?\.|[Cc]hapter|[Ss]ection)\s*[\d\s,and–-]+|\d+\([A-Z0-9]+\)|\bof 100\b")
YEARISH = re.compile(r"year|date|established|founded|era|status_year|adopted|period|start|end", re.I)


def test_every_page_of_book_is_a_chapter_or_named_as_not_one():
    pages = {p.stem for p in (ROOT / "book").glob("*.md")}
    assert NOT_CHAPTERS <= pages, sorted(NOT_CHAPTERS - pages)
    assert set(CHAPTERS) == pages - NOT_CHAPTERS, "a page of book/ that _toc.yml does not list"
    assert len(CHAPTERS) >= 11


def _text(name: str) -> str:
    return (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_teaching_aids(name):
    text = _text(name)
    assert re.search(r"learning objectives", text, re.I), "learning objectives"
    assert re.search(r"discussion questions", text, re.I), "discussion questions"
    assert re.search(r"^#+ Summary", text, re.M | re.I), "summary"
    assert re.search(r"^## References", text, re.M) and "<!-- references -->" in text, "references"
    assert len(re.findall(r"\{cite:[pt]\}", text)) >= 5, "cites its sources"
    assert "{term}" in text, "links key terms to the glossary"


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c != "introduction"])
def test_substantive_chapter_length(name):
    words = len(ROLE_OR_CODE.sub(" ", _text(name)).split())
    assert 1200 <= words <= 5000, f"{name}: {words} words"


def _data_figures() -> set[str]:
    """Counts and amounts that data/ holds (not years, codes or small ordinals)."""
    figures = set()
    for resource in data.read_descriptor()["resources"]:
        if resource["name"] == "countries":
            continue
        frame = data.load(resource["name"])
        for field in resource["schema"]["fields"]:
            if field.get("type") in ("integer", "number") and not YEARISH.search(field["name"]):
                for value in frame[field["name"]].dropna():
                    value = float(value)
                    if value >= 20 and not (1900 <= value <= 2100 and value == int(value)):
                        figures.add(f"{value:,.0f}" if value == int(value) else f"{value:g}")
                        if value == int(value):
                            figures.add(str(int(value)))
    return figures


FIGURES = _data_figures()


@pytest.mark.parametrize("name", CHAPTERS + ["index"])
def test_no_data_figure_is_typed_into_prose(name):
    prose = ROLE_OR_CODE.sub(" ", _text(name))
    prose = re.sub(r"^\s*:\w+:.*$", " ", prose, flags=re.M)  # directive options
    prose = NOT_FIGURES.sub(" ", prose)
    typed = sorted({n for n in NUMBER.findall(prose) if n in FIGURES})
    assert typed == [], f"{name} types figures that data/ holds: {typed}"


def test_glossary_defines_every_term_the_chapters_use():
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    used = set()
    for path in (ROOT / "book").glob("*.md"):
        for target in re.findall(r"\{term\}`([^`]+)`", path.read_text(encoding="utf-8")):
            used.add(" ".join(target.split("<")[-1].rstrip(">").split()))
    defined = {line.strip() for line in glossary.splitlines()}
    assert sorted(t for t in used if t not in defined) == []


def test_landing_page_has_three_abstracts_and_key_findings():
    text = _text("index")
    assert 'lang="uz"' in text and 'lang="ru"' in text
    assert "## Key findings" in text
    key = text.split("## Key findings", 1)[1]
    assert "{glue" in key.split("\n## ", 1)[0], "key findings paste figures from data"


def test_no_caption_asks_a_phone_reader_to_hover():
    """Most readers hold a phone: a caption says "tap or point at", never "hover" (a finger
    cannot hover), in the chapters and in the notebooks' text."""
    import json

    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")}
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert len(texts) > 20
    assert [name for name, text in texts.items() if re.search(r"\bhover(s|ing)?\b", text, re.I)] == []
