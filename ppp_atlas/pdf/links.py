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


#: The start tags and attributes through which a page loads a file (``link`` is handled apart: only
#: the links that load something, not those that name another page)
_LOADING = {"img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",), "image": ("href",),
            "use": ("href",), "video": ("poster",), "iframe": ("src",), "embed": ("src",), "object": ("data",)}
_LINK_LOADS = {"stylesheet", "preload", "modulepreload"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")


def _site_path(site_root: Path, base: str, reference: str) -> str | None:
    """The file of the site (relative to ``site_root``) that ``reference``, written in ``base``
    (a path relative to the site), names; None for another host, a ``data:`` URL or a place outside."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(reference.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = parts.path if parts.path.startswith("/") else posixpath.join(posixpath.dirname(base), parts.path)
    path = posixpath.normpath(unquote(path)).lstrip("/")
    return None if path.startswith("..") else path


def loaded_files(site_root: Path, page: str) -> list[str]:
    """The files of the site that the page ``page`` (a path relative to ``site_root``) loads as it is
    printed: its stylesheets, scripts and images, and what its stylesheets load (fonts, images).
    Sorted, relative to ``site_root``. A print depends on each of them; a URL's query (``?v=``) names
    a version only where the one who wrote it made it one, so the files themselves are what count."""
    from .. import rewriter

    found: set[str] = set()
    for tag in rewriter.parse((site_root / page).read_text(encoding="utf-8")):
        values = {a.name: a.value or "" for a in tag.attributes}
        if tag.name == "link":
            wanted = ["href"] if _LINK_LOADS & set(values.get("rel", "").lower().split()) else []
        else:
            wanted = [name for name in _LOADING.get(tag.name, ()) if name in values]
        for name in wanted:
            references = ([c.strip().split()[0] for c in values[name].split(",") if c.strip()] if name == "srcset"
                          else [values[name]])
            found.update(p for p in (_site_path(site_root, page, r) for r in references) if p)
    for sheet in [p for p in found if p.endswith(".css") and (site_root / p).is_file()]:
        text = (site_root / sheet).read_text(encoding="utf-8", errors="replace")
        found.update(p for p in (_site_path(site_root, sheet, m.group(2)) for m in _CSS_URL.finditer(text)) if p)
    return sorted(found)


def loaded_digest(site_root: Path, page: str, known: dict[str, str]) -> bytes:
    """What the page loads, for a cache key of its print: each file of :func:`loaded_files` with the
    digest of its bytes (``known`` keeps the digests of files already read), or as missing."""
    import hashlib

    lines = []
    for path in loaded_files(site_root, page):
        if path not in known:
            target = site_root / path
            known[path] = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else "missing"
        lines.append(f"{path} {known[path]}")
    return "\n".join(lines).encode()


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
