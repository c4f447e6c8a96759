"""The terminology gate (ppp_atlas.terms): the termbase and statutes tables are valid, the matcher
finds what the readings found and leaves alone what is not a fault, the glossary says what the
termbase says, and every catalog follows the termbase and quotes statutes in one wording.

The catalog tests read ``locales/`` of this checkout; point them at another checkout's catalogs
with ``PPP_TERMS_LOCALES=/path/to/locales`` (``make terms`` runs the same gate and prints a summary).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ppp_atlas import terms

ROOT = Path(__file__).resolve().parent.parent
LOCALES = Path(os.environ.get("PPP_TERMS_LOCALES", terms.LOCALES))
TERMBASE = terms.termbase()
BY_ID = {t.id: t for t in TERMBASE}


def hits(msgid: str, msgstr: str, lang: str) -> set[tuple[str, str]]:
    """``{(term id, kind)}`` for one message against the whole termbase."""
    return {(t.id, kind) for t, kind, _ in terms.check_message(msgid, msgstr, lang, TERMBASE)}


# --- the tables --------------------------------------------------------------------------

def test_termbase_and_statutes_validate_against_their_schemas():
    """data.check (the data package's validator, provenance aside) and the termbase's own rules:
    patterns compile, no exception matches everything, no forbidden variant hits its own entry."""
    assert terms.table_problems() == []


def test_frictionless_validates_the_terminology_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", str(terms.PACKAGE)],
                            capture_output=True, text=True, cwd=ROOT)
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps([t["errors"][:3] for t in report["tasks"] if not t["valid"]], indent=1)[:3000]
    assert {t["name"] for t in report["tasks"]} == {"termbase", "statutes"}


def test_a_broken_termbase_is_reported(tmp_path):
    copy = tmp_path / "locales"
    shutil.copytree(terms.LOCALES, copy, ignore=shutil.ignore_patterns("uz", "ru", "reviews"))
    text = (copy / "termbase.csv").read_text(encoding="utf-8")
    text = text.replace("\nppp,ppp,", "\nppp,politics,", 1)  # a category outside the enum
    text = text.replace("DXSh toʻgʻrisidagi kelishuv;", "DXSh toʻgʻrisidagi bitim;", 1)  # forbids its own form
    (copy / "termbase.csv").write_text(text, encoding="utf-8")
    problems = "\n".join(terms.table_problems(copy / "datapackage.json"))
    assert "politics" in problems and "category" in problems
    fixed = text.replace("\nppp,politics,", "\nppp,ppp,", 1)
    (copy / "termbase.csv").write_text(fixed, encoding="utf-8")
    problems = "\n".join(terms.table_problems(copy / "datapackage.json"))
    assert "ppp-agreement: uz forbidden 'DXSh toʻgʻrisidagi bitim' matches its own rendering" in problems


def test_the_termbase_covers_the_book_s_vocabulary():
    """At least 200 entries, and every field the issue names has entries."""
    from collections import Counter

    assert len(TERMBASE) >= 200
    counts = Counter(t.category for t in TERMBASE)
    for category in ("ppp", "procurement", "risk", "design", "performance", "oversight", "licensing", "security",
                     "force", "data", "emergency", "label", "status", "body", "statute", "editorial"):
        assert counts[category] >= 2, category
    for row in TERMBASE:  # each entry: both renderings and the authority for each
        assert row.forms["uz"] and row.forms["ru"] and row.row["uz_authority"] and row.row["ru_authority"], row.id


def test_statutes_say_which_wording_is_official():
    rows = terms.read_statutes()
    assert {r["id"] for r in rows} >= {"zru-537-art3-ppp", "ru-1992-art1-security", "kz-527iv-art1-3-national-security"}
    zru = next(r for r in rows if r["id"] == "zru-537-art3-ppp")
    assert zru["uz_status"] == "verified" and "kadrovik.uz" in zru["uz_source"]
    assert zru["ru_status"] == "unverified"  # not read in an official text: the book's one wording
    assert all(r["uz_status"] == "no_official_text" for r in rows if r["id"].startswith(("ru-", "kz-")))



def test_the_glossary_tells_the_reader_which_statute_wordings_are_official():
    """The glossary's table of statutory wordings says, per edition, what statutes.csv records: the official
    text (verified), the book's own rendering (unverified) or its translation (no official text)."""
    import re

    kinds = {"official text": "verified", "own rendering": "unverified", "translation": "no_official_text"}
    text = (Path(__file__).parents[1] / "book" / "glossary.md").read_text(encoding="utf-8")
    section = text.split("(glossary-statute-wordings)=", 1)[1].split("\n## Definitions", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    shown = {}
    for line in table:
        statute, uz, ru = [cell.strip() for cell in line.strip("|").split(" | ")]
        number = re.search(r"No\. (\S+) of", statute).group(1)
        shown[number] = tuple(next(v for k, v in kinds.items() if cell.startswith(k)) for cell in (uz, ru))
    rows = terms.read_statutes()
    number_of = {"zru-537": "ZRU-537", "ru-1992": "2446-1", "kz-527iv": "527-IV", "zru-764": "ZRU-764", "zru-547": "ZRU-547"}
    for row in rows:
        number = next(n for prefix, n in number_of.items() if row["id"].startswith(prefix))
        assert number in shown, f"statutes.csv row {row['id']} is missing from the glossary's table"
        assert shown[number] == (row["uz_status"], row["ru_status"]), (row["id"], shown[number])
    assert len(shown) == len({number for number in number_of.values()})


# --- the matcher: real faults are found ----------------------------------------------------

@pytest.mark.parametrize("msgid, msgstr, lang, term, kind", [
    # the Uzbek reading of 2026-12-07 (items 5, 58, 61, 63) and its terminology table
    ("Uzbekistan's design index is 40 of 100.", "Oʻzbekistonning loyihalash indeksi 100 dan 40.", "uz", "design-index", "forbidden"),
    ("**5. Pay for performance and publish it.**", "**5. Ijro uchun haq toʻlash va uni eʼlon qilish.**", "uz", "pay-for-performance", "forbidden"),
    ("Source note: several of the footnote's claims are out of date", "Manba haqida izoh: izohdagi bir qator daʼvolar eskirgan",
     "uz", "claim", "forbidden"),
    ("Source note: several of the footnote's claims are out of date", "Manba haqida izoh: izohdagi bir qator daʼvolar eskirgan",
     "uz", "source-note", "forbidden"),
    ("it no longer implements EU directives.", "u endi YI direktivalarini amalga oshirmaydi.", "uz", "european-union", "forbidden"),
    ("Law No. ZRU-537", "OʻRQ-537-sonli Qonun", "uz", "law-number-uz", "forbidden"),
    ("the PF2 model", "PF2 ning modeli", "uz", "abbreviation-suffix", "forbidden"),
    ("access to sensitive areas", "maxfiy hududlarga kirish", "uz", "sensitive", "forbidden"),
    ("the Gewerbeordnung (GewO)", "Kasb-hunar faoliyati toʻgʻrisidagi qonun (GewO)", "uz", "gewo", "forbidden"),
    ("the five principles", "beshta tamoyil", "uz", "principle", "forbidden"),
    # the Russian reading (items 18, 20, 33, 42, 53, 68) and its table
    ("by design element", "по элементам конструкции", "ru", "design-element", "forbidden"),
    ("lacks standard contracts", "нет стандартных договоров", "ru", "standard-contract", "forbidden"),
    ("monitoring by the public partner and the Agency", "мониторинг со стороны публичного партнёра и Агентства", "ru",
     "public-partner", "forbidden"),
    ("where its evidence comes from", "на каких доказательствах он основан", "ru", "evidence", "forbidden"),
    ("foreign access to sensitive systems", "доступа иностранных лиц к чувствительным системам", "ru", "sensitive", "forbidden"),
    ("Availability-based payment", "Оплата за доступность", "ru", "availability-payment", "forbidden"),
    ("Arrest and detention", "Задержание и арест", "ru", "arrest-and-detention", "forbidden"),
    ("Federal Law No. 390-FZ", "Федеральный закон № 390-ФЗ от 28.12.2010", "ru", "act-date-form", "forbidden"),
    ("in 2010", "в 2010 году", "ru", "year-form", "forbidden"),
    ("the emergency services", "экстренные службы", "ru", "emergency-services", "forbidden"),
    # a term whose rendering is missing
    ("how performance is measured and paid for", "как исполнение измеряется и оплачивается", "ru", "performance", "missing"),
    ("the PPP agreement", "DXSh shartnomasi", "uz", "ppp-agreement", "missing"),
    ("an alarm receiving centre", "частный центр приёма сигналов", "ru", "alarm-receiving-centre", "missing"),
    ("the Procurement Act 2023", "новый британский закон", "ru", "uk-procurement-act", "missing"),
    ("the Procurement Act 2023", "Закон о государственных закупках 2023 г.", "ru", "uk-procurement-act", "forbidden"),
    ("the book's `corrected` rows", "kitobning `corrected` qatorlari", "uz", "label-corrected", "missing"),
])
def test_a_real_fault_is_found(msgid, msgstr, lang, term, kind):
    assert (term, kind) in hits(msgid, msgstr, lang)


@pytest.mark.parametrize("msgid, msgstr, lang, term", [  # matching on stems: inflected forms count
    ("the public partner keeps control", "davlat sherigining nazorati saqlanadi", "uz", "public-partner"),
    ("measured through KPIs", "KPIlar orqali oʻlchanadi", "uz", "kpi"),
    ("key performance indicators", "samaradorlikning asosiy koʻrsatkichlarini", "uz", "kpi"),
    ("the public partner keeps control", "контроль остаётся у государственного партнёра", "ru", "public-partner"),
    ("PPP agreements", "соглашениях о ГЧП", "ru", "ppp-agreement"),
    ("the principles of PPP", "DXSh prinsiplarini", "uz", "ppp-principles"),
])
def test_inflected_forms_count(msgid, msgstr, lang, term):
    assert not {h for h in hits(msgid, msgstr, lang) if h[0] == term}


# --- the matcher: what is not a fault is left alone ------------------------------------------

@pytest.mark.parametrize("msgid, msgstr, lang", [
    # the longest match wins: key performance indicator is the KPI's, not performance's
    ("Fourteen key performance indicators", "Четырнадцать ключевых показателей эффективности", "ru"),
    ("the Private Security Industry Act 2001", "Закон о частной охранной отрасли 2001 г. (Private Security Industry Act 2001)", "ru"),
    # a lower-case form in a Title-Case name is part of the name
    ("a trial run by the Safety and Security Industry Programme Office", "Xavfsizlik sanoati dasturi idorasi oʻtkazgan sinov", "uz"),
    # English in quotation marks is a title or a quotation
    ("section “Apportioning and managing project risk allocation”", "раздел «Распределение и управление рисками»", "ru"),
    # a name kept in the original, a case suffix joined to it
    ("Summarises the Security Industry Authority's statistics", "Security Industry Authorityning statistikasi", "uz"),
    # code paths, URL paths and placeholders are not English words
    ("Edit the row in `data/design-matrix.csv`", "`data/design-matrix.csv` faylidagi satrni tahrirlang", "uz"),
    ("German version at /forschung/public-private-partnership/.", "Nemischa versiyasi /forschung/public-private-partnership/ manzilida.", "uz"),
    ("Version {version}, {license}", "{version}-versiya, {license}", "uz"),
    # another sense of the word
    ("performance security", "обеспечение исполнения", "ru"),
    ("police and rescue services are in principle matters for the Länder", "qoida tariqasida federal yerlar vakolatiga kiradi", "uz"),
    ("classified by domain", "по сферам", "ru"),
    ("a national guard register records staff", "персонал учитывается в национальном реестре охранников", "ru"),
    # the adverb, not the label; police arrests are not guards' arrests
    ("a source read only in part `partial`", "faqat qisman oʻqilgan manba `partial` (qisman tasdiqlangan)", "uz"),
    ("HSI and ERO made more than 10,000 gang arrests", "HSI и ERO произвели более 10 000 арестов", "ru"),
    # the English abstract kept in the edition
    ("This atlas asks how states can bring private firms into public safety.",
     '<span lang="en">This atlas asks how states can bring private firms into public safety.</span>', "uz"),
    # a label cut short in a chart
    ("Local authorities (councils) in community safe...", "Mahalliy hamjamiyat xavfsizligi sherikliklari...", "uz"),
])
def test_no_false_positive(msgid, msgstr, lang):
    assert hits(msgid, msgstr, lang) == set()


def test_a_forbidden_variant_inside_a_quotation_or_a_bracket_may_stand():
    assert ("pfi", "forbidden") not in hits("the PFI", "частная финансовая инициатива (ЧФИ; PFI)", "ru")
    assert ("pfi", "forbidden") in hits("the PFI", "модель PFI", "ru")
    assert ("self-defence", "forbidden") not in hits("self-defence", "«oʻzini-oʻzi himoya qilish» (maqola) — zaruriy mudofaa", "uz")


def test_the_failure_names_catalog_message_and_term():
    hit = terms.Hit("uz", "book/conclusions.po", 124, "**5. Pay for performance and publish it.** Each agreement should",
                    "pay-for-performance", "forbidden", "ijro uchun haq")
    text = str(hit)
    assert text.startswith("uz/book/conclusions.po:124 «**5. Pay for performance and publish it.**")
    assert "term 'pay-for-performance' uses forbidden «ijro uchun haq»" in text


def test_a_statute_quotation_must_hold_the_one_wording():
    row = next(r for r in terms.read_statutes() if r["id"] == "zru-537-art3-ppp")
    good = f"Qonun DXShni {row['uz']} sifatida belgilaydi."
    reordered = ("Qonun DXShni davlat sherigi va xususiy sherikning DXSh loyihasini amalga oshirish uchun oʻz resurslarini "
                 "birlashtirishiga asoslangan, muayyan muddatga yuridik jihatdan rasmiylashtirilgan hamkorligi sifatida belgilaydi.")
    assert terms._wording(row["uz"]) in terms._wording(good)
    assert terms._wording(row["uz"]) not in terms._wording(reordered)
    assert terms.closest_passage(row["uz"], reordered).startswith("davlat sherigi va xususiy sherikning DXSh loyihasini")


# --- the glossary and the catalogs ------------------------------------------------------------

def test_glossary_says_what_the_termbase_says():
    """The glossary's table, its headwords in each edition and the renderings that close each
    definition equal the termbase's (book/glossary.md and locales/*/book/glossary.po)."""
    problems = terms.glossary_problems(LOCALES)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", terms.LANGS)
def test_catalogs_follow_the_termbase(lang):
    """No forbidden variant, no missing rendering, every statute quotation in its one wording.
    Each failure names the catalog, the message (line and msgid start) and the term."""
    found = terms.check(LOCALES, (lang,)) + terms.statute_hits(LOCALES, (lang,))
    assert not found, f"{len(found)} terminology hits in {LOCALES}/{lang} (python -m ppp_atlas.terms --list):\n" + \
        "\n".join(str(h) for h in found[:60])
