"""The PDF editions in the Sphinx build: links to a page's PDF and the book's under every page's
title, and ``{pdf-editions}`` on the Data page (the PDFs themselves are printed after the build
by :mod:`ppp_atlas.pdf`, which takes its file names and words from here).
"""
from __future__ import annotations

import html

from docutils import nodes
from docutils.parsers.rst import Directive

from . import config, editions, sphinx_title

#: Reader-visible fixed words (translated in ``locales/<lang>/LC_MESSAGES/ppp.po``).
WORDS = {
    "chapter_pdf": "PDF of this chapter",
    "book_pdf": "PDF of the book",
    "print_editions": "Print editions",
    "contents": "Contents",
    "edition": "{language} edition",
    "version": "Version {version} of {date}",
    "licence": "Text and charts: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Code: MIT. "
               "Data: the compilation CC BY 4.0, facts under the terms of the sources named on each row.",
    "how_to_cite": "How to cite",
    "online": "Online edition",
    "chapter_of": "A chapter of",
    "title_page": "Title page",
    "pdf_heading": "Print and PDF editions",
    "pdf_intro": "Every page of the book offers a PDF of itself and of the whole book in its edition, "
                 "for printing or reading offline: A4, tagged and searchable, with bookmarks, page numbers "
                 "and the charts as vector drawings.",
    "pdf_whole": "The whole book as one PDF:",
}

PDF_DIR = "pdf"


def book_file(lang: str) -> str:
    return f"ppp-atlas-{lang}.pdf"


def chapter_file(docname: str) -> str:
    return f"{docname}.pdf"


def words_for(lang: str):
    translate = editions.translator(lang, "ppp")
    return lambda key: translate(WORDS[key])


def _relative_pdf(lang: str, pagename: str, to_lang: str, target: str) -> str:
    return config.to_root(lang, pagename) + config.site_prefix(to_lang) + f"{PDF_DIR}/{target}"


def links_html(lang: str, pagename: str) -> str:
    word = words_for(lang)
    e = html.escape
    chapter = _relative_pdf(lang, pagename, lang, chapter_file(pagename))
    book = _relative_pdf(lang, pagename, lang, book_file(lang))
    return (f'<nav class="ppp-pdf-links" aria-label="{e(word("print_editions"))}"><ul>'
            f'<li><a href="{e(chapter)}" type="application/pdf">{e(word("chapter_pdf"))}</a></li>'
            f'<li><a href="{e(book)}" type="application/pdf">{e(word("book_pdf"))}</a></li></ul></nav>')


def _page_links(app, doctree, docname):
    if app.builder.format != "html" or docname not in config.toc_docnames():
        return
    sphinx_title.place(doctree, links_html(config.edition(app.config.language), docname))


class PdfEditions(Directive):
    """``{pdf-editions}`` (Data page): what the PDFs hold and the whole book in every edition."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        lang = config.edition(env.config.language)
        word = words_for(lang)
        e = html.escape
        items = "".join(
            f'<li><a href="{e(_relative_pdf(lang, env.docname, other, book_file(other)))}" '
            f'type="application/pdf" hreflang="{editions.BCP47[other]}" lang="{editions.BCP47[other]}">'
            f'{e(editions.ENDONYMS[other])}</a></li>' for other in config.LANGUAGES)
        section = nodes.section(ids=["ppp-pdf-editions"], names=["ppp-pdf-editions"])
        section += nodes.title(text=word("pdf_heading"))
        section += nodes.raw("", f'<p>{e(word("pdf_intro"))}</p><p>{e(word("pdf_whole"))}</p>'
                                 f'<ul class="ppp-pdf-editions">{items}</ul>', format="html")
        return [section]


def _add_print_css(app):
    app.add_css_file("ppp-print.css", media="print")


def setup(app):
    """Registered from :func:`ppp_atlas.sphinx_ext.setup`."""
    app.connect("doctree-resolved", _page_links, priority=450)  # under the law's date (sphinx_ext, 440)
    app.add_directive("pdf-editions", PdfEditions)
    app.connect("builder-inited", _add_print_css, priority=600)
