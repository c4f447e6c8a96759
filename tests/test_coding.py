"""The law as of a stated date, and a coding that survives a second coder.

The two coded tables (``permitted-functions``, ``design-matrix``) name a deciding instrument at
article level for every counted cell; an empty cell is not established and is counted nowhere;
every legal row says up to which date its law was checked, never a date to come; both codings and
the resolution of each disagreement are kept in ``data/coding/``, and the agreement published on
the codebook page is the agreement of those files.
"""
from __future__ import annotations

import datetime
import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ppp_atlas import bib, coding, config, data, datadocs, editions, matrix

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
TODAY = datetime.date.today()
#: an article, section, paragraph, regulation, rule or part of an act, in the forms the tables use
ARTICLE = re.compile(r"§+\s*\d|\b(?:Art(?:icle)?s?\.?\s*\d|ss?\.\s*\d|[Rr]eg(?:ulation)?s?\.?\s*\d|[Pp]aras?\.?\s*\d|"
                     r"Sch(?:edule)?\.?\s*\d|Part\s+\d|[Rr]ules?\s+\d|\d+\s*CFR\s*\d|item\s+\d|[Cc]ondition\s+[A-Z]?\d|"
                     r"[Ss]ections?\s+\d|FAR\s+\d|[Cc]lause\s+\d|"
                     # the parts of guidance and of short orders, where that is the finest level the text has
                     r"[Vv]ol(?:ume)?s?\.?\s*\d|ch\.\s*\d|[Cc]hapters?\s+\d|Appendi(?:x|ces)\s*\d|[Pp]rinciples?\s+\d|"
                     r"Title\s+[IVXL]+|[Pp]oints?\s+\d)")
LEGAL_TABLES = ("permitted-functions", "design-matrix", "emergency-services", "security-definitions",
                "private-security-legal-limits", "legal-changes")


@pytest.mark.parametrize("table", coding.TABLES)
def test_every_counted_cell_names_its_article_and_reasoning(table):
    keys, column, _ = coding.TABLES[table]
    frame = data.load(table)
    counted = frame[frame[column].notna()]
    assert len(counted), table
    problems = []
    for _, row in counted.iterrows():
        where = f"data/{table}.csv {tuple(row[k] for k in keys)}"
        if not ARTICLE.search(str(row["instrument"])):
            problems.append(f"{where}: field instrument names no article: {row['instrument']!r}")
        if not str(row["reasoning"]).strip() or str(row["reasoning"]) == "nan":
            problems.append(f"{where}: field reasoning is empty")
    assert not problems, "a counted cell without an article-level basis must be left empty:\n" + "\n".join(problems)


@pytest.mark.parametrize("table", coding.TABLES)
def test_a_cell_not_established_is_unverified_and_says_why(table):
    keys, column, _ = coding.TABLES[table]
    frame = data.load(table)
    for _, row in frame[frame[column].isna()].iterrows():
        where = f"data/{table}.csv {tuple(row[k] for k in keys)}"
        assert row["verification"] == "unverified", f"{where}: an empty {column} must be unverified"
        assert str(row["note"]).strip() and str(row["note"]) != "nan", f"{where}: the note must say why"


def test_cells_not_established_are_left_out_of_the_index():
    codes = data.load("design-matrix").pivot(index="iso3", columns="dimension", values="code").astype(float)
    weights = {d: 1.0 for d in codes.columns}
    index = matrix.weighted_index(codes, weights)
    for iso3, row in codes.iterrows():
        known = row.dropna()
        expected = 100 * known.sum() / (3 * len(known))
        assert index[iso3] == pytest.approx(expected, abs=0.05), iso3


@pytest.mark.parametrize("table", LEGAL_TABLES)
def test_every_legal_row_says_when_its_law_was_checked_and_no_date_is_to_come(table):
    frame = data.load(table)
    column = "law_as_of" if "law_as_of" in frame else "accessed"
    as_of = data.law_as_of()
    assert as_of <= TODAY
    for i, value in frame[column].items():
        assert pd.notna(value), f"data/{table}.csv row {i + 2}: field {column} is empty"
        day = pd.Timestamp(value).date()
        assert day <= TODAY and day <= as_of, f"data/{table}.csv row {i + 2}: field {column} is {day}, after {as_of}"


@pytest.mark.parametrize("table", coding.TABLES)
def test_every_disagreement_has_a_written_resolution_that_the_table_holds(table):
    pairs = coding.paired(table)
    differ = pairs[pairs["first"] != pairs["second"]]
    settled = coding.disagreements(table)  # raises, naming the cell, on a missing or unheld resolution
    assert len(settled) == len(differ) > 0
    assert settled["reason"].str.len().min() > 20
    resolved = coding.resolutions(table)
    assert set(resolved.index) == set(differ.index), "a resolution for a cell the coders agree on"


def _kappa_by_hand(first: pd.Series, second: pd.Series) -> float:
    labels = sorted(set(first) | set(second))
    n = len(first)
    observed = (first == second).mean()
    expected = sum((first == label).sum() * (second == label).sum() for label in labels) / n ** 2
    return (observed - expected) / (1 - expected)


@pytest.mark.parametrize("table", coding.TABLES)
def test_the_agreement_is_that_of_the_two_codings(table):
    keys, column, _ = coding.TABLES[table]
    first = pd.read_csv(ROOT / "data" / "coding" / f"first-coding-{table}.csv", dtype=str, keep_default_na=False)
    second = pd.read_csv(ROOT / "data" / "coding" / f"second-coding-{table}.csv", dtype=str, keep_default_na=False)
    both = first.merge(second, on=list(keys), suffixes=("_1", "_2"))
    assert len(both) == len(first) == len(second) == len(data.load(table))
    agreement = coding.table_agreement(table)
    assert agreement.cells == len(both)
    assert agreement.agreed == int((both[f"{column}_1"] == both[f"{column}_2"]).sum())
    assert agreement.kappa == pytest.approx(_kappa_by_hand(both[f"{column}_1"], both[f"{column}_2"]), abs=1e-9)
    assert -1 <= agreement.kappa <= 1


def test_the_coding_files_are_a_valid_data_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(ROOT / "data" / "coding" / "datapackage.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_every_legal_change_names_rows_that_exist_and_sources_in_the_bibliography():
    keys_of = {"permitted-functions": ("function", "iso3"), "design-matrix": ("dimension", "iso3")}
    known = set(bib.entries())
    for _, row in data.load("legal-changes").iterrows():
        for key in row["source"].split(";"):
            assert key.strip() in known, f"data/legal-changes.csv {row['change_id']}: field source: {key} not in references.bib"
        for part in row["rows_affected"].split(";"):
            table, _, cells = part.strip().partition(":")
            table = table.strip()
            frame = data.load(table)
            for cell in cells.split(","):
                cell = cell.strip()
                if table in keys_of:
                    first, iso3 = cell.split(":")
                    hit = frame[(frame[keys_of[table][0]] == first) & (frame["iso3"] == iso3)]
                else:
                    hit = frame[frame.iloc[:, 0] == cell]
                assert len(hit) == 1, f"data/legal-changes.csv {row['change_id']}: field rows_affected: no row {table} {cell}"


def test_no_page_still_says_there_is_no_second_coder():
    for path in [*(ROOT / "book").glob("*.md"), *(ROOT / "data" / "notes").glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"not (?:yet )?been (?:checked|coded) by a second coder|no second coder|reliability has not been tested|second coding is to follow|One coder scored", text, re.I), path.name


def test_verification_shares_leave_out_the_reference_tables_and_add_up():
    page = datadocs.verification_html()
    for reference in datadocs.REFERENCE_TABLES:
        assert f">{reference}<" not in page
    for resource in data.read_descriptor()["resources"]:
        if resource["name"] not in datadocs.REFERENCE_TABLES:
            assert f">{resource['name']}<" in page, resource["name"]
    counted = sum(len(data.load(r["name"])) for r in data.read_descriptor()["resources"]
                  if r["name"] not in datadocs.REFERENCE_TABLES)
    assert f"<td>{counted:,}</td>" in page.replace(",", ",")


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_every_page_of_every_edition_states_the_law_as_of_one_date(lang):
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first (make test does)")
    date = editions.full_date(data.law_as_of(), lang)
    for doc in config.toc_order()[1:]:
        page = (SITE / config.site_prefix(lang) / f"{doc}.html").read_text(encoding="utf-8")
        note = re.search(r'<p class="ppp-law-as-of">(.*?)</p>', page, re.S)
        assert note, f"{lang}/{doc}: no statement of the law's date"
        assert date in note.group(1), f"{lang}/{doc}: {note.group(1)!r} lacks {date!r}"
        assert 'href="' in note.group(1) and "legal-changes.html" in note.group(1)


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_the_codebook_page_shows_the_agreement_of_the_data(lang):
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first (make test does)")
    page = (SITE / config.site_prefix(lang) / "book" / "codebook.html").read_text(encoding="utf-8")
    tables = pd.read_html(io.StringIO(page.replace("&#x27;", "'")), attrs={"class": "ppp-dictionary ppp-agreement"}, thousands=None,
                          decimal="," if lang != "en" else ".")
    by_table = tables[0].set_index(tables[0].columns[0])
    for table in coding.TABLES:
        a = coding.table_agreement(table)
        row = by_table.loc[table]
        assert int(row.iloc[0]) == a.cells
        assert str(row.iloc[1]).startswith(str(a.agreed))
        assert float(str(row.iloc[2]).replace(",", ".")) == pytest.approx(a.kappa, abs=0.005)
        assert int(row.iloc[-1]) == len(coding.disagreements(table))
