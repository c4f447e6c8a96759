"""The question bank for learning platforms: Moodle XML and GIFT, per edition and per chapter.

Both formats are written from :func:`ppp_atlas.teaching.questions`, so a computed answer is the one
the data give when the book is built. Categories follow the book: ``$course$/top/<book>/<NN chapter>``.

* **Moodle XML** (https://docs.moodle.org/en/Moodle_XML_format): one ``<question type="category">``
  per chapter, then its questions: ``multichoice`` (single answer, shuffled, feedback on every answer),
  ``truefalse`` (feedback on both answers), ``shortanswer`` (case-insensitive), ``matching`` and
  ``essay`` (the case task: the rubric and the points of a model answer in ``graderinfo``, its grade the
  rubric's total). Every question has general feedback naming the section it tests, with a link, and
  tags (the chapter; ``computed`` when its answer comes from data). Text is HTML, escaped by the XML
  writer; answers of short-answer and matching questions are plain text, as Moodle reads them.
* **GIFT** (https://docs.moodle.org/en/GIFT_format): the same questions in ``[html]`` format, with
  GIFT's special characters ``~ = # { } :`` and the backslash escaped; the answers of short-answer
  questions and the choices of matching questions are plain text, as Moodle stores them. In a true/false question the
  first feedback is shown for a wrong answer and the second for a right one, as Moodle's importer
  reads them. The rubric of a case task goes into its general feedback.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from . import editions, teaching

GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


_words = teaching.words


def category_path(lang: str, chapter_title: str | None, number: int | None = None) -> str:
    """Moodle's category path; a "/" inside a name is written "//"."""
    book = _words(lang)("book_category").replace("/", "//")
    if chapter_title is None:
        return f"$course$/top/{book}"
    name = (f"{number:02d} " if number else "") + chapter_title.replace("/", "//")
    return f"$course$/top/{book}/{name}"


class _Context:
    """Titles and links of the chapters and sections in one edition."""

    def __init__(self, lang: str, site: str, chapter_titles: dict[str, str] | None,
                 sections: dict[str, tuple[str, str, str]] | None):
        self.lang = lang
        self.site = site
        self.chapter_titles = chapter_titles or {}
        self.sections = sections or {}
        self.word = _words(lang)

    def chapter_title(self, chapter: str) -> str:
        return self.chapter_titles.get(chapter) or teaching.chapter_title(chapter, self.lang)

    def section(self, chapter: str, label: str) -> tuple[str, str]:
        """The section a question tests: its title and its address on the site."""
        if label in self.sections:
            docname, anchor, name = self.sections[label]
            return name, f"{self.site}{docname}.html#{anchor}"
        return teaching.section_title(chapter, label, self.lang), f"{self.site}book/{chapter}.html#{label}"

    def general_html(self, q: teaching.Question) -> str:
        title, url = self.section(q.chapter, q.section)
        e = html.escape
        parts = [f"<p>{e(q.general)}</p>"] if q.general else []
        before, _, after = self.word("tested_in", section="\x00").partition("\x00")
        parts.append(f'<p>{e(before)}<a href="{e(url)}">{e(title)}</a>{e(after)}</p>')
        if q.computed:
            parts.append(f"<p>{e(self.word('from_data', sources='; '.join(q.sources)))}</p>")
        return "".join(parts)

    def rubric_html(self, q: teaching.Question) -> str:
        e, w = html.escape, self.word
        rows = "".join(f"<tr><td>{e(c.criterion)}</td><td>{c.points}</td><td>{e(c.descriptor)}</td></tr>" for c in q.rubric)
        model = "".join(f"<li>{e(p)}</li>" for p in q.model)
        return (f"<p><strong>{e(w('rubric'))}</strong></p><table><thead><tr><th>{e(w('criterion'))}</th>"
                f"<th>{e(w('points'))}</th><th>{e(w('full_marks'))}</th></tr></thead><tbody>{rows}</tbody>"
                f"<tfoot><tr><td>{e(w('rubric_total'))}</td><td>{q.points}</td><td></td></tr></tfoot></table>"
                f"<p><strong>{e(w('model_answer'))}</strong></p><ul>{model}</ul>")


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


# --- Moodle XML ----------------------------------------------------------------------------------

def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _fraction(value: float) -> str:
    return f"{value:g}"


def _question_xml(quiz: ET.Element, q: teaching.Question, ctx: _Context) -> None:
    kind = "essay" if q.type == "case" else q.type
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", q.id, fmt=None)
    _text(element, "questiontext", _p(q.stem))
    _text(element, "generalfeedback", ctx.general_html(q))
    ET.SubElement(element, "defaultgrade").text = str(q.points)
    ET.SubElement(element, "penalty").text = "0.3333333" if kind in ("multichoice", "shortanswer", "matching") else "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = q.id
    word = ctx.word
    if kind == "multichoice":
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        ET.SubElement(element, "showstandardinstruction").text = "0"
        _feedbacks(element, word)
        for option in q.options:
            answer = _text(element, "answer", _p(option.text))
            answer.set("fraction", _fraction(option.fraction))
            _text(answer, "feedback", _p(option.feedback))
    elif kind == "truefalse":
        for option, value in zip(q.options, ("true", "false")):
            answer = _text(element, "answer", value, fmt="moodle_auto_format")
            answer.set("fraction", _fraction(option.fraction))
            _text(answer, "feedback", _p(option.feedback))
    elif kind == "shortanswer":
        ET.SubElement(element, "usecase").text = "0"
        for option in q.options:
            answer = _text(element, "answer", option.text, fmt="moodle_auto_format")
            answer.set("fraction", _fraction(option.fraction))
            _text(answer, "feedback", _p(option.feedback))
    elif kind == "matching":
        ET.SubElement(element, "shuffleanswers").text = "true"
        _feedbacks(element, word)
        for left, right in q.pairs:
            sub = _text(element, "subquestion", _p(left))
            answer = ET.SubElement(sub, "answer")
            ET.SubElement(answer, "text").text = right
    elif kind == "essay":
        ET.SubElement(element, "responseformat").text = "editor"
        ET.SubElement(element, "responserequired").text = "1"
        ET.SubElement(element, "responsefieldlines").text = "20"
        ET.SubElement(element, "minwordlimit").text = ""
        ET.SubElement(element, "maxwordlimit").text = ""
        ET.SubElement(element, "attachments").text = "0"
        ET.SubElement(element, "attachmentsrequired").text = "0"
        ET.SubElement(element, "maxbytes").text = "0"
        ET.SubElement(element, "filetypeslist").text = ""
        _text(element, "graderinfo", ctx.rubric_html(q))
        _text(element, "responsetemplate", "")
    tags = ET.SubElement(element, "tags")
    for tag in ("ppp-atlas", q.chapter, q.type, *(["computed"] if q.computed else [])):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def _feedbacks(element: ET.Element, word) -> None:
    _text(element, "correctfeedback", _p(word("correct")))
    _text(element, "partiallycorrectfeedback", _p(word("incorrect")))
    _text(element, "incorrectfeedback", _p(word("incorrect")))
    ET.SubElement(element, "shownumcorrect")


def moodle_xml(questions: list[teaching.Question], ctx: _Context, chapters: list[str]) -> bytes:
    quiz = ET.Element("quiz")
    for number, chapter in enumerate(chapters, start=1):
        own = [q for q in questions if q.chapter == chapter]
        if not own:
            continue
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(ctx.lang, ctx.chapter_title(chapter), _number(chapter)), fmt=None)
        _text(category, "info", _p(ctx.chapter_title(chapter)))
        ET.SubElement(category, "idnumber").text = f"ppp-atlas-{chapter}-{ctx.lang}"
        for q in own:
            _question_xml(quiz, q, ctx)
    ET.indent(quiz, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


def _number(chapter: str) -> int:
    return teaching.chapters().index(chapter) + 1


# --- GIFT ------------------------------------------------------------------------------------------

def gift_escape(text: str) -> str:
    """Text for GIFT's ``[html]`` format: HTML-escaped, then GIFT's special characters escaped."""
    return GIFT_SPECIAL.sub(r"\\\1", text.replace("\r", "").replace("\n", " "))


def _g(text: str) -> str:
    return gift_escape(html.escape(text, quote=False))


def _g_html(markup: str) -> str:
    return gift_escape(markup)


def _question_gift(q: teaching.Question, ctx: _Context) -> str:
    title, url = ctx.section(q.chapter, q.section)
    lines = [f"// {q.id}: {title} ({url})"]
    if q.computed:
        lines.append("// " + ctx.word("from_data", sources="; ".join(q.sources)).replace("\n", " "))
    head = f"::{q.id}::[html]{_g_html(_p(q.stem))}"
    general = f"####{_g_html(ctx.general_html(q))}"
    if q.type == "multichoice":
        body = [f"{'=' if o.fraction > 0 else '~'}{_g(o.text)}#{_g(o.feedback)}" for o in q.options]
        lines.append(head + "{\n" + "\n".join(body) + "\n" + general + "\n}")
    elif q.type == "truefalse":
        right = next(o for o in q.options if o.fraction > 0)
        wrong = next(o for o in q.options if o.fraction == 0)
        # Moodle's importer: {TRUE#feedback for a wrong answer#feedback for a right answer}
        lines.append(head + "{" + ("TRUE" if q.answer else "FALSE") + f"#{_g(wrong.feedback)}#{_g(right.feedback)}{general}}}")
    elif q.type == "shortanswer":  # an answer is plain text that a student types, not HTML
        body = [f"={gift_escape(o.text)}#{_g(o.feedback)}" for o in q.options]
        lines.append(head + "{\n" + "\n".join(body) + "\n" + general + "\n}")
    elif q.type == "matching":  # the answers to choose from are plain text, as Moodle stores them
        body = [f"={_g(left)} -> {gift_escape(right)}" for left, right in q.pairs]
        lines.append(head + "{\n" + "\n".join(body) + "\n" + general + "\n}")
    elif q.type == "case":
        lines.append(head + "{" + f"####{_g_html(ctx.rubric_html(q) + ctx.general_html(q))}" + "}")
    return "\n".join(lines)


def gift(questions: list[teaching.Question], ctx: _Context, chapters: list[str]) -> str:
    blocks = [f"// {ctx.word('book_category')} ({ctx.lang}): CC BY 4.0"]
    for chapter in chapters:
        own = [q for q in questions if q.chapter == chapter]
        if not own:
            continue
        blocks.append(f"$CATEGORY: {category_path(ctx.lang, ctx.chapter_title(chapter), _number(chapter))}")
        blocks.extend(_question_gift(q, ctx) for q in own)
    return "\n\n".join(blocks) + "\n"


# --- files -----------------------------------------------------------------------------------------

def export_names(lang: str, chapter: str | None = None) -> dict[str, str]:
    stem = f"ppp-atlas-{chapter}-{lang}" if chapter else f"ppp-atlas-questions-{lang}"
    return {"xml": f"{stem}.xml", "gift": f"{stem}.gift.txt"}


def _write(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def write_all(folder: Path, lang: str, site: str, chapter_titles: dict[str, str] | None = None,
              sections: dict | None = None, questions: list[teaching.Question] | None = None) -> list[Path]:
    """The edition's exports: the whole bank and each chapter, in Moodle XML and GIFT."""
    folder.mkdir(parents=True, exist_ok=True)
    ctx = _Context(lang, site, chapter_titles, sections)
    questions = questions if questions is not None else teaching.questions(lang)
    chapters = teaching.chapters()
    written = []
    for chapter in [None, *chapters]:
        chosen = chapters if chapter is None else [chapter]
        names = export_names(lang, chapter)
        _write(folder / names["xml"], moodle_xml(questions, ctx, chosen))
        _write(folder / names["gift"], gift(questions, ctx, chosen).encode("utf-8"))
        written += [folder / names["xml"], folder / names["gift"]]
    return written
