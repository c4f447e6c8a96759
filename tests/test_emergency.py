"""The emergency-services table and the chapter that uses it say the same thing, and say it with sources."""
from __future__ import annotations

import re
from pathlib import Path

from ppp_atlas import data

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = (ROOT / "book" / "emergency-response.md").read_text(encoding="utf-8")
TABLE = data.load("emergency-services")


def test_every_jurisdiction_in_the_chapter_has_a_row():
    assert set(TABLE["iso3"]) == {"GBR", "AUS", "DEU", "RUS", "UZB", "USA"}
    assert set(TABLE["function"]) == {"call_answering", "dispatch", "emergency_response", "alarm_monitoring"}


def test_uzbekistan_row_names_the_resolution_and_says_it_was_read_in_summary():
    uzb = TABLE[TABLE["iso3"] == "UZB"].iloc[0]
    assert "No. 304 of 29 May 2024" in uzb["legal_basis"]
    assert uzb["verification"] == "unverified"
    assert "lex.uz" in uzb["note"] and "could not be consulted" in uzb["note"]
    assert "Uzbekistan2024dispatch" in uzb["source"]
    assert "Resolution No. 304 of 29 May 2024" in CHAPTER
    assert re.search(r"Source note: the 112 resolution was read in summary", CHAPTER)


def test_private_operators_come_with_a_means_of_public_control():
    private = TABLE[TABLE["operator_sector"].str.startswith("private")]
    assert len(private) >= 5
    assert private["public_control"].str.len().min() > 20


def test_chapter_cites_every_source_of_the_table():
    keys = {k.strip() for cell in TABLE["source"] for k in cell.split(";")}
    cited = {k.strip() for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", CHAPTER) for k in group.split(",")}
    assert keys <= cited, sorted(keys - cited)
