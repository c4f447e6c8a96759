"""The question bank exported for Moodle, read back by independent readers.

* GIFT: parsed with gift-pegjs (npm, pinned in package-lock.json; ``tests/gift_parse.js``), not with the
  book's writer.
* Moodle XML: parsed with lxml and checked against Moodle's published format
  (https://docs.moodle.org/en/Moodle_XML_format): the element each question type needs, the answer
  counts, fractions from Moodle's list of grades, feedback on every answer, categories per chapter.

Both are checked for every edition and every question type, and for escaping: a scratch bank whose
texts hold Uzbek ʻ and ʼ, Cyrillic, quotes, ``<``, ``&`` and GIFT's special characters must come back
exactly as written.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from ppp_atlas import config, editions, teaching, teaching_export

ROOT = Path(__file__).resolve().parent.parent
GIFT_READER = ROOT / "tests" / "gift_parse.js"
#: The grades Moodle offers for an answer (question/format.php, Moodle XML format page), in per cent.
MOODLE_FRACTIONS = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                    12.5, 11.11111, 10, 5, 0}
TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "markdown"}
GIFT_TYPES = {"multichoice": "MC", "truefalse": "TF", "shortanswer": "Short", "matching": "Matching", "case": "Essay"}
SITE = "https://example.org/atlas/"


def read_gift(*files: Path) -> dict:
    if not (ROOT / "node_modules" / "gift-pegjs").exists():
        pytest.fail("node_modules/gift-pegjs is missing: run `npm ci` (make test does)")
    done = subprocess.run(["node", str(GIFT_READER), *map(str, files)], capture_output=True, text=True, check=True)
    return {Path(k): v for k, v in json.loads(done.stdout).items()}


def text_of(element) -> str:
    """The text of an element that holds HTML (``<text><p>…</p></text>``), as a reader sees it."""
    inner = element.findtext("text") or ""
    return html.unescape(re.sub(r"<[^>]+>", "", inner))


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


#: Moodle's GIFT importer replaces escaped characters by these placeholders while it parses and puts
#: them back afterwards (qformat_gift::escapedchar_pre and escapedchar_post). gift-pegjs uses the same
#: placeholders but leaves them in the choices of a matching question: they are put back here as Moodle does.
MOODLE_PLACEHOLDERS = {"&&092;": "\\", "&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{", "&&125;": "}",
                       "&&126;": "~", "&&010": "\n"}


def moodle_text(text: str) -> str:
    for placeholder, character in MOODLE_PLACEHOLDERS.items():
        text = text.replace(placeholder, character)
    return text


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict:
    """Every edition's exports, written afresh into a scratch folder."""
    out = {}
    for lang in editions.LANGUAGES:
        folder = tmp_path_factory.mktemp(f"exports-{lang}")
        teaching_export.write_all(folder, lang, site=SITE + config.site_prefix(lang))
        out[lang] = folder
    return out


# --- Moodle XML ---------------------------------------------------------------------------------

def check_moodle_question(q: etree._Element) -> str:
    """Moodle's rules for one question; returns its type."""
    kind = q.get("type")
    assert kind in {"multichoice", "truefalse", "shortanswer", "matching", "essay"}, kind
    assert (q.findtext("name/text") or "").strip()
    for part in ("questiontext", "generalfeedback"):
        element = q.find(part)
        assert element is not None and element.get("format") in TEXT_FORMATS, (kind, part)
        assert text_of(element).strip(), (q.findtext("name/text"), part)
    assert float(q.findtext("defaultgrade")) > 0
    answers = q.findall("answer")
    fractions = [float(a.get("fraction")) for a in answers]
    assert all(f in MOODLE_FRACTIONS for f in fractions), fractions
    if kind in ("multichoice", "truefalse", "shortanswer"):
        for answer in answers:
            assert answer.findtext("text").strip() and text_of(answer.find("feedback")).strip(), kind
    if kind == "multichoice":
        assert q.findtext("single") == "true" and len(answers) >= 3
        assert fractions.count(100) == 1 and sum(fractions) == 100
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            assert text_of(q.find(tag)).strip(), tag
    elif kind == "truefalse":
        assert sorted(a.findtext("text") for a in answers) == ["false", "true"]
        assert sorted(fractions) == [0, 100]
    elif kind == "shortanswer":
        assert q.findtext("usecase") in ("0", "1") and fractions and all(f == 100 for f in fractions)
        assert all("*" not in a.findtext("text") for a in answers), "* is Moodle's wildcard"
    elif kind == "matching":
        subs = q.findall("subquestion")
        assert len(subs) >= 2 and all(text_of(s).strip() for s in subs)
        rights = [s.findtext("answer/text") for s in subs]
        assert len(set(rights)) >= 3, "Moodle needs three answers to choose from"
    elif kind == "essay":
        assert q.findtext("responseformat") in ("editor", "editorfilepicker", "plain", "monospaced", "noinline")
        assert "<table>" in q.find("graderinfo").findtext("text") and q.find("responsetemplate") is not None
    return kind


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_moodle_xml_follows_moodle_s_format_for_every_question(exports, lang):
    bank = {q.id: q for q in teaching.questions(lang)}
    whole = etree.parse(str(exports[lang] / teaching_export.export_names(lang)["xml"]))
    root = whole.getroot()
    assert root.tag == "quiz"
    categories, seen, kinds = [], [], set()
    current = None
    for q in root.findall("question"):
        if q.get("type") == "category":
            path = q.findtext("category/text")
            assert path.startswith("$course$/top/") and path.count("/") >= 3, path
            categories.append(path)
            current = path
            continue
        assert current is not None, "every question follows its chapter's category"
        kinds.add(check_moodle_question(q))
        qid = q.findtext("idnumber")
        ours = bank[qid]
        assert text_of(q.find("questiontext")) == ours.stem
        if ours.type == "multichoice":
            got = [(text_of(a), float(a.get("fraction")), text_of(a.find("feedback"))) for a in q.findall("answer")]
            assert got == [(o.text, o.fraction, o.feedback) for o in ours.options]
        if ours.type == "matching":
            got = [(text_of(s), s.findtext("answer/text")) for s in q.findall("subquestion")]
            assert got == list(ours.pairs)
        if ours.type == "case":
            assert float(q.findtext("defaultgrade")) == ours.points
        assert ours.chapter in [t.text for t in q.findall("tags/tag/text")]
        seen.append(qid)
    assert len(categories) == len(teaching.chapters()) == 11
    assert sorted(seen) == sorted(bank), "every question once"
    assert kinds == {"multichoice", "truefalse", "shortanswer", "matching", "essay"}
    titles = [teaching.chapter_title(c, lang) for c in teaching.chapters()]
    assert all(t in path for t, path in zip(titles, categories)), (categories, titles)


def test_each_chapter_file_holds_its_chapter_alone(exports):
    for lang in editions.LANGUAGES:
        for chapter in teaching.chapters():
            root = etree.parse(str(exports[lang] / teaching_export.export_names(lang, chapter)["xml"])).getroot()
            questions = root.findall("question")
            assert questions[0].get("type") == "category" and len(root.findall("question[@type='category']")) == 1
            ids = {q.findtext("idnumber") for q in questions[1:]}
            assert ids == {q.id for q in teaching.questions(lang, chapter=chapter)}, (lang, chapter)


# --- GIFT ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_gift_files_read_back_with_every_answer_and_feedback(exports, lang):
    bank = {q.id: q for q in teaching.questions(lang)}
    files = [exports[lang] / teaching_export.export_names(lang, c)["gift"] for c in [None, *teaching.chapters()]]
    parsed = read_gift(*files)
    whole = parsed[files[0]]
    categories = [q for q in whole if q["type"] == "Category"]
    assert len(categories) == 11 and all(c["title"].startswith("$course$/top/") for c in categories)
    questions = [q for q in whole if q["type"] != "Category"]
    assert sorted(q["title"] for q in questions) == sorted(bank)
    for item in questions:
        ours = bank[item["title"]]
        assert item["type"] == GIFT_TYPES[ours.type], ours.id
        assert item["stem"]["format"] == "html" and plain(item["stem"]["text"]) == ours.stem
        title, url = teaching_export._Context(lang, SITE + config.site_prefix(lang), None, None).section(ours.chapter, ours.section)
        assert f'href="{url}"' in item["globalFeedback"]["text"] and title in plain(item["globalFeedback"]["text"])
        if ours.type == "multichoice":
            choices = item["choices"]
            assert [c["isCorrect"] for c in choices] == [o.fraction > 0 for o in ours.options]
            assert [plain(c["text"]["text"]) for c in choices] == [o.text for o in ours.options]
            assert [plain(c["feedback"]["text"]) for c in choices] == [o.feedback for o in ours.options]
        elif ours.type == "truefalse":
            assert item["isTrue"] is ours.answer
            wrong = next(o for o in ours.options if o.fraction == 0)
            right = next(o for o in ours.options if o.fraction > 0)
            # Moodle's importer takes the first "#" feedback for a wrong answer, the second for a right one
            assert plain(item["trueFeedback"]["text"]) == wrong.feedback
            assert plain(item["falseFeedback"]["text"]) == right.feedback
        elif ours.type == "shortanswer":
            assert [moodle_text(c["text"]["text"]) for c in item["choices"]] == [o.text for o in ours.options]
            assert all(c["isCorrect"] for c in item["choices"])
        elif ours.type == "matching":
            assert [(plain(p["subquestion"]["text"]), moodle_text(p["subanswer"])) for p in item["matchPairs"]] == list(ours.pairs)
        else:
            assert all(plain(f"<p>{c.criterion}</p>") in plain(item["globalFeedback"]["text"]) for c in ours.rubric)
    for chapter, path in zip(teaching.chapters(), files[1:]):
        own = [q for q in parsed[path] if q["type"] != "Category"]
        assert {q["title"] for q in own} == {q.id for q in teaching.questions(lang, chapter=chapter)}


# --- escaping ---------------------------------------------------------------------------------------

HOSTILE = "Oʻzbekiston «ʼ» “quoted” 'single' <b>&amp; & < > {x} ~y =z #w a:b \\ -> Безопасность №\u00a01"


def test_special_characters_survive_both_formats(tmp_path):
    """Uzbek ʻ ʼ, Cyrillic, quotes, markup-like text and GIFT's ~ = # { } : \\ come back unchanged."""
    bank = teaching.read_bank()
    chapter = bank["chapters"][0]
    chapter["questions"] = [
        {"id": "x-mc", "type": "multichoice", "section": "intro-ppp-instrument", "stem": HOSTILE + " ?",
         "options": [{"text": HOSTILE + " 1", "correct": True, "feedback": HOSTILE + " yes"},
                     {"text": "2 " + HOSTILE, "feedback": "no " + HOSTILE},
                     {"text": "3", "feedback": "<script>alert(1)</script>"}],
         "general": HOSTILE},
        {"id": "x-tf", "type": "truefalse", "section": "intro-ppp-instrument", "stem": HOSTILE, "answer": True,
         "reason": "Because " + HOSTILE},
        {"id": "x-sa", "type": "shortanswer", "section": "intro-ppp-instrument", "stem": HOSTILE,
         "answers": ["OʻRQ-537", "ЗРУ-537"], "feedback": HOSTILE},
        {"id": "x-match", "type": "matching", "section": "intro-ppp-instrument", "stem": HOSTILE,
         "pairs": [{"left": "ʻ{a}", "right": "«b» & c"}, {"left": "=x~", "right": "<y>"}, {"left": "#z:", "right": "Ё"}]},
    ]
    bank["chapters"] = [chapter]
    questions = teaching.questions("en", bank=bank)
    ctx = teaching_export._Context("en", SITE, {"introduction": "Intro: «ʻ» & <a>"}, None)
    xml = tmp_path / "x.xml"
    xml.write_bytes(teaching_export.moodle_xml(questions, ctx, ["introduction"]))
    gift = tmp_path / "x.gift.txt"
    gift.write_text(teaching_export.gift(questions, ctx, ["introduction"]), encoding="utf-8")
    by_id = {q.id: q for q in questions}

    root = etree.parse(str(xml)).getroot()
    assert "Intro: «ʻ» & <a>" in root.findtext("question/category/text")
    for q in root.findall("question")[1:]:
        ours = by_id[q.findtext("idnumber")]
        assert text_of(q.find("questiontext")) == ours.stem
        if ours.type == "multichoice":
            assert [text_of(a) for a in q.findall("answer")] == [o.text for o in ours.options]
            assert [text_of(a.find("feedback")) for a in q.findall("answer")] == [o.feedback for o in ours.options]
            assert "<script>" not in q.find("answer[3]/feedback/text").text.replace("&lt;script&gt;", "")
        if ours.type == "shortanswer":
            assert [a.findtext("text") for a in q.findall("answer")] == ["OʻRQ-537", "ЗРУ-537"]
        if ours.type == "matching":
            assert [(text_of(s), s.findtext("answer/text")) for s in q.findall("subquestion")] == list(ours.pairs)

    parsed = read_gift(gift)[gift]
    assert parsed[0]["type"] == "Category" and "Intro: «ʻ» & <a>" in parsed[0]["title"]
    for item in parsed[1:]:
        ours = by_id[item["title"]]
        assert plain(item["stem"]["text"]) == ours.stem
        if ours.type == "multichoice":
            assert [plain(c["text"]["text"]) for c in item["choices"]] == [o.text for o in ours.options]
            assert [plain(c["feedback"]["text"]) for c in item["choices"]] == [o.feedback for o in ours.options]
        if ours.type == "truefalse":
            assert item["isTrue"] is True and HOSTILE in plain(item["falseFeedback"]["text"])
        if ours.type == "shortanswer":
            assert [moodle_text(c["text"]["text"]) for c in item["choices"]] == ["OʻRQ-537", "ЗРУ-537"]
        if ours.type == "matching":
            assert [(plain(p["subquestion"]["text"]), moodle_text(p["subanswer"])) for p in item["matchPairs"]] == list(ours.pairs)


# --- on the site --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_the_site_offers_every_export_on_the_teacher_s_guide(site, lang):
    root = site / config.site_prefix(lang)
    guide = (root / "teaching" / "index.html").read_text(encoding="utf-8")
    for chapter in [None, *teaching.chapters()]:
        for name in teaching_export.export_names(lang, chapter).values():
            assert (root / "teaching" / "files" / name).is_file(), name
            assert f'href="files/{name}"' in guide, name
    data = etree.parse(str(root / "teaching" / "files" / teaching_export.export_names(lang)["xml"]))
    assert len(data.getroot().findall("question[@type='category']")) == 11
