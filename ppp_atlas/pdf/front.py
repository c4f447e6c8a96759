"""The front matter, as HTML for Chromium to print: the title page of the book and of each chapter,
the book's contents (their links under a reserved address, :data:`GOTO`, made links into the book
when it is assembled), and the sheets stamped onto every page (running headers and footers, page
numbers); and the words they print (the book's title and authors, the citations), in the edition's
words."""
from __future__ import annotations

import html

from .. import config, editions
from ..sphinx_pdf import words_for

FONT = "'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif"
#: The contents' links are printed as addresses under this reserved name (``<page index>/<top>``), made
#: links to the book's own pages when it is assembled (:func:`ppp_atlas.pdf.assembly.internal_links`); none is left in a PDF.
GOTO = "https://goto.ppp-atlas.invalid/"


def book_title(lang: str) -> str:
    return editions.translator(lang, "ppp")(config.book_metadata()["title"])


def book_authors(lang: str) -> str:
    """The book's authors as the edition names them (``ppp.po``): the title page and /Author."""
    return "; ".join(editions.translator(lang, "ppp")(a) for a in config.book_metadata()["authors"])


def short_citation(lang: str, title: str, url: str, pagename: str) -> str:
    """The chapter's short citation (title page and footer), in the edition's words as the page's
    cite box writes it (authors, "In", "version")."""
    from .. import citations

    tr = editions.translator(lang, "ppp")
    _, entry = citations.page_entry(title, url, pagename, tr)
    entry.fields["booktitle"] = book_title(lang)
    return citations.apa(entry, tr).render_as("text")


def citation_words(lang: str) -> list[str]:
    """The edition's words of the citations printed on title pages and in footers."""
    from .. import citations

    tr = editions.translator(lang, "ppp")
    return [book_authors(lang), tr(citations.WORDS["in"]), tr(citations.WORDS["version"])]


def book_citation(lang: str) -> str:
    from .. import citations

    meta = config.book_metadata()
    version = editions.translator(lang, "ppp")(citations.WORDS["version"]).format(version=meta["version"])
    return (f"{book_authors(lang)} ({meta['date'][:4]}). {book_title(lang)} "
            f"({version}). {config.site_url()}{config.site_prefix(lang)}")


_COVER_CSS = f"""
.cover {{ padding-top: 45mm; }}
.cover h1 {{ font-size: 24pt; line-height: 1.2; margin: 0 0 6mm; }}
.cover .of {{ font-size: 13pt; margin: 0 0 2mm; color: #333; }}
.cover .edition {{ font-size: 13pt; margin: 10mm 0 1mm; }}
.cover .meta {{ margin: 0 0 1mm; }}
.cover h2 {{ font-size: 12pt; margin: 14mm 0 2mm; }}
.cover .cite, .cover .licence {{ font-size: 10pt; }}
.cover a {{ color: #0b4f8a; word-break: break-all; }}
"""
_PAGE_CSS = f"""
@page {{ size: A4; }}
body {{ font-family: {FONT}; color: #1a1a1a; margin: 0; font-size: 11pt; line-height: 1.45;
        font-variant-ligatures: none; }}""" + _COVER_CSS + f""".contents h1 {{ font-size: 18pt; margin: 0 0 6mm; }}
.contents ol {{ list-style: none; margin: 0; padding: 0; }}
.contents li, .contents li a {{ display: flex; align-items: baseline; gap: 2mm; margin: 0 0 1.2mm; break-inside: avoid; }}
.contents li a {{ flex: 1 1 auto; margin: 0; color: inherit; text-decoration: none; }}
.contents li .t {{ flex: 0 1 auto; }}
.contents li .d {{ flex: 1 1 auto; border-bottom: 1px dotted #999; min-width: 6mm; }}
.contents li .n {{ flex: 0 0 auto; font-variant-numeric: tabular-nums; }}
.contents li.part {{ font-weight: bold; margin-top: 4mm; }}
.contents li.part .d {{ border: 0; }}
.contents li.l1 {{ font-weight: bold; margin-top: 1.5mm; }}
.contents li.l2 {{ padding-left: 6mm; font-size: 10pt; }}
.contents li.l3 {{ padding-left: 12mm; font-size: 9.5pt; }}
"""


def _date(lang: str, iso: str) -> str:
    return editions.full_date(iso, lang.split("-")[0])


def cover_html(lang: str, title: str | None, citation: str, url: str) -> str:
    """The title page of the book (``title`` None) or of one chapter, as a document of its own."""
    name = title or book_title(lang)
    return (f'<!DOCTYPE html><html lang="{editions.BCP47[lang]}"><head><meta charset="utf-8">'
            f'<title>{html.escape(name)}</title><style>{_PAGE_CSS}</style></head><body>'
            f'{_cover_body(lang, title, citation, url, "main")}</body></html>')


def _cover_body(lang: str, title: str | None, citation: str, url: str, tag: str) -> str:
    """A title page's content, in a ``tag`` of class ``cover``."""
    meta = config.book_metadata()
    word = words_for(lang)
    e = html.escape
    book = book_title(lang)
    edition = word("edition").replace("{language}", editions.ENDONYMS[lang])
    version = word("version").replace("{version}", meta["version"]).replace("{date}", _date(lang, meta["date"]))
    head = (f'<h1>{e(book)}</h1>' if title is None
            else f'<p class="of">{e(word("chapter_of"))} <em>{e(book)}</em></p><h1>{e(title)}</h1>')
    authors = book_authors(lang)
    return (f'<{tag} class="cover">{head}'
            f'<p class="meta">{e(authors)}</p>'
            f'<p class="edition">{e(edition)}</p><p class="meta">{e(version)}</p>'
            f'<p class="meta">{e(word("online"))}: <a href="{e(url)}">{e(url)}</a></p>'
            f'<h2>{e(word("how_to_cite"))}</h2><p class="cite">{e(citation)}</p>'
            f'<p class="licence">{e(word("licence"))}</p></{tag}>')


def contents_html(lang: str, entries: list[tuple]) -> str:
    """``entries``: ``(class, title, page number or None[, height on the page])``; class ``part``,
    ``l1``, ``l2``, ``l3``. An entry with a number is a link to its page (see :data:`GOTO`)."""
    e = html.escape
    word = words_for(lang)

    def row(cls, title, number, top=None):
        if number is None:
            return f'<li class="{cls}"><span class="t">{e(title)}</span><span class="d"></span><span class="n"></span></li>'
        href = f'{GOTO}{number - 1}/{"-" if top is None else top}'
        return (f'<li class="{cls}"><a href="{e(href)}"><span class="t">{e(title)}</span><span class="d"></span>'
                f'<span class="n">{number}</span></a></li>')

    rows = "".join(row(*entry) for entry in entries)
    return (f'<!DOCTYPE html><html lang="{editions.BCP47[lang]}"><head><meta charset="utf-8">'
            f'<title>{e(word("contents"))}</title><style>{_PAGE_CSS}</style></head><body><main class="contents">'
            f'<h1>{e(word("contents"))}</h1><ol>{rows}</ol></main></body></html>')


def cover_section(lang: str, title: str, citation: str, url: str) -> str:
    """A chapter's title page, put before the page's own content when it is printed (so that the
    chapter and its title page are one print): the cover's markup, its style scoped to it."""
    scoped = "".join(f".ppp-print-cover{rule}" for rule in (
        f" {{ font-family: {FONT}; color: #1a1a1a; font-size: 11pt; line-height: 1.45; break-after: page; }}",
        " h1, .ppp-print-cover h2, .ppp-print-cover p { font-family: inherit; color: #1a1a1a !important;"
        " letter-spacing: normal; text-transform: none; font-weight: normal; }",
        " h1, .ppp-print-cover h2 { font-weight: bold; }"))
    scoped += "".join(f".ppp-print-cover {line}\n" for line in _COVER_CSS.splitlines() if line)
    return (f'<section class="ppp-print-cover" lang="{editions.BCP47[lang]}"><style>{scoped}</style>'
            f'{_cover_body(lang, title, citation, url, "div")}</section>')


def bands_html(lang: str, bands: list[tuple[str, str, str]]) -> str:
    """A sheet of A4 pages, one per ``(book title, chapter title, citation)``: the running header
    and footer of that chapter's pages, placed where Chromium places its header and footer
    templates, stamped onto the pages during assembly (:class:`ppp_atlas.pdf.assembly._Stamper`)."""
    e = html.escape
    sheets = "".join(
        f'<div class="s"><div class="h"><span class="l">{e(left)}</span><span class="r">{e(right)}</span></div>'
        f'<div class="f"><span class="l">{e(citation)}</span></div></div>' for left, right, citation in bands)
    return (f'<!DOCTYPE html><html lang="{editions.BCP47[lang]}"><head><meta charset="utf-8"><style>'
            '@page { size: A4; margin: 0; } body { margin: 0; }'
            f'.s {{ position: relative; width: 210mm; height: 297mm; break-after: page; font-family: {FONT};'
            ' font-size: 7.5pt; line-height: 1.3; color: #444; font-variant-ligatures: none; }'
            '.h, .f { position: absolute; display: flex; justify-content: space-between; gap: 8mm; }'
            '.h { top: 5.05mm; left: 16mm; right: 15.75mm; } .f { bottom: 5.25mm; left: 16mm; right: 34mm; }'
            '.l { flex: 1 1 auto; } .r { flex: 0 0 auto; text-align: right; max-width: 45%; }'
            f'</style></head><body>{sheets}</body></html>')


def numbers_html(count: int) -> str:
    """``count`` A4 sheets, each blank but for its number where the footer leaves room."""
    sheets = "".join(f'<div class="s"><span>{n}</span></div>' for n in range(1, count + 1))
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>'
            '@page { size: A4; margin: 0; } body { margin: 0; }'
            f'.s {{ position: relative; width: 210mm; height: 297mm; break-after: page; font-family: {FONT}; }}'
            '.s span { position: absolute; right: 16mm; bottom: 8.6mm; font-size: 9pt; color: #222; }'
            f'</style></head><body>{sheets}</body></html>')
