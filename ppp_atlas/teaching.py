"""The teacher's pack: a question bank whose answers come from ``data/``.

The bank is ``teaching/questions.yaml`` (English, the source), described by the JSON Schema
``teaching/questions.schema.json``. Every chapter has at least eight questions (multiple choice
with feedback on every option, true/false with a reason, short answer, matching) and one case
task with a marking rubric; each question names the section it tests by its ``{ref}`` label.

A question about a fact names the data it rests on in ``compute``: its correct answer, its
distractors and the numbers in its feedback are computed from the tables through the package
(:func:`ppp_atlas.data.load`, :mod:`ppp_atlas.matrix`) each time the book is built, as glued
numbers are. A correction to the data therefore corrects the test, and :func:`check` refuses a
bank whose computed questions no longer make sense (a cell emptied, two options made equal).

* :func:`check` validates the bank against its schema, the chapters (section labels), the data
  package (tables, rows, fields, vocabularies) and itself (one correct option, distinct options,
  at least eight questions and one case per chapter); problems read like the data package's own.
* :func:`questions` renders the bank in one edition's words (``en``, ``uz``, ``ru``): English
  templates are translated through ``locales/<lang>/LC_MESSAGES/teaching.po``, then filled with
  values formatted as the edition writes them (Babel numbers, CLDR country names, dates).
* :func:`messages` lists every English string the bank can show, for ``make translations``.

The Sphinx side (self-check on each chapter page, the teacher's guide, slides, the exports) is
:mod:`ppp_atlas.sphinx_teaching`; the Moodle XML and GIFT writers are :mod:`ppp_atlas.teaching_export`.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import config, editions, paths
from .data import Problem

FOLDER = paths.ROOT / "teaching"
BANK = FOLDER / "questions.yaml"
SCHEMA = FOLDER / "questions.schema.json"
DOMAIN = "teaching"
TYPES = ("multichoice", "truefalse", "shortanswer", "matching", "case")
MIN_QUESTIONS = 8  # per chapter, besides its case task

#: Reader-visible fixed words of the self-check, the guide, the slides and the exports
#: (translated in ``locales/<lang>/LC_MESSAGES/teaching.po``).
WORDS = {
    "true": "True",
    "false": "False",
    "correct": "Correct.",
    "incorrect": "Not quite.",
    "self_check": "Check your understanding",
    "self_check_intro": "Answer each question for yourself first, then open its answer. The teacher's guide holds "
                        "more questions, a case task and the answers to the discussion questions.",
    "answer": "Answer and explanation",
    "correct_answer": "Correct answer: {answer}",
    "accepted": "Accepted answers: {answers}",
    "pairs_answer": "Correct pairs:",
    "tested_in": "Section tested: {section}",
    "question_n": "Question {n}",
    "true_or_false": "True or false?",
    "match_prompt": "Match each item with its counterpart.",
    "short_prompt": "Write a short answer.",
    "choose_one": "Choose one answer.",
    "case_task": "Case task",
    "rubric": "Marking rubric",
    "criterion": "Criterion",
    "points": "Points",
    "full_marks": "What earns full marks",
    "model_answer": "Points of a model answer",
    "points_total": "{points} points in all",
    "from_data": "Computed from the data: {sources}",
    "slides": "Slides for this chapter",
    "slides_pdf": "Slides (PDF)",
    "guide": "Teacher's guide",
    "guide_pdf": "Teacher's guide (PDF)",
    "feedback": "Feedback",
    "general_feedback": "Why",
    "option": "Option",
    "book_category": "PPP in Public Safety",
    "essay_template": "Write your answer here.",
    "all_chapters": "All chapters",
    "chapter": "Chapter",
    "question_bank": "Question bank",
    "slides_html": "Slides",
    "section_link": "{section}: {url}",
    "rubric_total": "Total",
    "deck_subtitle": "Slides for the chapter",
    "deck_objectives": "What you will be able to do",
    "deck_key_points": "Key points",
    "deck_discussion": "Discussion questions",
    "deck_provision": "From the chapter: {section}",
    "deck_close": "Read the chapter, its sources and its data",
    "deck_close_text": "The slides are drawn from the chapter in this edition; the chapter gives every source and "
                       "the data behind every figure, and ends with questions to check your understanding.",
    "deck_licence": "Text and charts: CC BY 4.0. Sources as cited in the chapter.",
    "deck_chapter_link": "The chapter on the site",
    "deck_keys": "Keys: → or space for the next slide, ← for the previous one, F for full screen, Esc for an overview of all slides.",
    "deck_languages": "These slides in other languages",
    "deck_previous": "Previous slide",
    "deck_next": "Next slide",
    "deck_of": "Slide {n} of {total}",
    "deck_chart_source": "Chart: {title}",
}

_FIELD = string.Formatter()


def words(lang: str):
    """``word(key, **values)``: a fixed word of :data:`WORDS` in the edition's words, filled in."""
    catalog = editions.catalog(lang, DOMAIN)

    def word(key: str, **values) -> str:
        text = catalog.get(WORDS[key], WORDS[key])
        return text.format(**values) if values else text
    return word


# --- reading and checking --------------------------------------------------------------------

def read_bank(path: Path = BANK) -> dict:
    """The question bank (a copy), parsed once per version of the file: the build and the exports
    ask for it dozens of times."""
    return config.read_yaml(path)


def read_schema(path: Path = SCHEMA) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def chapter_file(chapter: str) -> Path:
    return paths.ROOT / "book" / f"{chapter}.md"


_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$", re.M)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")


def section_labels(chapter: str) -> dict[str, tuple[int, str]]:
    """``{label: (heading level, English heading)}`` for every ``(label)=`` line of a chapter
    that stands before a heading."""
    lines = chapter_file(chapter).read_text(encoding="utf-8").splitlines()
    found = {}
    for i, line in enumerate(lines):
        match = _LABEL.match(line)
        if not match:
            continue
        after = next((l for l in lines[i + 1:] if l.strip()), "")
        heading = _HEADING.match(after)
        if heading:
            found[match.group(1)] = (len(heading.group(1)), heading.group(2))
    return found


def chapter_title(chapter: str, lang: str = "en") -> str:
    """A chapter's title in an edition's words (from the chapter's own catalog)."""
    for line in chapter_file(chapter).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            return editions.catalog(lang, f"book/{chapter}").get(title, title)
    return chapter


def section_title(chapter: str, label: str, lang: str = "en") -> str:
    heading = section_labels(chapter).get(label, (0, label))[1]
    return editions.catalog(lang, f"book/{chapter}").get(heading, heading)


def chart_names(chapter: str) -> set[str]:
    """The glue names of the charts a chapter pastes (``{glue:figure} /notebooks/x.ipynb::name``)."""
    text = chapter_file(chapter).read_text(encoding="utf-8")
    return set(re.findall(r"\{glue:figure\}\s+/notebooks/[a-z0-9-]+\.ipynb::([a-z0-9-]+)", text))


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in _FIELD.parse(template) if name}
    except ValueError:
        return {"<malformed>"}


def check(bank_path: Path = BANK, package: Path = paths.PACKAGE, bibfile: Path = paths.BIBFILE) -> list[Problem]:
    """Every problem of the bank, as ``teaching/questions.yaml, field <where>: <what>``."""
    import jsonschema

    name = str(bank_path.relative_to(paths.ROOT)) if bank_path.is_relative_to(paths.ROOT) else str(bank_path)
    problems: list[Problem] = []

    def problem(where: str, message: str) -> None:
        problems.append(Problem(name, message, field=where))

    try:
        bank = read_bank(bank_path)
    except (OSError, yaml.YAMLError) as error:
        return [Problem(name, f"cannot be read: {error}")]
    validator = jsonschema.Draft202012Validator(read_schema())
    for error in sorted(validator.iter_errors(bank), key=lambda e: list(e.absolute_path)):
        problem("/".join(str(p) for p in error.absolute_path) or "(top)", error.message)
    if problems:
        return problems  # the cross-checks below assume the schema's shape

    from .config import toc_order

    book = {doc.removeprefix("book/") for doc in toc_order() if doc.startswith("book/")}
    ids: set[str] = set()
    for chapter in bank["chapters"]:
        where = chapter["chapter"]
        if where not in book:
            problem(where, "is not a chapter of the book (_toc.yml)")
            continue
        labels = section_labels(where)
        kinds = [q["type"] for q in chapter["questions"]]
        if sum(k != "case" for k in kinds) < MIN_QUESTIONS:
            problem(where, f"has {sum(k != 'case' for k in kinds)} questions besides its case task; at least {MIN_QUESTIONS} are needed")
        if kinds.count("case") != 1:
            problem(where, f"has {kinds.count('case')} case tasks; one is needed")
        for q in chapter["questions"]:
            qwhere = f"{where}/{q['id']}"
            if q["id"] in ids:
                problem(qwhere, "the id is used twice")
            ids.add(q["id"])
            if q["section"] not in labels:
                problem(qwhere, f'section "{q["section"]}" is not a label before a heading in book/{where}.md')
            _check_question(q, bank, package, bibfile, lambda message, w=qwhere: problem(w, message))
        own = {q["id"] for q in chapter["questions"]}
        for qid in chapter.get("self_check", []):
            if qid not in own:
                problem(f"{where}/self_check", f'"{qid}" is not a question of this chapter')
            elif next(q for q in chapter["questions"] if q["id"] == qid)["type"] == "case":
                problem(f"{where}/self_check", f'"{qid}" is the case task, which the self-check does not show')
        slides = chapter.get("slides", {})
        charts = chart_names(where)
        for chart in slides.get("charts", []):
            if chart not in charts:
                problem(f"{where}/slides", f'chart "{chart}" is not pasted in book/{where}.md')
        for provision in slides.get("provisions", []):
            if provision["section"] not in labels:
                problem(f"{where}/slides", f'section "{provision["section"]}" is not a label in book/{where}.md')
    if not problems:
        for lang in editions.LANGUAGES[:1]:
            try:
                questions(lang, package=package, bibfile=bibfile, bank=bank)
            except TeachingError as error:
                problems.append(Problem(name, str(error)))
    return problems


class TeachingError(ValueError):
    """A question that the data no longer supports (raised while computing it)."""


def _check_question(q: dict, bank: dict, package: Path, bibfile: Path, problem) -> None:
    kind = q["type"]
    if kind == "multichoice" and "options" in q:
        correct = [o for o in q["options"] if o.get("correct")]
        if len(correct) != 1:
            problem(f"has {len(correct)} correct options; one is needed")
        texts = [o["text"] for o in q["options"]]
        if len(set(texts)) != len(texts):
            problem("two options have the same text")
    compute = q.get("compute")
    if compute:
        vocab = compute.get("vocab")
        if vocab and vocab not in bank.get("vocabularies", {}):
            problem(f'vocabulary "{vocab}" is not defined')
        for spec in (compute.get("left", {}), compute.get("right", {})):
            fmt = spec.get("format", "")
            if fmt.startswith("vocab:") and fmt[6:] not in bank.get("vocabularies", {}):
                problem(f'vocabulary "{fmt[6:]}" is not defined')
    for template in _templates(q) if compute else []:  # static text is shown as written
        bad = _placeholders(template) - _allowed_placeholders(q, package, bibfile)
        if bad:
            problem(f"unknown placeholders {sorted(bad)} in {template[:60]!r}")


def _templates(q: dict) -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("table", "key", "row", "rows", "where", "field", "kind", "name", "vocab", "format",
                             "id", "type", "section", "equals", "all_equal", "args", "fields", "points",
                             "choices", "order"):
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(q)
    return found


def _allowed_placeholders(q: dict, package: Path, bibfile: Path) -> set[str]:
    compute = q.get("compute")
    if not compute:
        return set()
    allowed = {"value", "answer", "count"}
    table = compute.get("table")
    if table:
        from .data import read_descriptor

        resources = {r["name"]: r for r in read_descriptor(package)["resources"]}
        if table in resources:
            allowed |= {f["name"] for f in resources[table]["schema"]["fields"]}
    allowed |= set(FUNCTION_PLACEHOLDERS.get(compute.get("name", ""), ()))
    return allowed


# --- rendered questions -----------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    text: str
    fraction: float          # 100 for the correct option, 0 for a wrong one
    feedback: str = ""


@dataclass(frozen=True)
class Criterion:
    criterion: str
    points: int
    descriptor: str


@dataclass(frozen=True)
class Question:
    id: str
    chapter: str
    type: str
    section: str
    stem: str
    options: tuple[Option, ...] = ()        # multichoice; truefalse (True, False); shortanswer (accepted answers)
    pairs: tuple[tuple[str, str], ...] = ()  # matching
    general: str = ""                        # the explanation shown after answering
    rubric: tuple[Criterion, ...] = ()       # case
    model: tuple[str, ...] = ()              # case: the points of a model answer
    sources: tuple[str, ...] = ()            # "table: key" of every data row the answer rests on
    answer: bool | None = None               # truefalse

    @property
    def computed(self) -> bool:
        return bool(self.sources)

    @property
    def points(self) -> int:
        return sum(c.points for c in self.rubric) if self.type == "case" else 1

    @property
    def correct(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.fraction > 0)


class _Edition:
    """Translation and formatting for one edition, over one data package."""

    def __init__(self, lang: str, package: Path, bibfile: Path, bank: dict):
        self.lang = lang
        self.package = package
        self.bibfile = bibfile
        self.bank = bank
        self.words = editions.catalog(lang, DOMAIN)

    def tr(self, text: str) -> str:
        return self.words.get(text, text) if text else text

    def word(self, key: str, **values) -> str:
        text = self.tr(WORDS[key])
        return text.format(**values) if values else text

    def table(self, name: str):
        from .data import load

        return load(name, package=self.package, bibfile=self.bibfile)

    def countries(self) -> dict[str, str]:
        if not hasattr(self, "_countries"):
            frame = self.table("countries")
            self._countries = dict(zip(frame["iso3"], frame[f"name_{self.lang}"]))
        return self._countries

    def vocab(self, name: str) -> dict[str, str]:
        return {str(k): v for k, v in self.bank["vocabularies"][name].items()}

    def fmt(self, value, kind: str) -> str:
        """A value as this edition writes it: ``number``, ``year``, ``date``, ``country``, ``text``
        (data text, translated through the catalog), ``raw`` or ``vocab:<name>``."""
        import pandas as pd

        if value is None or (not isinstance(value, str) and pd.isna(value)):
            raise TeachingError("a value the question needs is empty in the data")
        if kind.startswith("vocab:"):
            labels = self.vocab(kind[6:])
            key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            if key not in labels:
                raise TeachingError(f'"{key}" has no label in vocabulary {kind[6:]}')
            return self.tr(labels[key])
        if kind == "country":
            return self.countries()[str(value)]
        if kind == "year":
            return str(value.year) if hasattr(value, "year") else str(int(value))
        if kind == "date":
            return editions.full_date(value, self.lang)
        if kind == "number":
            number = float(value)
            number = int(number) if number.is_integer() else number
            if self.lang == editions.SOURCE_LANGUAGE:  # as the chapters glue counts (":,d"): 4,000
                return f"{number:,}" if isinstance(number, int) else format(number, "g")
            from .sphinx_editions import localise_number

            return localise_number(number, ",d" if isinstance(number, int) else "", self.lang)
        if kind == "text":
            return self.tr(str(value))
        return str(value)

    def fill(self, template: str, values: dict) -> str:
        text = self.tr(template)
        try:
            return text.format_map(values)
        except (KeyError, IndexError, ValueError) as error:
            raise TeachingError(f"template {template[:60]!r}: {error}") from None


def _field_kind(table_schema: dict, name: str, override: dict) -> str:
    if name in override:
        return override[name]
    fields = {f["name"]: f for f in table_schema["fields"]}
    spec = fields.get(name, {})
    kind = spec.get("type", "string")
    if name == "iso3":
        return "country"
    if kind == "date":
        return "date"
    if kind in ("integer", "number"):
        return "year" if re.search(r"year|established|founded", name) else "number"
    return "raw"


class _Rows:
    """One table of one package, with its schema, for the computations below."""

    def __init__(self, ed: _Edition, name: str, formats: dict | None = None):
        from .data import read_descriptor

        self.ed = ed
        self.name = name
        self.frame = ed.table(name)
        resources = {r["name"]: r for r in read_descriptor(ed.package)["resources"]}
        self.schema = resources[name]["schema"]
        self.key = self.schema.get("primaryKey") or [self.schema["fields"][0]["name"]]
        if isinstance(self.key, str):
            self.key = [self.key]
        self.formats = formats or {}

    def select(self, where: dict):
        frame = self.frame
        for column, wanted in where.items():
            if wanted is None:  # null: the cell is empty (for example a design-matrix cell not coded)
                frame = frame[frame[column].isna()]
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            frame = frame[frame[column].astype(str).isin([str(v) for v in values])]
        return frame

    def one(self, where: dict):
        frame = self.select(where)
        if len(frame) != 1:
            raise TeachingError(f"{self.name}: {len(frame)} rows match {where}, one is needed")
        return frame.iloc[0]

    def ref(self, row) -> str:
        return f"{self.name}: " + ", ".join(str(row[k]) for k in self.key)

    def values(self, row) -> dict:
        """Every field of a row, formatted for the edition (empty fields are left out)."""
        import pandas as pd

        out = {}
        for name in row.index:
            value = row[name]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            try:
                out[name] = self.ed.fmt(value, _field_kind(self.schema, name, self.formats))
            except (TeachingError, KeyError, ValueError):
                continue
        return out


# --- the computations ------------------------------------------------------------------------------

def _cell(ed: _Edition, q: dict, c: dict) -> dict:
    """A value of one cell is the answer; values of other cells are the distractors."""
    rows = _Rows(ed, c["table"], c.get("fields"))
    field_name = c["field"]
    kind = _field_kind(rows.schema, field_name, {**rows.formats, **({field_name: c["format"]} if "format" in c else {})})
    row = rows.one(c["row"])
    answer = ed.fmt(row[field_name], kind)
    context = {**rows.values(row), "answer": answer, "value": answer}
    options = [Option(answer, 100.0, ed.fill(c["feedback"], context))]
    sources = [rows.ref(row)]
    for d in c.get("distractors", []):
        drow = rows.one(d["row"]) if "row" in d else row
        dfield = d.get("field", field_name)
        dkind = _field_kind(rows.schema, dfield, {**rows.formats, **({dfield: d["format"]} if "format" in d else {})})
        value = ed.fmt(drow[dfield], dkind)
        if value in [o.text for o in options]:
            continue  # the data made this distractor equal to another option: it is left out
        options.append(Option(value, 0.0, ed.fill(d["feedback"], {**rows.values(drow), "answer": answer, "value": value})))
        if rows.ref(drow) not in sources:
            sources.append(rows.ref(drow))
    return {"options": options, "context": context, "sources": sources, "answers": [answer, _plain(row[field_name])]}


def _plain(value) -> str:
    """A value as a reader may type it: numbers without grouping or a trailing .0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(ed: _Edition, q: dict, c: dict) -> dict:
    """A coded cell is the answer; the other labels of its vocabulary are the distractors."""
    rows = _Rows(ed, c["table"], c.get("fields"))
    row = rows.one(c["row"])
    labels = ed.vocab(c["vocab"])
    code = row[c["field"]]
    answer = ed.fmt(code, f"vocab:{c['vocab']}")
    context = {**rows.values(row), "answer": answer, "value": answer}
    shown = [str(k) for k in c.get("choices", list(labels))]
    options = []
    for key in shown:
        text = ed.tr(labels[key])
        if text == answer:
            options.append(Option(text, 100.0, ed.fill(c["feedback"]["correct"], context)))
        else:
            template = c["feedback"].get(key, c["feedback"]["wrong"])
            options.append(Option(text, 0.0, ed.fill(template, {**context, "value": text})))
    if answer not in [o.text for o in options]:
        raise TeachingError(f"{q['id']}: the data's answer {code!r} is not among the options")
    return {"options": options, "context": context, "sources": [rows.ref(row)]}


def _count(ed: _Edition, q: dict, c: dict) -> dict:
    """How many rows match a condition; other conditions give the distractors."""
    rows = _Rows(ed, c["table"], c.get("fields"))
    chosen = rows.select(c["where"])
    count = len(chosen)
    answer = ed.fmt(count, "number")
    context = {"answer": answer, "value": answer, "count": answer}
    options = [Option(answer, 100.0, ed.fill(c["feedback"], context))]
    for d in c.get("distractors", []):
        value = ed.fmt(len(rows.select(d["where"])), "number")
        if value in [o.text for o in options]:
            continue
        options.append(Option(value, 0.0, ed.fill(d["feedback"], {**context, "value": value})))
    sources = [f"{rows.name}: " + ", ".join(f"{k} = {'(empty)' if v is None else v}" for k, v in c["where"].items())]
    return {"options": options, "context": context, "sources": sources, "answers": [answer, str(count)]}


def _pairs(ed: _Edition, q: dict, c: dict) -> dict:
    """Rows give the pairs: one field on the left, another on the right."""
    rows = _Rows(ed, c["table"], c.get("fields"))
    pairs, sources = [], []
    for where in c["rows"]:
        row = rows.one(where)
        left = ed.fmt(row[c["left"]["field"]], c["left"].get("format", _field_kind(rows.schema, c["left"]["field"], rows.formats)))
        right = ed.fmt(row[c["right"]["field"]], c["right"].get("format", _field_kind(rows.schema, c["right"]["field"], rows.formats)))
        pairs.append((left, right))
        sources.append(rows.ref(row))
    if len({p[0] for p in pairs}) != len(pairs):
        raise TeachingError(f"{q['id']}: two items on the left are the same")
    return {"pairs": pairs, "context": {}, "sources": sources}


def _compare(ed: _Edition, q: dict, c: dict) -> dict:
    """A statement whose truth the data decide: every listed row has ``field`` equal to ``equals``,
    or two fields of every listed row are equal (``all_equal``)."""
    rows = _Rows(ed, c["table"], c.get("fields"))
    selected = [rows.one(w) for w in c["rows"]]
    truth = True
    for row in selected:
        if "equals" in c:
            truth &= str(row[c["field"]]) == str(c["equals"])
        for left, right in c.get("all_equal", []):
            truth &= str(row[left]) == str(row[right])
    context = rows.values(selected[0]) if selected else {}
    return {"answer": truth, "context": context, "sources": [rows.ref(r) for r in selected]}


def _design_index(ed: _Edition) -> list[tuple[str, float, int]]:
    """``[(iso3, index, rank), ...]`` with equal weights, as the design-matrix notebook ranks them."""
    from .matrix import weighted_index

    matrix = ed.table("design-matrix")
    codebook = ed.table("design-codebook")
    dims = list(dict.fromkeys(codebook["dimension"]))
    wide = matrix.pivot(index="iso3", columns="dimension", values="code").reindex(columns=dims).astype("Float64")
    index = weighted_index(wide, {d: 1 for d in dims}).round(1).sort_values(ascending=False, kind="stable")
    ranks = index.rank(ascending=False, method="min").astype(int)
    return [(iso, float(value), int(ranks[iso])) for iso, value in index.items()]


def _fn_design_index_top(ed: _Edition, q: dict, c: dict) -> dict:
    ranking = _design_index(ed)
    shown = ranking[:c.get("args", {}).get("options", 4)]
    options = []
    for iso, value, rank in shown:
        values = {"value": ed.fmt(iso, "country"), "index": ed.fmt(value, "number"), "rank": ed.fmt(rank, "number"),
                  "answer": ed.fmt(ranking[0][0], "country"), "jurisdictions": ed.fmt(len(ranking), "number")}
        template = c["feedback"] if rank == 1 else c["wrong"]
        options.append(Option(values["value"], 100.0 if rank == 1 else 0.0, ed.fill(template, values)))
    if sum(o.fraction > 0 for o in options) != 1:
        raise TeachingError(f"{q['id']}: the design index has {sum(o.fraction > 0 for o in options)} leaders")
    return {"options": options, "context": {"answer": options[0].text}, "sources": ["design-matrix: all cells"]}


def _fn_design_index_rank(ed: _Edition, q: dict, c: dict) -> dict:
    ranking = _design_index(ed)
    iso = c["args"]["iso3"]
    entry = next(r for r in ranking if r[0] == iso)
    answer = ed.fmt(entry[2], "number")
    values = {"answer": answer, "value": answer, "index": ed.fmt(entry[1], "number"),
              "jurisdictions": ed.fmt(len(ranking), "number"), "country": ed.fmt(iso, "country"),
              "top": ed.fmt(ranking[0][0], "country"), "top_index": ed.fmt(ranking[0][1], "number")}
    options = [Option(answer, 100.0, ed.fill(c["feedback"], values))]
    return {"options": options, "context": values, "sources": ["design-matrix: all cells"], "answers": [answer, str(entry[2])]}


def _fn_verification_labels(ed: _Edition, q: dict, c: dict) -> dict:
    from .data import VERIFICATION_LABELS

    data_words = editions.catalog(ed.lang, "data")
    labels = ed.vocab("verification")
    pairs = [(ed.tr(labels[k]), data_words.get(VERIFICATION_LABELS[k], VERIFICATION_LABELS[k]))
             for k in c["args"]["labels"]]
    return {"pairs": pairs, "context": {}, "sources": ["ppp_atlas.data.VERIFICATION_LABELS"]}


FUNCTIONS = {"design_index_top": _fn_design_index_top, "design_index_rank": _fn_design_index_rank,
             "verification_labels": _fn_verification_labels}
FUNCTION_PLACEHOLDERS = {"design_index_top": ("index", "rank", "jurisdictions"),
                         "design_index_rank": ("index", "jurisdictions", "country", "top", "top_index"),
                         "verification_labels": ()}
KINDS = {"cell": _cell, "label": _label, "count": _count, "pairs": _pairs, "compare": _compare}


def _compute(ed: _Edition, q: dict) -> dict:
    c = q["compute"]
    if c["kind"] == "function":
        return FUNCTIONS[c["name"]](ed, q, c)
    return KINDS[c["kind"]](ed, q, c)


def _render(ed: _Edition, chapter: str, q: dict) -> Question:
    kind = q["type"]
    computed = _compute(ed, q) if "compute" in q else {"context": {}, "sources": []}
    context = computed.get("context", {})
    fill = (lambda text: ed.fill(text, context)) if "compute" in q else ed.tr  # only computed text has {fields}
    stem = fill(q["stem"]) if "stem" in q else ""
    general = fill(q["general"]) if q.get("general") else ""
    common = dict(id=q["id"], chapter=chapter, type=kind, section=q["section"], stem=stem, general=general,
                  sources=tuple(computed.get("sources", ())))
    if kind == "multichoice":
        if "options" in computed:
            options = list(computed["options"])
            order = q["compute"].get("order")
            if order == "sorted":
                options.sort(key=lambda o: _sort_key(o.text))
            elif order != "as_listed":
                options = _shuffled(q["id"], options)
        else:
            options = _shuffled(q["id"], [Option(ed.tr(o["text"]), 100.0 if o.get("correct") else 0.0, ed.tr(o["feedback"]))
                                          for o in q["options"]])
        if len(options) < 3:
            raise TeachingError(f"{q['id']}: only {len(options)} distinct options are left")
        return Question(options=tuple(options), **common)
    if kind == "truefalse":
        if "compute" in q:
            truth = computed["answer"]
            reason = ed.fill(q["reason"]["true" if truth else "false"], context)
        else:
            truth = q["answer"]
            reason = ed.tr(q["reason"])
        right, wrong = ed.word("correct"), ed.word("incorrect")
        options = (Option(ed.word("true"), 100.0 if truth else 0.0, f"{right if truth else wrong} {reason}"),
                   Option(ed.word("false"), 0.0 if truth else 100.0, f"{wrong if truth else right} {reason}"))
        return Question(options=options, answer=truth, **{**common, "general": general or reason})
    if kind == "shortanswer":
        if "compute" in q:
            first = computed["options"][0]
            answers = list(dict.fromkeys(a for a in computed.get("answers", [first.text]) if a))
            options = tuple(Option(a, 100.0, first.feedback) for a in answers)
        else:
            answers = list(dict.fromkeys([*(ed.tr(a) for a in q["answers"]), *q["answers"]]))
            feedback = ed.tr(q.get("feedback", ""))
            options = tuple(Option(a, 100.0, feedback) for a in answers)
        return Question(options=options, **common)
    if kind == "matching":
        pairs = computed["pairs"] if "pairs" in computed else [(ed.tr(p["left"]), ed.tr(p["right"])) for p in q["pairs"]]
        if len(pairs) < 3:
            raise TeachingError(f"{q['id']}: a matching question needs three pairs")
        return Question(pairs=tuple(pairs), **common)
    if kind == "case":
        rubric = tuple(Criterion(ed.tr(r["criterion"]), int(r["points"]), ed.tr(r["descriptor"])) for r in q["rubric"])
        model = tuple(ed.tr(m) for m in q.get("model", []))
        return Question(rubric=rubric, model=model, **{**common, "stem": ed.tr(q["task"])})
    raise TeachingError(f"{q['id']}: unknown type {kind}")


def _shuffled(seed: str, options: list) -> list:
    """The options in an order fixed by the question's id: the same in every edition and every build,
    and the correct one not always first (Moodle shuffles them again for each attempt)."""
    import hashlib
    import random

    order = list(range(len(options)))
    random.Random(int(hashlib.sha256(seed.encode()).hexdigest(), 16)).shuffle(order)
    return [options[i] for i in order]


def _sort_key(text: str):
    digits = re.sub(r"[^\d.]", "", text.replace(",", "").replace("\u00a0", "").replace("\u202f", ""))
    try:
        return (0, float(digits), text)
    except ValueError:
        return (1, 0.0, text)


def questions(lang: str = "en", package: Path = paths.PACKAGE, bibfile: Path = paths.BIBFILE,
              bank: dict | None = None, chapter: str | None = None) -> list[Question]:
    """The bank in one edition's words, its computed answers drawn from ``package``."""
    bank = bank if bank is not None else read_bank()
    ed = _Edition(lang, package, bibfile, bank)
    out = []
    for entry in bank["chapters"]:
        if chapter and entry["chapter"] != chapter:
            continue
        for q in entry["questions"]:
            try:
                out.append(_render(ed, entry["chapter"], q))
            except TeachingError as error:
                raise TeachingError(f"{entry['chapter']}/{q['id']}: {error}") from None
    return out


def chapters(bank: dict | None = None) -> list[str]:
    bank = bank if bank is not None else read_bank()
    return [c["chapter"] for c in bank["chapters"]]


def chapter_entry(chapter: str, bank: dict | None = None) -> dict:
    bank = bank if bank is not None else read_bank()
    return next(c for c in bank["chapters"] if c["chapter"] == chapter)


def self_check(chapter: str, lang: str = "en", bank: dict | None = None) -> list[Question]:
    bank = bank if bank is not None else read_bank()
    wanted = chapter_entry(chapter, bank).get("self_check", [])
    by_id = {q.id: q for q in questions(lang, bank=bank, chapter=chapter)}
    return [by_id[i] for i in wanted]


def counts(lang: str = "en", bank: dict | None = None) -> dict[str, dict[str, int]]:
    """``{chapter: {type: n, ..., "computed": n}}``."""
    result: dict[str, dict[str, int]] = {}
    for q in questions(lang, bank=bank):
        row = result.setdefault(q.chapter, {t: 0 for t in (*TYPES, "computed")})
        row[q.type] += 1
        row["computed"] += q.computed
    return result


# --- messages for the catalogs ----------------------------------------------------------------------

def messages(bank: dict | None = None) -> list[str]:
    """Every English string the bank and its pages can show: the fixed words, every template, every
    vocabulary label, and every data text a computed question formats as ``text``."""
    bank = bank if bank is not None else read_bank()
    seen: dict[str, None] = {}

    def add(text):
        if isinstance(text, str) and text.strip():
            seen.setdefault(text, None)

    for text in WORDS.values():
        add(text)
    for labels in bank.get("vocabularies", {}).values():
        for text in labels.values():
            add(text)
    ed = _Edition(editions.SOURCE_LANGUAGE, paths.PACKAGE, paths.BIBFILE, bank)
    for entry in bank["chapters"]:
        for q in entry["questions"]:
            for template in _templates(q):
                add(template)
            compute = q.get("compute", {})
            for text in _data_texts(ed, compute):
                add(text)
    return list(seen)


def _data_texts(ed: _Edition, c: dict) -> list[str]:
    """Data values that a computed question shows as text (translated through the catalog)."""
    if not c or "table" not in c:
        return []
    rows = _Rows(ed, c["table"], c.get("fields"))
    texts = []
    specs = [s for s in (c.get("left"), c.get("right")) if s and s.get("format") == "text"]
    wheres = c.get("rows", [c["row"]] if "row" in c else [])
    for where in wheres:
        row = rows.one(where)
        for spec in specs:
            texts.append(str(row[spec["field"]]))
        for name, kind in (c.get("fields") or {}).items():
            if kind == "text" and name in row.index and isinstance(row[name], str):
                texts.append(row[name])
    for d in c.get("distractors", []):
        if "row" in d:
            row = rows.one(d["row"])
            for name, kind in (c.get("fields") or {}).items():
                if kind == "text" and isinstance(row.get(name), str):
                    texts.append(row[name])
    return texts
