"""The teacher's pack in the built book (registered by :func:`ppp_atlas.sphinx_ext.setup`).

* **Self-check.** Each chapter of the question bank ends, before its references, with a few of its
  questions; the answer and its explanation open on demand in ``<details>`` (no script), and print
  opened. Inserted when the chapter is read, in the edition's words (the ``teaching`` catalog), so
  it appears in the page's contents; the gettext builder never sees it (the bank has its own catalog).
* **The teacher's guide** is the pages in ``teaching/``: built as pages of the site but outside the
  book's table of contents and its search index (``orphan``, ``nosearch``), so students can be given
  the book without the answers beside it. ``{teaching-answers} <chapter>`` renders a chapter's bank
  with every answer, feedback and rubric; ``{teaching-downloads}`` lists the exports and decks.
* **Exports** (:mod:`ppp_atlas.teaching_export`): Moodle XML and GIFT, per edition and per chapter,
  written into ``teaching/files/`` when the build finishes.
* **Slides**: a reveal.js deck per chapter (``_slides/<chapter>.html``), generated from the chapter's
  resolved doctree in the edition's language (its title, learning objectives, summary, chosen charts as
  the site's static drawings, quoted paragraphs, discussion questions), the library served from
  ``_static/reveal/`` (npm ``reveal.js``, no other host).
"""
from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging as sphinx_logging

from . import config, editions, paths, sphinx_domain, teaching

logger = sphinx_logging.getLogger(__name__)

GUIDE_DIR = "teaching"        # the guide's pages: teaching/index.md, teaching/<chapter>.md
FILES_DIR = "teaching/files"  # the exports, in each edition
SLIDES_DIR = "_slides"        # the decks, in each edition
REVEAL = paths.ROOT / "node_modules" / "reveal.js"
SLIDE_STATE = "ppp-slides.json"  # in the doctree folder: each chapter's slide content, kept between builds


def guide_docnames() -> list[str]:
    return sorted(f"{GUIDE_DIR}/{p.stem}" for p in (paths.ROOT / GUIDE_DIR).glob("*.md"))


def _lang(app) -> str:
    return config.edition(app.config.language)


_words = teaching.words


# --- configuration ------------------------------------------------------------------------------

def _include_guide(app, config):
    """sphinx-external-toc excludes every page that ``_toc.yml`` does not list; the guide is built
    all the same, as orphan pages outside the book's navigation."""
    config.exclude_patterns = [p for p in config.exclude_patterns
                               if not (p.startswith(f"{GUIDE_DIR}/") and p.endswith(".md"))]


def _check_bank(app):
    if app.builder.name == "gettext":
        return
    problems = teaching.check()
    if problems:
        raise ExtensionError("the question bank does not validate:\n" + "\n".join(f"  {p}" for p in problems[:40]))


def _add_static(app):
    app.add_css_file("ppp-teaching.css")


def _dependencies(env) -> None:
    """A page showing questions is read again when the bank, its catalog or the data change."""
    lang = config.edition(env.config.language)
    env.note_dependency(str(teaching.BANK))
    for module in (teaching.__file__, __file__):  # the computations and the rendering themselves
        env.note_dependency(str(module))
    editions.note_catalog(env, lang, teaching.DOMAIN)
    editions.note_catalog(env, lang, "data")
    for table in sorted(paths.DATA.glob("*.csv")):
        env.note_dependency(str(table))


# --- nodes: <details> and <summary> -------------------------------------------------------------

class details(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lowercase)
    """An answer that opens on demand (HTML ``<details>``)."""


class summary(nodes.General, nodes.TextElement):  # noqa: N801
    """The always visible line of a :class:`details`."""


def _visit_details(self, node):
    self.body.append(self.starttag(node, "details", CLASS="ppp-answer"))


def _depart_details(self, node):
    self.body.append("</details>\n")


def _visit_summary(self, node):
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary(self, node):
    self.body.append("</summary>\n")


def _pass(self, node):
    pass


# --- rendering questions as doctree nodes ---------------------------------------------------------

def _para(text: str = "", *children, classes=()) -> nodes.paragraph:
    para = nodes.paragraph(classes=list(classes))
    if text:
        para += nodes.Text(text)
    for child in children:
        para += child
    return para


def _section_ref(label: str, word) -> nodes.paragraph:
    """"Section tested: <the section's title, linked>" (resolved in the edition's words)."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=label, refexplicit=False,
                                refwarn=True)
    ref += nodes.inline("", label)
    before, _, after = word("tested_in", section="\x00").partition("\x00")
    para = _para(before, ref, classes=["ppp-tested-in"])
    if after:
        para += nodes.Text(after)
    return para


def _letter(i: int) -> str:
    return "abcdefghij"[i]


def _options_list(question: teaching.Question, mark: bool, word) -> nodes.Element:
    listing = nodes.enumerated_list(enumtype="loweralpha", prefix="", suffix=")", classes=["ppp-options"])
    for option in question.options:
        item = nodes.list_item()
        para = _para(option.text)
        if mark and option.fraction > 0:
            para += nodes.Text(" ")
            para += nodes.strong("", word("correct"))
        item += para
        if mark and option.feedback:
            item += _para(option.feedback, classes=["ppp-feedback"])
        listing += item
    return listing


def _choices(question: teaching.Question) -> list[str]:
    return sorted({right for _, right in question.pairs}, key=str.casefold)


def _question_body(question: teaching.Question, word, n: int) -> list[nodes.Node]:
    """The question as a student sees it (stem, options or prompt)."""
    out: list[nodes.Node] = []
    head = _para(classes=["ppp-question-stem"])
    head += nodes.strong("", word("question_n", n=n) + ". ")
    head += nodes.Text(question.stem)
    out.append(head)
    if question.type == "multichoice":
        out.append(_para(word("choose_one"), classes=["ppp-prompt"]))
        out.append(_options_list(question, False, word))
    elif question.type == "truefalse":
        out.append(_para(word("true_or_false"), classes=["ppp-prompt"]))
    elif question.type == "shortanswer":
        out.append(_para(word("short_prompt"), classes=["ppp-prompt"]))
    elif question.type == "matching":
        out.append(_para(word("match_prompt"), classes=["ppp-prompt"]))
        left = nodes.bullet_list(classes=["ppp-match-left"])
        for item, _ in question.pairs:
            left += nodes.list_item("", _para(item))
        out.append(left)
        right = nodes.bullet_list(classes=["ppp-match-right"])
        for item in _choices(question):
            right += nodes.list_item("", _para(item))
        out.append(right)
    return out


def _answer_nodes(question: teaching.Question, word, all_feedback: bool) -> list[nodes.Node]:
    """The answer and its explanation."""
    out: list[nodes.Node] = []
    if question.type == "multichoice":
        correct = [(i, o) for i, o in enumerate(question.options) if o.fraction > 0]
        i, option = correct[0]
        out.append(_para(word("correct_answer", answer=f"{_letter(i)}) {option.text}"), classes=["ppp-correct"]))
        if all_feedback:
            out.append(_options_list(question, True, word))
        else:
            out.append(_para(option.feedback))
    elif question.type == "truefalse":
        truth = word("true") if question.answer else word("false")
        out.append(_para(word("correct_answer", answer=truth), classes=["ppp-correct"]))
    elif question.type == "shortanswer":
        answers = "; ".join(o.text for o in question.options)
        out.append(_para(word("accepted", answers=answers), classes=["ppp-correct"]))
        if question.options and question.options[0].feedback:
            out.append(_para(question.options[0].feedback))
    elif question.type == "matching":
        out.append(_para(word("pairs_answer"), classes=["ppp-correct"]))
        pairs = nodes.bullet_list(classes=["ppp-pairs"])
        for left, right in question.pairs:
            pairs += nodes.list_item("", _para(f"{left} — {right}"))
        out.append(pairs)
    if question.general and question.type != "truefalse":
        out.append(_para(question.general))
    elif question.type == "truefalse":
        out.append(_para(question.general))
    return out


def self_check_section(chapter: str, lang: str, word) -> nodes.section:
    questions = teaching.self_check(chapter, lang)
    section = nodes.section(ids=["ppp-self-check"], names=["ppp-self-check"], classes=["ppp-self-check"])
    section += nodes.title("", word("self_check"))
    intro = _para(word("self_check_intro"), classes=["ppp-self-check-intro"])
    section += intro
    section += _para("", *_slide_links(chapter, lang, word), classes=["ppp-slide-links"])
    for n, question in enumerate(questions, start=1):
        box = nodes.container(classes=["ppp-self-check-item"], ids=[f"ppp-q-{question.id}"])
        for node in _question_body(question, word, n):
            box += node
        answer = details()
        answer += summary("", word("answer"))
        for node in _answer_nodes(question, word, all_feedback=False):
            answer += node
        answer += _section_ref(question.section, word)
        box += answer
        section += box
    return section


def _slide_links(chapter: str, lang: str, word) -> list[nodes.Node]:
    """Links from a chapter page (``book/<chapter>.html``) to its deck and the deck's PDF."""
    html_href = f"../{SLIDES_DIR}/{chapter}.html"
    pdf_href = f"../{SLIDES_DIR}/{chapter}.pdf"
    deck = nodes.raw("", f'<a class="ppp-slides-link" href="{html.escape(html_href)}">{html.escape(word("slides"))}</a>',
                     format="html")
    pdf = nodes.raw("", f'<a class="ppp-slides-pdf" href="{html.escape(pdf_href)}" type="application/pdf">'
                        f'{html.escape(word("slides_pdf"))}</a>', format="html")
    return [deck, nodes.Text(" · "), pdf]


class SelfCheck(SphinxTransform):
    """Put the self-check before a chapter's references (or at its end)."""

    # after the i18n transforms (the page is in the edition's words by now) and before Sphinx's
    # DoctreeReadEvent (880), which collects the page's contents: the self-check is listed in them
    default_priority = 850

    def apply(self, **kwargs):
        docname = self.env.docname
        if not docname.startswith("book/") or self.app.builder.name == "gettext":
            return
        chapter = docname.removeprefix("book/")
        if chapter not in teaching.chapters():
            return
        lang = config.edition(self.config.language)
        _dependencies(self.env)
        section = self_check_section(chapter, lang, _words(lang))
        top = next(iter(self.document.findall(nodes.section)), None)
        if top is None:
            return
        references = next((s for s in top.children if isinstance(s, nodes.section) and "references" in s["ids"]), None)
        if references is not None:
            top.insert(top.index(references), section)
        else:
            top += section


# --- the guide: answers and downloads ---------------------------------------------------------

class TeachingAnswers(Directive):
    """``{teaching-answers} <chapter>``: the chapter's questions with their answers, every option's
    feedback, the case task with its rubric and the points of a model answer."""

    required_arguments = 1
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        lang = config.edition(env.config.language)
        chapter = self.arguments[0]
        if chapter not in teaching.chapters():
            raise self.error(f'"{chapter}" is not a chapter of the question bank')
        _dependencies(env)
        word = _words(lang)
        out = []
        n = 0
        for question in teaching.questions(lang, chapter=chapter):
            if question.type == "case":
                out.append(_case_nodes(question, word))
                continue
            n += 1
            box = nodes.container(classes=["ppp-bank-item"], ids=[f"ppp-bank-{question.id}"])
            for node in _question_body(question, word, n):
                if isinstance(node, nodes.enumerated_list):
                    continue  # the options are listed once, with their feedback, below
                box += node
            for node in _answer_nodes(question, word, all_feedback=True):
                box += node
            box += _section_ref(question.section, word)
            if question.computed:
                box += _para(word("from_data", sources="; ".join(question.sources)), classes=["ppp-from-data"])
            out.append(box)
        return out


def _case_nodes(question: teaching.Question, word) -> nodes.Node:
    box = nodes.container(classes=["ppp-case"], ids=[f"ppp-bank-{question.id}"])
    head = _para(classes=["ppp-question-stem"])
    head += nodes.strong("", word("case_task") + ". ")
    head += nodes.Text(question.stem)
    box += head
    box += _para(word("rubric"), classes=["ppp-rubric-title"])
    table = nodes.table(classes=["ppp-rubric"])
    group = nodes.tgroup(cols=3)
    for width in (25, 10, 65):
        group += nodes.colspec(colwidth=width)
    head_row = nodes.row()
    for label in (word("criterion"), word("points"), word("full_marks")):
        head_row += nodes.entry("", _para(label))
    group += nodes.thead("", head_row)
    body = nodes.tbody()
    for criterion in question.rubric:
        row = nodes.row()
        for value in (criterion.criterion, str(criterion.points), criterion.descriptor):
            row += nodes.entry("", _para(value))
        body += row
    group += body
    table += group
    box += table
    box += _para(word("points_total", points=question.points), classes=["ppp-points-total"])
    box += _para(word("model_answer"), classes=["ppp-rubric-title"])
    points = nodes.bullet_list(classes=["ppp-model-answer"])
    for point in question.model:
        points += nodes.list_item("", _para(point))
    box += points
    box += _section_ref(question.section, word)
    return box


class TeachingDownloads(Directive):
    """``{teaching-downloads}``: the edition's exports (whole bank and per chapter), the decks and
    their PDFs, and the guide's PDF."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        from .teaching_export import export_names

        lang = config.edition(env.config.language)
        word = _words(lang)
        env.note_dependency(__file__)  # the table is written here
        depth = env.docname.count("/")
        up = "../" * depth
        e = html.escape
        files = posixpath.relpath(FILES_DIR, posixpath.dirname(env.docname) or ".") + "/"
        whole = export_names(lang)
        rows = [f'<tr><th scope="row">{e(word("all_chapters"))}</th>'
                f'<td><a href="{e(files + whole["xml"])}" download>Moodle XML</a></td>'
                f'<td><a href="{e(files + whole["gift"])}" download>GIFT</a></td><td></td><td></td></tr>']
        for chapter in teaching.chapters():
            names = export_names(lang, chapter)
            title = teaching.chapter_title(chapter, lang)
            rows.append(
                f'<tr><th scope="row"><a href="{e(up)}book/{e(chapter)}.html">{e(title)}</a></th>'
                f'<td><a href="{e(files + names["xml"])}" download>Moodle XML</a></td>'
                f'<td><a href="{e(files + names["gift"])}" download>GIFT</a></td>'
                f'<td><a href="{e(up + SLIDES_DIR)}/{e(chapter)}.html">{e(word("slides_html"))}</a></td>'
                f'<td><a href="{e(up + SLIDES_DIR)}/{e(chapter)}.pdf" type="application/pdf">PDF</a></td></tr>')
        head = (f'<thead><tr><th scope="col">{e(word("chapter"))}</th><th scope="col" colspan="2">'
                f'{e(word("question_bank"))}</th><th scope="col" colspan="2">{e(word("slides"))}</th></tr></thead>')
        table = (f'<div class="ppp-table-box"><table class="ppp-downloads">'
                 f'{head}<tbody>{"".join(rows)}</tbody></table></div>')
        return [nodes.raw("", table, format="html")]


# --- slides: collected from the chapters, written when the build finishes ----------------------------

def _text(node) -> str:
    return re.sub(r"\s+", " ", node.astext()).strip()


def _items(node) -> list[str]:
    lists = [c for c in node.findall(nodes.bullet_list)] + [c for c in node.findall(nodes.enumerated_list)]
    if not lists:
        return []
    return [_text(item) for item in lists[0].children if isinstance(item, nodes.list_item)]


def _collect_charts(app, doctree, docname):
    """Before the charts are rendered (priority 600): each chart's title and finding in the edition's
    words, for the decks' image descriptions."""
    chapter = docname.removeprefix("book/")
    if not docname.startswith("book/") or chapter not in teaching.chapters() or app.builder.format != "html":
        return
    from .sphinx_glue import chart_placeholder, chart_translator

    translate = chart_translator(app)
    found = {}
    for node in doctree.findall(chart_placeholder):
        meta = node["meta"]
        caption = ""
        figure = node.parent
        while figure is not None and not isinstance(figure, nodes.figure):
            figure = figure.parent
        if figure is not None:
            caption = next((_text(c) for c in figure.children if isinstance(c, nodes.caption)), "")
        found[meta["name"]] = {"title": translate(meta["title"]), "alt": translate(meta["alt"]), "caption": caption}
    sphinx_domain.page_data(app.env).note_slide_charts(docname, found)


def _collect_slides(app, doctree, docname):
    chapter = docname.removeprefix("book/")
    if not docname.startswith("book/") or chapter not in teaching.chapters() or app.builder.format != "html":
        return
    entry = teaching.chapter_entry(chapter)
    top = next(iter(doctree.findall(nodes.section)))
    sections = {i: s for s in doctree.findall(nodes.section) for i in s["ids"]}
    objectives_box = next((a for a in doctree.findall(nodes.admonition) if "tip" in a.get("classes", [])), None)
    objectives_intro = ""
    if objectives_box is not None:
        intro = next((p for p in objectives_box.children if isinstance(p, nodes.paragraph)), None)
        objectives_intro = _text(intro) if intro is not None else ""
    provisions = []
    for provision in entry.get("slides", {}).get("provisions", []):
        section = sections.get(provision["section"])
        if section is None:
            raise ExtensionError(f"{chapter}: no section labelled {provision['section']} for a slide")
        paragraphs = [c for c in section.children if isinstance(c, nodes.paragraph)]
        if provision["paragraph"] > len(paragraphs):
            raise ExtensionError(f"{chapter}: section {provision['section']} has no paragraph {provision['paragraph']}")
        text = _text(paragraphs[provision["paragraph"] - 1])
        if _lang(app) == editions.SOURCE_LANGUAGE and provision["contains"] not in text:
            found = [i for i, p in enumerate(paragraphs, start=1) if provision["contains"] in _text(p)]
            raise ExtensionError(f"{chapter}: paragraph {provision['paragraph']} of {provision['section']} no longer "
                                 f"contains {provision['contains']!r} (paragraphs that do: {found}): update the "
                                 f"slide in {teaching.BANK.name}")
        title = next((_text(c) for c in section.children if isinstance(c, nodes.title)), "")
        provisions.append({"section": title, "anchor": provision["section"], "text": text})
    charts_found = sphinx_domain.page_data(app.env).slide_charts(docname)
    charts = []
    for name in entry.get("slides", {}).get("charts", []):
        if name not in charts_found:
            raise ExtensionError(f"{chapter}: chart {name} for a slide is not on the page")
        charts.append({"name": name, **charts_found[name]})
    state = {
        "title": _text(next(c for c in top.children if isinstance(c, nodes.title))),
        "objectives_intro": objectives_intro,
        "objectives": _items(objectives_box) if objectives_box is not None else [],
        "summary": _items(sections["summary"]) if "summary" in sections else [],
        "discussion": _items(sections["discussion-questions"]) if "discussion-questions" in sections else [],
        "summary_title": _text(sections["summary"][0]) if "summary" in sections else "",
        "discussion_title": _text(sections["discussion-questions"][0]) if "discussion-questions" in sections else "",
        "objectives_title": _text(objectives_box[0]) if objectives_box is not None else "",
        "charts": charts,
        "provisions": provisions,
    }
    sphinx_domain.page_data(app.env).note_slides(chapter, state)


def _write_files(app, exception):
    """Exports, decks and the slide library, before the pages are finished (priority 900)."""
    if exception is not None or app.builder.format != "html":
        return
    from . import teaching_export, teaching_slides

    outdir = Path(app.outdir)
    lang = _lang(app)
    labels = app.env.domaindata.get("std", {}).get("labels", {})
    site = _site(app)
    titles = {c: _title_text(app, f"book/{c}") for c in teaching.chapters()}
    sections = {label: (doc, anchor, name) for label, (doc, anchor, name) in labels.items()}
    teaching_export.write_all(outdir / FILES_DIR, lang, site=site, chapter_titles=titles, sections=sections)
    state_file = Path(app.doctreedir) / SLIDE_STATE
    saved = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else {}
    saved.update(sphinx_domain.page_data(app.env).slides())
    missing = [c for c in teaching.chapters() if c not in saved]
    if missing:
        raise ExtensionError(f"no slide content for {', '.join(missing)}: build once from a clean environment")
    state_file.write_text(json.dumps(saved, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    _copy_reveal(outdir / "_static" / "reveal")
    book_url = config.book_url(app.config.ppp_site_url, app.config.html_theme_options.get("repository_url", ""))
    teaching_slides.write_decks(outdir / SLIDES_DIR, lang, saved, book_url,
                                app.config.html_title or app.config.project)


def _title_text(app, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def _site(app) -> str:
    from . import sphinx_editions

    return sphinx_editions.edition_url(app)


_REMOTE_IMPORT = re.compile(rb'@import\s+(?:url\()?["\']?https?://[^;]*;')


def _copy_reveal(target: Path) -> None:
    """reveal.js from npm (package-lock.json pins it), served from the site. The theme's two
    ``@import``s of web fonts from another host are left out (the site makes no such request; the
    decks use the system fonts that ``ppp-slides.css`` names)."""
    dist = REVEAL / "dist"
    if not dist.exists():
        raise FileNotFoundError(f"{dist} is missing: run `npm ci` (make book does it)")
    wanted = {dist / "reveal.js": "reveal.js", dist / "reveal.css": "reveal.css",
              dist / "theme" / "simple.css": "theme/simple.css", REVEAL / "LICENSE": "LICENSE"}
    for source, name in wanted.items():
        out = target / name
        out.parent.mkdir(parents=True, exist_ok=True)
        data = _REMOTE_IMPORT.sub(b"", source.read_bytes())
        if not out.exists() or out.read_bytes() != data:
            out.write_bytes(data)


def setup(app):
    app.connect("config-inited", _include_guide, priority=950)  # after sphinx-external-toc (900)
    app.connect("builder-inited", _check_bank)
    app.connect("builder-inited", _add_static)
    passthrough = (_pass, _pass)
    app.add_node(details, html=(_visit_details, _depart_details), latex=passthrough, text=passthrough,
                 man=passthrough, texinfo=passthrough)
    app.add_node(summary, html=(_visit_summary, _depart_summary), latex=passthrough, text=passthrough,
                 man=passthrough, texinfo=passthrough)
    app.add_transform(SelfCheck)
    app.add_directive("teaching-answers", TeachingAnswers)
    app.add_directive("teaching-downloads", TeachingDownloads)
    app.connect("doctree-resolved", _collect_charts, priority=590)
    app.connect("doctree-resolved", _collect_slides, priority=800)
    app.connect("build-finished", _write_files, priority=500)
