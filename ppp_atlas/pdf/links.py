"""The site's pages and its PDFs, as links: which places of the book's pages other pages link to
(each is given a named destination when its page is printed, so that the book's links can lead
there), and the size every link to a PDF says once the PDFs exist (CLDR units). The size is not
part of what is printed: :func:`page_for_digest` leaves it out of a page's cache key."""
from __future__ import annotations

import html
import re
from pathlib import Path

from .. import config


#: What every printed page of the site does to its links (the book's pages, the teacher's guide and the
#: decks): a link into the site leads to the published address, as a PDF is read away from the site;
#: a link to a place on the same page stays. With ``mark``, a link that needs no address printed after
#: it gets ``ppp-url-in-text`` (ppp-print.css prints the address of the others): a link within the site
#: or the page, and a link that reads as its own address (a work's URL in a reference).
PUBLISHED_LINKS = """([site, mark]) => {
  const quiet = a => { if (mark) { a.classList.add("ppp-url-in-text"); } };
  for (const a of document.querySelectorAll("a[href]")) {
    const target = new URL(a.getAttribute("href"), location.href);
    if (a.textContent.trim() === a.getAttribute("href")) { quiet(a); }
    if (target.origin !== location.origin) { continue; }
    const here = target.pathname === location.pathname && target.hash;
    if (!here || !document.getElementById(decodeURIComponent(target.hash.slice(1)))) {
      a.setAttribute("href", site + target.pathname.replace(/^\\//, "") + target.hash);
    }
    quiet(a);
  }
}"""


_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"#:?]*\.html)#([^"]+)"')


def linked_places(site_root: Path, lang: str) -> dict[str, set[str]]:
    """``{docname: {id, ...}}``: the places in each page of the book that another page links to."""
    import posixpath
    from urllib.parse import unquote

    book = set(config.toc_order())
    places: dict[str, set[str]] = {}
    for doc in book:
        page = (site_root / (config.site_prefix(lang) + doc + ".html")).read_text(encoding="utf-8")
        for path, fragment in _HREF.findall(page):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(doc), path)).removesuffix(".html")
            if target in book and target != doc:
                places.setdefault(target, set()).add(html.unescape(unquote(fragment)))
    return places


#: the size a page's PDF links show (written once the PDFs exist): not part of what is printed
_SIZE = re.compile(rb'<span class="ppp-pdf-size">[^<]*</span>')


def page_for_digest(page: bytes) -> bytes:
    return _SIZE.sub(b"", page)


def size_text(size: int, lang: str) -> str:
    """A file's size as the edition writes it (CLDR units, decimal): ``6.7 MB``, ``6,7 MB``, ``6,7 МБ``."""
    from babel.units import format_unit

    value, unit = (size / 1e6, "digital-megabyte") if size >= 1e6 else (size / 1e3, "digital-kilobyte")
    return format_unit(value, unit, length="short", format="0.0", locale=lang).replace(" ", "\u00a0")


_PDF_LINK = re.compile(r'(<a\b[^>]*?\bhref="([^"]+\.pdf)"[^>]*\btype="application/pdf"[^>]*>)(.*?)(</a>)', re.S)
_SIZE_SPAN = re.compile(r'<span class="ppp-pdf-size">[^<]*</span>')


def with_sizes(page: str, page_path: Path, lang: str) -> str:
    """Every link of ``page`` (at ``page_path``, in edition ``lang``) to a PDF that exists says the file's size."""
    def sized(match):
        target = (page_path.parent / match.group(2)).resolve()
        text = _SIZE_SPAN.sub("", match.group(3))
        if not target.is_file():
            return match.group(1) + text + match.group(4)
        size = html.escape(size_text(target.stat().st_size, lang))
        return f'{match.group(1)}{text}<span class="ppp-pdf-size"> ({size})</span>{match.group(4)}'

    return _PDF_LINK.sub(sized, page)


def write_sizes(site_root: Path, languages=config.LANGUAGES) -> int:
    """Once the PDFs exist: the size of each in every link to it, in every page of the editions. Returns
    how many pages changed."""
    changed = 0
    for lang in languages:
        root = site_root / config.site_prefix(lang) if config.site_prefix(lang) else site_root
        for path in root.rglob("*.html"):
            relative = path.relative_to(site_root).parts
            if any(part.startswith("_") for part in relative) or (
                    lang == config.SOURCE_LANGUAGE and relative[0] in config.TRANSLATIONS):
                continue
            page = path.read_text(encoding="utf-8")
            if "application/pdf" not in page:
                continue
            new = with_sizes(page, path, lang)
            if new != page:
                path.write_text(new, encoding="utf-8")
                changed += 1
    return changed
