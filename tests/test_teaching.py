"""The question bank (teaching/questions.yaml): valid, complete, in three editions, its answers drawn
from data/ (a changed value in a scratch copy changes the answer)."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ppp_atlas import config, editions, teaching
from ppp_atlas.data import Problem

ROOT = Path(__file__).resolve().parent.parent


def by_id(questions) -> dict:
    return {q.id: q for q in questions}


def set_cell(data: Path, table: str, key: dict, field: str, value: str) -> None:
    """Change one cell of a CSV in a scratch copy of data/ (the row chosen by ``key``)."""
    path = data / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    hits = [r for r in rows if all(r[k] == str(v) for k, v in key.items())]
    assert len(hits) == 1, (table, key)
    hits[0][field] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- the source ---------------------------------------------------------------------------------

def test_the_schema_is_a_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(teaching.read_schema())


def test_the_bank_validates():
    problems = teaching.check()
    assert problems == [], "\n".join(str(p) for p in problems)


def test_every_chapter_of_the_book_has_eight_questions_and_a_case_task():
    from ppp_atlas import config

    chapters = [d.removeprefix("book/") for d in config.toc_order() if d.startswith("book/")
                and d.removeprefix("book/") not in ("index", "data", "legal-changes", "glossary", "bibliography")]
    counts = teaching.counts()
    assert list(counts) == chapters, "the bank covers the book's chapters in the book's order"
    total = 0
    for chapter, row in counts.items():
        questions = sum(row[t] for t in teaching.TYPES if t != "case")
        assert questions >= 8 and row["case"] == 1, (chapter, row)
        assert row["multichoice"] >= 3 and row["truefalse"] >= 2, (chapter, row)
        total += questions
    assert total >= 95
    kinds = {t: sum(r[t] for r in counts.values()) for t in teaching.TYPES}
    assert all(kinds[t] >= 11 for t in teaching.TYPES), kinds
    assert sum(r["computed"] for r in counts.values()) >= 30


def test_every_option_of_every_question_has_feedback_and_every_answer_is_one():
    for q in teaching.questions():
        if q.type == "multichoice":
            assert len(q.options) >= 3 and len(q.correct) == 1, q.id
            assert all(o.feedback for o in q.options), q.id
            assert len({o.text for o in q.options}) == len(q.options), q.id
        elif q.type == "truefalse":
            assert [o.text for o in q.options] == ["True", "False"] and len(q.correct) == 1, q.id
            assert all(o.feedback for o in q.options) and q.general, q.id
        elif q.type == "shortanswer":
            assert q.options and all(o.fraction == 100 for o in q.options), q.id
        elif q.type == "matching":
            assert len(q.pairs) >= 3 and len({r for _, r in q.pairs}) >= 3, q.id
        else:
            assert q.rubric and q.model and q.points >= 10, q.id


def test_every_question_names_a_labelled_section_of_its_chapter():
    for q in teaching.questions():
        labels = teaching.section_labels(q.chapter)
        assert q.section in labels, (q.id, q.section)
    text = (ROOT / "book" / "united-kingdom.md").read_text(encoding="utf-8")
    assert "(uk-audit-inspection)=\n## Independent audit and inspection" in text


def test_a_broken_bank_is_reported_with_the_place_of_each_fault(tmp_path):
    bank = teaching.read_bank()
    uk = next(c for c in bank["chapters"] if c["chapter"] == "united-kingdom")
    question = next(q for q in uk["questions"] if q["id"] == "uk-pfi-end")
    for option in question["options"]:
        option.pop("correct", None)  # no correct option left
    uk["questions"][0]["section"] = "no-such-section"
    uk["questions"].append({"id": "uk-bad", "type": "truefalse", "section": "uk-sia", "stem": "x", "answer": "yes"})
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = [str(p) for p in teaching.check(path)]
    assert any("chapters/3/questions" in p and "'yes' is not of type 'boolean'" in p for p in problems), problems
    del uk["questions"][-1]
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = [str(p) for p in teaching.check(path)]
    assert any("united-kingdom/uk-pfi-end" in p and "0 correct options" in p for p in problems), problems
    assert any("no-such-section" in p for p in problems), problems
    assert all(isinstance(p, Problem) for p in teaching.check(path))


# --- answers drawn from data ------------------------------------------------------------------------

def test_answers_and_distractors_are_computed_from_the_data(data_copy):
    package = data_copy / "data" / "datapackage.json"
    before = by_id(teaching.questions(package=package))
    q = before["us-attacks-2018"]
    assert [o.text for o in q.correct] == ["27"] and {"28", "34", "91"} <= {o.text for o in q.options}
    assert before["us-article-figures"].answer is True

    set_cell(data_copy / "data", "attack-statistics", {"id": "usa-2018"}, "attacks", "29")
    set_cell(data_copy / "data", "permitted-functions", {"function": "arrest", "iso3": "SGP"}, "status", "state_exclusive")
    set_cell(data_copy / "data", "oversight-institutions", {"acronym": "IPA"}, "status_year", "2026")
    after = by_id(teaching.questions(package=package))
    q = after["us-attacks-2018"]
    assert [o.text for o in q.correct] == ["29"], "the correct answer follows the data"
    assert "NTAC counted 29 mass attacks" in q.correct[0].feedback
    assert after["us-article-figures"].answer is False, "the article's 27 no longer matches the data"
    assert after["us-article-figures"].correct[0].text == "False"
    arrest = after["el-arrest-sgp"]
    assert [o.text for o in arrest.correct] == ["Kept for the state"]
    assert "In 2026 the IPA" in after["uk-ipa-successor"].correct[0].feedback


def test_a_distractor_made_equal_to_the_answer_by_the_data_is_dropped(data_copy):
    package = data_copy / "data" / "datapackage.json"
    set_cell(data_copy / "data", "attack-statistics", {"id": "usa-2019"}, "attacks", "27")
    q = by_id(teaching.questions(package=package))["us-attacks-2018"]
    texts = [o.text for o in q.options]
    assert texts.count("27") == 1 and len(texts) == 3


def test_a_question_the_data_no_longer_support_stops_with_its_name(data_copy):
    package = data_copy / "data" / "datapackage.json"
    set_cell(data_copy / "data", "permitted-functions", {"function": "arrest", "iso3": "SGP"}, "status", "")
    with pytest.raises(teaching.TeachingError, match="design-elements/el-arrest-sgp"):
        teaching.questions(package=package)


def test_counts_and_the_design_index_come_from_the_package(data_copy):
    package = data_copy / "data" / "datapackage.json"
    q = by_id(teaching.questions(package=package))
    assert q["cb-uzb-rank"].correct[0].text == "8"
    assert q["el-index-top"].correct[0].text == "United Kingdom"
    for dimension in ("legal_basis_ppp", "model_contracts", "oversight_audit", "surveillance_data_cyber"):
        set_cell(data_copy / "data", "design-matrix", {"iso3": "UZB", "dimension": dimension}, "code", "3")
    q = by_id(teaching.questions(package=package))
    assert q["cb-uzb-rank"].correct[0].text != "8", "Uzbekistan's rank follows its codes"


# --- editions -----------------------------------------------------------------------------------------

def test_the_catalog_template_lists_every_string_the_bank_shows(tmp_path):
    from ppp_atlas import translations

    (tmp_path / "teaching.pot").write_text(translations._pot(teaching.messages()), encoding="utf-8")
    ids = {m.id for m in editions.read_catalog(tmp_path / "teaching.pot") if m.id}
    assert set(teaching.WORDS.values()) <= ids
    for q in teaching.questions():
        for text in (q.stem, q.general, *(o.text for o in q.options if q.type == "multichoice" and not q.computed)):
            if text and not q.computed:
                assert text in ids, (q.id, text[:60])
    assert "Kept for the state" in ids and "House right (Hausrecht) of the client" in ids


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_every_question_reads_in_the_edition_s_words(lang):
    words = editions.catalog(lang, teaching.DOMAIN)
    missing = [m for m in teaching.messages() if m not in words]
    assert not missing, f"{lang}/teaching.po: {len(missing)} untranslated, first {missing[:3]}"
    english = by_id(teaching.questions("en"))
    for q in teaching.questions(lang):
        en = english[q.id]
        assert q.stem != en.stem, (lang, q.id)
        if q.type == "shortanswer":  # the edition's accepted answers, and the English ones too (ПП-3245, PQ-3245)
            assert {o.text for o in en.options} <= {o.text for o in q.options} or len(q.options) >= len(en.options), q.id
            assert {o.fraction for o in q.options} == {100.0}, q.id
        else:
            assert len(q.options) == len(en.options) and len(q.pairs) == len(en.pairs), q.id
            assert [o.fraction for o in q.options] == [o.fraction for o in en.options], q.id
    uk = by_id(teaching.questions(lang))["de-workforce-2010"]
    assert any("\u00a0" in o.text or " " in o.text for o in uk.options), "large numbers grouped as the edition writes them"
