"""Print and PDF editions: the whole book and each page of ``_toc.yml``, in every edition.

Built by ``python -m ppp_atlas.build`` (``make book``) after the three editions are assembled in
``_build/html.new`` and before it replaces ``_build/html``, so a failed PDF step leaves the last
good site; ``python -m ppp_atlas.pdf`` (``make pdf``) builds them later into ``_build/html``.

1. Every page is printed by Chromium (Debian's, see :mod:`ppp_atlas.chromium`) through Playwright
   from the site served on loopback: light theme, the site's print stylesheet (``ppp-print.css``:
   no sidebars or buttons, code cells hidden, no figure split across pages, link addresses shown),
   every chart drawn first (``window.pppPrepareForPrint`` in ``ppp-page.js``, the function the
   print button calls), links into the site rewritten to the published address, the chapter's
   title page put before its content (one print for both); ``tagged=True`` and ``outline=True``.
   Several pages print at once in one browser, which then prints the front matter.
2. Each printed page is cached in ``_build/pdf-cache/`` under a digest of its HTML and of everything
   that shapes the print (stylesheets, scripts, this module): an unchanged page is not printed again.
3. :func:`assemble` joins the parts with pikepdf (qpdf): a title page (title, edition, version and
   date from ``CITATION.cff``, licence, how to cite) and, for the book, a table of contents with page
   numbers; continuous page numbers and the running header (book and chapter title) and footer (the
   chapter's short citation and URL), stamped from printed sheets (Chromium's own header and footer
   cost a tenth of the printing, and could not leave out the title page); bookmarks for every
   part, chapter and section (titles from the page, destinations from Chromium's outline); the tagged
   structure of every part merged into one (the book leaves out the chapters' title pages and
   their structure); links within a page kept (named destinations); document title and language
   set; object streams; byte for byte the same from the same parts (no timestamps, the /ID a digest
   of the content). In the book, the contents' entries and every link to a page of the book (a
   glossary term, a citation, a cross-reference) lead inside it (:func:`internal_links`): each place
   another page links to is given a named destination when its page is printed (``PREPARE``).
4. Once the PDFs exist, every link to one on the site says its size (:func:`write_sizes`, CLDR units). Each printed page is parsed once, for its chapter and for the book, and the
   three editions are assembled side by side, one process each.

Output, per edition (``<edition>/`` is empty for English, ``uz/``, ``ru/``):
``<edition>/pdf/ppp-atlas-<lang>.pdf`` (the book) and ``<edition>/pdf/<docname>.pdf`` (each page).
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import heapq
import html
import http.server
import io
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from pathlib import Path

from . import config, editions, paths
from .sphinx_pdf import PDF_DIR, WORDS, book_file, chapter_file, words_for  # noqa: F401 (names of the PDFs)

CACHE = paths.ROOT / "_build" / "pdf-cache"
STATIC = Path(__file__).parent / "static"
#: Files whose change reprints every page.
SHAPERS = [STATIC / "ppp-print.css", STATIC / "ppp-page.js", STATIC / "ppp.css",
           STATIC / "ppp-charts.js", paths.CITATION]
A4_CONTENT_PX = 673  # 210 mm less 2 x 16 mm margins, at 96 px per inch
MARGIN = {"top": "17mm", "bottom": "21mm", "left": "16mm", "right": "16mm"}
FONT = "'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif"


# --- printing -----------------------------------------------------------------------

def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()


#: Raise when a change to this module changes what a printed page looks like (reprints every page).
PRINT_VERSION = "4"
#: Assembled PDFs are rebuilt when this module changes.
ASSEMBLY = Path(__file__).read_bytes()


def shapers_digest() -> str:
    """Everything but the page that shapes its print, the printing browser's path among it (the
    headless shell and the full browser lay out the same page, but write it differently)."""
    from . import chromium

    return _digest(PRINT_VERSION.encode(), str(chromium.printer()).encode(),
                   *(p.read_bytes() for p in SHAPERS if p.exists()))


def book_title(lang: str) -> str:
    return editions.translator(lang, "ppp")(config.book_metadata()["title"])


def book_authors(lang: str) -> str:
    """The book's authors as the edition names them (``ppp.po``): the title page and /Author."""
    return "; ".join(editions.translator(lang, "ppp")(a) for a in config.book_metadata()["authors"])


def short_citation(lang: str, title: str, url: str, pagename: str) -> str:
    """The chapter's short citation (title page and footer), in the edition's words as the page's
    cite box writes it (authors, "In", "version")."""
    from . import citations

    tr = editions.translator(lang, "ppp")
    _, entry = citations.page_entry(title, url, pagename, tr)
    entry.fields["booktitle"] = book_title(lang)
    return citations.apa(entry, tr).render_as("text")


READY = """() => Array.from(document.querySelectorAll("div.ppp-plotly")).every(d => {
  const f = d.closest("figure") || d.parentNode;
  return d.querySelector(".main-svg") || (f && f.querySelector("svg, img"));
}) && Array.from(document.querySelectorAll(".ppp-static img.ppp-ink-light")).every(i => i.complete && i.naturalWidth > 0)"""

PREPARE = """async ([site, wanted]) => {
  // the places other pages of the book link to: Chromium writes a named destination for the target
  // of a link within the page, so each gets one (hidden), which the book's links then lead to
  const holder = document.createElement("div");
  holder.hidden = true;
  for (const id of wanted) {
    if (!document.getElementById(id)) { continue; }
    const a = document.createElement("a");
    a.href = "#" + id;
    holder.append(a);
  }
  document.body.append(holder);
  // links into the site lead to the published address; only links that leave the book show it
  for (const a of document.querySelectorAll("a[href]")) {
    const target = new URL(a.getAttribute("href"), location.href);
    // a link that reads as its own address (a work's URL in a reference) is not written twice
    if (a.textContent.trim() === a.getAttribute("href")) { a.classList.add("ppp-url-in-text"); }
    if (target.origin !== location.origin) { continue; }
    if (target.pathname === location.pathname && target.hash) { a.classList.add("ppp-url-in-text"); continue; }
    a.setAttribute("href", site + target.pathname.replace(/^\\//, "") + target.hash);
    a.classList.add("ppp-url-in-text");
  }
  const drawn = window.pppPrepareForPrint ? await window.pppPrepareForPrint() : 0;
  await document.fonts.ready;
  const text = h => { const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach(x => x.remove());
                      return c.textContent.replace(/\\s+/g, " ").trim(); };
  const headings = Array.from(document.querySelectorAll(".bd-article h1, .bd-article h2, .bd-article h3"))
    .filter(h => (h.offsetParent !== null || h.getClientRects().length) && !h.closest(".ppp-cite-box"))
    .map(h => [Number(h.tagName[1]), text(h)]);
  const h1 = document.querySelector(".bd-article h1");
  return {title: h1 ? text(h1) : document.title, headings: headings, drawn: drawn,
          charts: document.querySelectorAll("div.ppp-plotly").length};
}"""


INSERT_COVER = """(markup) => {
  const t = document.createElement("template");
  t.innerHTML = markup;
  document.body.prepend(t.content);
  return document.fonts.ready.then(() => true);
}"""


class _Browser:
    """One Chromium for the whole PDF step (pages, title pages, contents, sheets), started when the
    first thing is to be printed, with a few tabs printing one document after another: opening a
    tab costs about as much as loading a page in it, and a tab keeps the site's parsed styles and
    scripts."""

    def __init__(self, site_root: Path, tabs: int):
        self.site_root, self.tab_count = site_root, max(1, tabs)
        self._lock, self.free, self.waiting, self._order = asyncio.Lock(), None, [], 0
        self._server = self._playwright = self._browser = None

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):  # whatever was started, also after a failure midway
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        if self._server is not None:
            self._server.__exit__(None, None, None)

    async def _take(self, priority: int):
        """A free tab; while none is free, the waiter of lowest ``priority`` (then the earliest)
        gets the next one, so that an edition's front matter goes before the next edition's pages."""
        async with self._lock:
            if self.free is None:
                from playwright.async_api import async_playwright

                from . import chromium

                self._server = LoopbackServer(self.site_root)
                self.base = self._server.__enter__()
                self._playwright = await async_playwright().start()
                browser = self._browser = await chromium.launch(self._playwright, executable_path=chromium.printer())
                context = await browser.new_context(viewport={"width": A4_CONTENT_PX, "height": 1000},
                                                    color_scheme="light", bypass_csp=True, reduced_motion="reduce")
                await context.add_init_script("try { localStorage.setItem('mode', 'light'); "
                                              "localStorage.setItem('theme', 'light'); } catch (e) {}")
                tabs = []
                for _ in range(self.tab_count):
                    tab = await context.new_page()
                    await tab.emulate_media(media="print", color_scheme="light")
                    tabs.append(tab)
                self.free = tabs
        if self.free and not self.waiting:
            return self.free.pop()
        waiter = asyncio.get_running_loop().create_future()
        self._order += 1
        heapq.heappush(self.waiting, (priority, self._order, waiter))
        return await waiter

    def _give(self, tab) -> None:
        while self.waiting:
            _, _, waiter = heapq.heappop(self.waiting)
            if not waiter.done():
                waiter.set_result(tab)
                return
        self.free.append(tab)

    async def page(self, job: dict) -> dict:
        """Print one page of the site, its title page first: the PDF, the page's title and
        headings, its short citation and how many charts it has."""
        tab = await self._take(job.get("priority", 1))
        try:
            await tab.goto(self.base + "/" + job["path"], wait_until="load")
            info = await tab.evaluate(PREPARE, [config.site_url(), job.get("wanted", [])])
            citation = short_citation(job["lang"], info["title"], job["public_url"], job["docname"])
            await tab.evaluate(INSERT_COVER, cover_section(job["lang"], info["title"], citation, job["public_url"]))
            # checked every 20 ms, not on animation frames: a tab that is not in front gets few of
            # them, and page.pdf() lays the page out for print itself
            await tab.wait_for_function(READY, timeout=60000, polling=20)
            # no header or footer from Chromium: they are stamped during assembly, and the title
            # page has none
            data = await tab.pdf(format="A4", print_background=True, tagged=True, outline=True, margin=MARGIN)
        finally:
            self._give(tab)
        return {"pdf": data, "title": info["title"], "headings": info["headings"], "citation": citation,
                "charts": info["charts"]}

    async def html(self, markup: str, tagged: bool = True) -> bytes:
        """Print a document of its own (a title page, the contents; untagged: a sheet to stamp)."""
        tab = await self._take(0)
        try:
            await tab.set_content(markup, wait_until="load")
            await tab.evaluate("() => document.fonts.ready.then(() => true)")
            return await tab.pdf(format="A4", print_background=True, tagged=tagged, outline=False,
                                 margin=MARGIN if tagged else {"top": "0", "bottom": "0", "left": "0", "right": "0"})
        finally:
            self._give(tab)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder's files without a log line per request."""

    def log_message(self, *args):
        pass


class LoopbackServer(http.server.ThreadingHTTPServer):
    """``directory`` served on loopback from a thread of its own while the ``with`` block runs,
    which is given the base URL (the printing, and the browser tests, use it). Says nothing when
    a browser drops a connection: a tab that moved on mid-download."""

    def __init__(self, directory: Path, handler: type = QuietHandler):
        super().__init__(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __enter__(self) -> str:
        import threading

        threading.Thread(target=self.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


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


async def print_pages(browser: _Browser, site_root: Path, languages=config.LANGUAGES,
                      priority: int = 1) -> dict:
    """Print every page of every edition whose digest is not yet in the cache (each with its title
    page first). Returns ``{(lang, docname): cache record}`` with ``pdf`` (path) and ``meta`` (title,
    headings and their pages, counted from the page after the title page)."""
    import pikepdf

    shapers = shapers_digest()
    records, jobs = {}, []
    for lang in languages:
        # the title page's words and the book's metadata are printed with every page
        cover_words = json.dumps([words_for(lang)(key) for key in sorted(WORDS)] + _citation_words(lang),
                                 ensure_ascii=False).encode()
        wanted = linked_places(site_root, lang)
        for doc in config.toc_order():
            relative = config.site_prefix(lang) + doc + ".html"
            source = site_root / relative
            places = sorted(wanted.get(doc, ()))
            key = _digest(page_for_digest(source.read_bytes()), shapers.encode(), lang.encode(), doc.encode(),
                          cover_words, json.dumps(places).encode())[:24]
            target = CACHE / "pages" / lang / f"{doc}.{key}.pdf"
            records[(lang, doc)] = {"key": key, "pdf": target, "meta": target.with_suffix(".json")}
            if not (target.exists() and target.with_suffix(".json").exists()):
                jobs.append({"key": key, "lang": lang, "docname": doc, "path": relative, "wanted": places,
                             "public_url": config.site_url() + relative, "priority": priority})
    # the longest pages first, so that no long page is left printing alone at the end
    order = sorted(jobs, key=lambda job: (-(site_root / job["path"]).stat().st_size, job["path"]))
    printed = dict(zip((job["key"] for job in order), await asyncio.gather(*(browser.page(job) for job in order))))
    for job in jobs:
        record, result = records[(job["lang"], job["docname"])], printed[job["key"]]
        record["pdf"].parent.mkdir(parents=True, exist_ok=True)
        for stale in record["pdf"].parent.glob(f"{Path(job['docname']).name}.*"):
            stale.unlink()
        record["pdf"].write_bytes(result["pdf"])
        meta = {k: v for k, v in result.items() if k != "pdf"}
        with pikepdf.open(io.BytesIO(result["pdf"])) as printed_pdf:
            meta["pages"] = len(printed_pdf.pages) - 1  # less the title page
            meta["marks"] = headings_with_pages(printed_pdf, result["headings"])
        record["meta"].write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return {k: dict(v, printed=v["key"] in printed) for k, v in records.items()}


# --- title page, contents, page numbers ----------------------------------------------

#: The title page's own rules (the standalone one and the one put before a chapter).
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
    templates, stamped onto the pages during assembly (:class:`_Stamper`)."""
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


# --- assembling ------------------------------------------------------------------------

def _outline_items(pdf) -> list[tuple[int, str, int, float | None]]:
    """Chromium's outline (of a pikepdf ``Pdf``), flattened: ``(level, title, page index, top)``."""
    import pikepdf

    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    named = pdf.Root.get("/Dests")
    tree = pdf.Root.get("/Names", {}).get("/Dests") if "/Names" in pdf.Root else None
    items = []

    def target(item):
        dest = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
            dest = item.action.get("/D")
        if isinstance(dest, pikepdf.Name):  # named: in the catalog's /Dests or its /Names tree
            dest = named.get(dest) if named is not None else None
        elif isinstance(dest, pikepdf.String):
            dest = pikepdf.NameTree(tree).get(str(dest)) if tree is not None else None
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        return dest if isinstance(dest, pikepdf.Array) and len(dest) else None

    def walk(nodes_, level):
        for node in nodes_:
            dest = target(node)
            page = pages.get(dest[0].objgen) if dest is not None and isinstance(dest[0], pikepdf.Dictionary) else None
            if page is not None:  # else a destination Chromium could not resolve
                top = dest[3] if len(dest) > 3 and dest[1] == pikepdf.Name.XYZ else None
                items.append((level, str(node.title), page, float(top) if top is not None else None))
            walk(node.children, level + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return items


def headings_with_pages(pdf, headings: list[list]) -> list[tuple[int, str, int, float | None]]:
    """The page's own headings (level, text) with the page (counted from the page after the title
    page, whose headings are left out) and height Chromium's outline gives them. Chromium drops the
    space where a heading wraps, so titles are matched without spaces."""
    outline = [(level, text, page - 1, top) for level, text, page, top in _outline_items(pdf) if page >= 1]
    squash = lambda s: "".join(s.split()).lower()  # noqa: E731
    result, start = [], 0
    for level, text in headings:
        for i in range(start, len(outline)):
            if squash(outline[i][1]) == squash(text):
                result.append([level, text, outline[i][2], outline[i][3]])
                start = i + 1
                break
        else:  # a heading Chromium left out of its outline: the page of the next one found
            result.append([level, text, None, None])
    following = len(pdf.pages) - 2
    for item in reversed(result):
        if item[2] is None:
            item[2] = following
        following = item[2]
    return [tuple(item) for item in result]


#: Stands for the one ``/Document`` of an assembled file while a part is being prepared.
_DOCUMENT = object()


def _items(value) -> list:
    """A ``/K`` (or similar) entry as a list of its items."""
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _nums(tree) -> list:
    """A number tree's ``/Nums``, flattened over its ``/Kids``: ``[key, value, key, value, ...]``."""
    out = list(tree.get("/Nums", ()))
    for kid in tree.get("/Kids", ()):
        out += _nums(kid)
    return out


class _Unwrap:
    """Readies a part's structure elements (in place, in the part's own file) to be copied: each
    kept element's parent link set (left out under the ``/Document``, set in the assembled file),
    its children readied in turn. A ``/NonStruct`` that only groups other elements is dropped and
    its children take its place, and one that only wraps marked content becomes marked-content
    references (Chromium writes hundreds of them, about half the size of a tagged page).
    ``dropped`` maps a dropped element (its object number) to the element that now holds its
    content, for the parent tree. Every pikepdf call costs about a microsecond, and a book has
    some 30,000 elements: hence the few calls per element."""

    def __init__(self, pdf):
        import pikepdf

        self.pdf, self.dropped = pdf, {}
        self.Array, self.Dictionary = pikepdf.Array, pikepdf.Dictionary
        self.nonstruct, self.mcr = pikepdf.Name.NonStruct, pikepdf.Name.MCR

    def __call__(self, node, parent) -> list:
        """What takes the place of ``node`` in its parent's ``/K``."""
        if type(node) is int or not isinstance(node, self.Dictionary):
            return [node]
        s = node.get("/S")
        if s is None:  # a marked-content or object reference
            return [node]
        kids = node.get("/K")
        many = isinstance(kids, self.Array)
        kid_list = list(kids) if many else ([] if kids is None else [kids])
        if kid_list and s == self.nonstruct:
            if all(type(k) is int for k in kid_list):
                page = node.get("/Pg")
                if page is not None:
                    if node.is_indirect:
                        self.dropped[node.objgen] = parent
                    mcr = self.mcr
                    return [self.Dictionary({"/Type": mcr, "/Pg": page, "/MCID": k}) for k in kid_list]
            elif all(type(k) is not int and isinstance(k, self.Dictionary) and k.is_indirect and "/S" in k
                     for k in kid_list):
                if node.is_indirect:
                    self.dropped[node.objgen] = parent
                out = []
                for kid in kid_list:
                    out += self(kid, parent)
                return out
        if not node.is_indirect:
            node = self.pdf.make_indirect(node)
        if parent is _DOCUMENT:
            if "/P" in node:
                del node["/P"]
        else:
            node["/P"] = parent
        if "/Type" in node:
            del node["/Type"]
        if kids is not None:
            children = []
            for kid in kid_list:
                children += self(kid, node)
            if len(children) != len(kid_list) or any(c is not k for c, k in zip(children, kid_list)):
                node["/K"] = self.Array(children) if many or len(children) != 1 else children[0]
        return [node]


class _TitlePage:
    """Takes a chapter's title page (the first page of its print) out of the front of the page's
    structure tree: the elements wholly on that page, and the marked content on it of elements
    that go on (the page's body), which becomes marked-content references. The title page comes
    first in the page, so what is on it is a prefix of the tree in reading order."""

    def __init__(self, page):
        import pikepdf

        self.page, self.first = page, page.objgen
        self.inside: set = set()  # the elements taken (and all under them)
        self.marked = 0  # how many marked-content items were taken
        self.Dictionary, self.Array, self.mcr = pikepdf.Dictionary, pikepdf.Array, pikepdf.Name.MCR

    def _element(self, kid) -> bool:
        return type(kid) is not int and isinstance(kid, self.Dictionary) and "/S" in kid

    def _page(self, kid, page):
        if type(kid) is int:
            return page
        own = kid.get("/Pg")
        return own.objgen if own is not None else page

    def _whole(self, node, page) -> bool:
        page = self._page(node, page)
        for kid in _items(node.get("/K")):
            if not (self._whole(kid, page) if self._element(kid) else self._page(kid, page) == self.first):
                return False
        return True

    def _note(self, node, page) -> None:
        self.inside.add(node.objgen)
        page = self._page(node, page)
        for kid in _items(node.get("/K")):
            if self._element(kid):
                self._note(kid, page)
            elif type(kid) is int or kid.get("/Type") == self.mcr:
                self.marked += 1

    def split(self, kids: list, page=None) -> tuple[list, list]:
        """``(taken, rest)`` of ``kids``, the children of one element."""
        taken = []
        for i, kid in enumerate(kids):
            if self._element(kid):
                if self._whole(kid, page):
                    self._note(kid, page)
                    taken.append(kid)
                    continue
                inner = self._page(kid, page)
                before = kid.get("/K")
                sub_taken, sub_rest = self.split(_items(before), inner)
                if sub_taken:
                    taken += sub_taken
                    if inner == self.first and any(type(k) is int for k in sub_rest):
                        raise ValueError("a title page's element has marked content on later pages")
                    kid.K = (self.Array(sub_rest) if isinstance(before, self.Array) or len(sub_rest) != 1
                             else sub_rest[0])
                    if "/Pg" in kid and kid.Pg.objgen == self.first:  # its content is on later pages now
                        del kid["/Pg"]
                return taken, kids[i:]
            if self._page(kid, page) != self.first:
                return taken, kids[i:]
            if type(kid) is int:
                kid = self.Dictionary({"/Type": self.mcr, "/Pg": self.page, "/MCID": kid})
            if kid.get("/Type") == self.mcr:
                self.marked += 1
            taken.append(kid)
        return taken, []


class Part:
    """One printed PDF, parsed once (by qpdf, through pikepdf) and readied once to be joined into
    any number of assembled files (its chapter's and the book): its structure tree unwrapped and
    cut loose from its own root, its parent tree mapped onto the elements kept, its named
    destinations renamed after ``name`` (so that the parts' names cannot clash), and everything
    the assembled file copies from it besides the pages gathered in one array (``carry``): qpdf
    keeps one map of copied objects per source, so the pages and the structure copied later
    share their copies. With ``title_page``, the first page is a title page that the chapter's
    PDF keeps and the book leaves out: its structure and parent-tree entries are kept apart
    (``title_carry``), so that the book copies nothing of it."""

    def __init__(self, data: bytes, name: str = "", title_page: bool = False):
        import pikepdf

        self.digest = hashlib.sha256(data).digest()
        self.pdf = pikepdf.open(io.BytesIO(data))
        self.name = name
        self.title_page = title_page
        self.carry = None

    def ready(self) -> "Part":
        import pikepdf

        if self.carry is not None:
            return self
        pdf = self.pdf
        part_max = -1
        source_dests = pdf.Root.get("/Dests")
        dests: dict[str, object] = {}
        prefix = "/" + self.name.replace("/", "~") + "~" if self.name else "/"
        first = pdf.pages[0].obj if self.title_page else None
        title_keys = set()
        # every named destination (those the page's own links use, and those of the places other
        # pages link to), renamed after the part
        for name in sorted(source_dests.keys()) if source_dests is not None else ():
            dests[prefix + name[1:]] = source_dests[name]
        for page in pdf.pages:
            obj = page.obj
            on_title_page = first is not None and obj.objgen == first.objgen
            if "/StructParents" in obj:
                part_max = max(part_max, int(obj.StructParents))
                if on_title_page:
                    title_keys.add(int(obj.StructParents))
            for annot in obj.get("/Annots", ()):
                if "/StructParent" in annot:
                    part_max = max(part_max, int(annot.StructParent))
                    if on_title_page:
                        title_keys.add(int(annot.StructParent))
                dest = annot.get("/Dest")
                if isinstance(dest, pikepdf.Name) and source_dests is not None and dest in source_dests:
                    annot.Dest = pikepdf.Name(prefix + str(dest)[1:])
        top, title_top, values, keys, title_values, title_keys_kept = [], [], [], [], [], []
        at_document, title_at_document = [], []
        role_map = None
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            role_map = root.get("/RoleMap")
            unwrap = _Unwrap(pdf)
            dropped = unwrap.dropped
            kids = []
            for kid in _items(root.get("/K")):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document":  # one for the file
                    if kid.is_indirect:
                        dropped[kid.objgen] = _DOCUMENT
                    kids += _items(kid.get("/K"))
                else:
                    kids.append(kid)
            taken = []
            if first is not None:
                cut = _TitlePage(first)
                taken, kids = cut.split(kids)
            for child in kids:
                top += unwrap(child, _DOCUMENT)
            for child in taken:
                title_top += unwrap(child, _DOCUMENT)
            entries = _nums(root.ParentTree) if "/ParentTree" in root else []

            def mapped(item, where, title, sink):
                if isinstance(item, pikepdf.Dictionary) and item.is_indirect:
                    objgen = item.objgen
                    if objgen in dropped:
                        item = dropped[objgen]
                        objgen = item.objgen if item is not _DOCUMENT else None
                    # on the title page, marked content of an element that goes on is now the document's
                    if item is _DOCUMENT or (title and objgen not in cut.inside):
                        sink.append(where)
                        return None
                return item

            for i in range(0, len(entries), 2):
                key, value = int(entries[i]), entries[i + 1]
                part_max = max(part_max, key)
                title = key in title_keys
                kept_keys, kept_values, sink = ((title_keys_kept, title_values, title_at_document) if title
                                                else (keys, values, at_document))
                kept_keys.append(key)
                index = len(kept_keys) - 1
                if isinstance(value, pikepdf.Array):
                    if title and len(value) != cut.marked:
                        raise ValueError(f"{self.name}: the title page's structure is not at the front of the "
                                         f"page's ({len(value)} marked items on the page, {cut.marked} taken)")
                    kept_values.append(pikepdf.Array([mapped(v, (index, j), title, sink) for j, v in enumerate(value)]))
                else:
                    kept_values.append(mapped(value, (index, None), title, sink))
            if "/ParentTreeNextKey" in root:
                part_max = max(part_max, int(root.ParentTreeNextKey) - 1)
        self.span = part_max + 1
        self.keys, self.at_document, self.dest_names = keys, at_document, list(dests)
        self.title_keys, self.title_at_document = title_keys_kept, title_at_document
        self.has_roles = role_map is not None
        self.top_count, self.title_top_count = len(top), len(title_top)
        self.carry = pdf.make_indirect(pikepdf.Array(
            top + values + list(dests.values()) + ([role_map] if role_map is not None else [])))
        self.title_carry = pdf.make_indirect(pikepdf.Array(title_top + title_values))
        return self


class Sheet:
    """A printed sheet (untagged) whose pages are drawn onto other pages: the page numbers, the
    running headers and footers. Read once; for each page, its drawing (resources renamed after
    ``prefix``, so that two sheets' names cannot clash; marked as a pagination artifact, outside
    the tagged content) and the resources it needs."""

    def __init__(self, data: bytes, prefix: str = "PPP"):
        import pikepdf

        self.pdf = pikepdf.open(io.BytesIO(data))
        self.pages = list(self.pdf.pages)
        self.prefix = prefix
        self._prepared: dict[int, tuple[bytes, dict]] = {}

    def __len__(self) -> int:
        return len(self.pages)

    def drawing(self, index: int) -> tuple[bytes, dict]:
        """Page ``index`` (from 0) of the sheet."""
        import re

        import pikepdf

        if index not in self._prepared:
            source = self.pages[index].obj
            contents = source.Contents
            data = (b"".join(s.read_bytes() for s in contents) if isinstance(contents, pikepdf.Array)
                    else contents.read_bytes())
            resources = source.Resources
            names = {}
            for kind in ("/Font", "/ExtGState", "/XObject"):
                group = resources.get(kind)
                for name in sorted(group.keys()) if group is not None else ():
                    value = group[name]
                    if not value.is_indirect:  # only an indirect object can be copied to another file
                        value = group[name] = self.pdf.make_indirect(value)
                    names[(kind, name)] = (f"/{self.prefix}{name[1:]}", value)
            for (kind, name), (new_name, _) in names.items():
                data = re.sub(re.escape(name.encode()) + rb"(?=[\s/\[<(])", new_name.encode(), data)
            data = b"/Artifact <</Type /Pagination>> BDC\nq\n" + data + b"\nQ\nEMC\n"
            self._prepared[index] = (data, names)
        return self._prepared[index]

    def number(self, number: int) -> tuple[bytes, dict]:
        """The drawing of page number ``number`` (a sheet of numbers counts from 1)."""
        return self.drawing(number - 1)


class _Stamper:
    """Drawings from printed sheets (page number, running header and footer) drawn on a page by
    adding two small content streams around the page's own: no page content is parsed or
    rewritten."""

    def __init__(self, pdf):
        import pikepdf

        self.pdf = pdf
        self.opening = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))

    def stamp(self, page, drawings: list) -> None:
        import pikepdf

        if not drawings:
            return
        mine = page.Resources
        for _, names in drawings:
            for (kind, _), (new_name, ref) in names.items():
                if kind not in mine:
                    mine[kind] = pikepdf.Dictionary()
                group = mine[kind]
                if new_name not in group:
                    group[new_name] = self.pdf.copy_foreign(ref)  # qpdf copies each object once
        contents = page.get("/Contents")
        existing = list(contents) if isinstance(contents, pikepdf.Array) else ([] if contents is None else [contents])
        page.Contents = pikepdf.Array([self.opening, *existing,
                                       pikepdf.Stream(self.pdf, b"Q\n" + b"".join(data for data, _ in drawings))])


#: The contents' links are printed as addresses under this reserved name (``<page index>/<top>``), made
#: links to the book's own pages when it is assembled (:func:`internal_links`); none is left in a PDF.
GOTO = "https://goto.ppp-atlas.invalid/"


def internal_links(pdf, site: str, starts: dict[str, int], dest_names: set[str],
                   firsts: dict[str, int] | None = None) -> None:
    """Links to another page of the site that this PDF holds (``site`` is the edition's address) lead
    into the PDF: to the place's named destination when the page has one (see ``PREPARE``), else to
    the top of the page; the contents' links (:data:`GOTO`) to their page and height. A page's links
    to itself (from its title page too: ``firsts``, each part's first page) stay as they are: its
    stable address and its charts' citations name the website."""
    from urllib.parse import unquote

    from pikepdf import Array, Name

    order = sorted((firsts or starts).items(), key=lambda item: item[1])
    for number, page in enumerate(pdf.pages):
        owner = next((name for name, first in reversed(order) if first <= number), None)
        for annot in page.obj.get("/Annots", ()):
            action = annot.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri, dest = str(action.get("/URI")), None
            if uri.startswith(GOTO):
                index, _, top = uri[len(GOTO):].partition("/")
                dest = Array([pdf.pages[int(index)].obj, Name.XYZ, None, None if top in ("", "-") else float(top), None])
            elif uri.startswith(site):
                path, _, fragment = uri[len(site):].partition("#")
                doc = unquote(path).removesuffix(".html")
                if doc in starts and doc != owner:
                    name = "/" + doc.replace("/", "~") + "~" + unquote(fragment)
                    dest = (Name(name) if fragment and name in dest_names
                            else Array([pdf.pages[starts[doc]].obj, Name.XYZ, None, None, None]))
            if dest is not None:
                del annot["/A"]
                annot.Dest = dest


def assemble(parts: list, *, lang: str, title: str, outline: list, number_from: int | None,
             numbers: Sheet, date: str, title_pages: bool = True, bands: Sheet | None = None,
             band_of: list | None = None, site: str | None = None) -> bytes:
    """Join PDFs (:class:`Part`, or the bytes of one) into one: tagged structures merged (the
    parts' title pages kept or, with ``title_pages`` False, left out), page numbers stamped from
    the sheet of numbers ``numbers`` (starting at ``number_from`` on the second page; None: no
    numbers), the running header and footer of page ``i`` from page ``band_of[i]`` of the sheet
    ``bands`` (None: none), bookmarks from ``outline`` (``(level, title, page index, top)``,
    levels from 1), metadata set; with ``site`` (the edition's address), links to the pages it holds
    lead into it (:func:`internal_links`). The same parts give the same bytes."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    parts = [p if isinstance(p, Part) else Part(p) for p in parts]
    pdf = pikepdf.new()
    structure_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(S=Name.Document, Lang=String(editions.BCP47[lang]),
                                            P=structure_root))
    top_kids, nums, dests, next_key, role_map, named = [], [], {}, 0, None, 0
    starts: dict[str, int] = {}  # each page's first page (after its title page) in the assembled file
    firsts: dict[str, int] = {}  # and its title page, where it has one

    def join(carry_array, top_count, keys, at_document) -> list:
        """Copy one carry array: its top elements join the document, its parent-tree values
        join ``nums``; returns what follows them."""
        nonlocal named
        carry = list(pdf.copy_foreign(carry_array))
        named += _number_structure_ids(Array(carry[:top_count]), named + 1)
        for kid in carry[:top_count]:
            if isinstance(kid, Dictionary) and "/S" in kid:
                kid.P = document
        top_kids.extend(carry[:top_count])
        values = carry[top_count:top_count + len(keys)]
        for index, position in at_document:
            if position is None:
                values[index] = document
            else:
                values[index][position] = document
        for key, value in zip(keys, values):
            nums.extend([key + next_key, value])
        return carry[top_count + len(keys):]

    for part in parts:
        part.ready()
        start = len(pdf.pages)
        with_title = part.title_page and title_pages
        if part.name:
            starts[part.name] = start + (1 if with_title else 0)
            firsts[part.name] = start
        for page in part.pdf.pages[0 if with_title or not part.title_page else 1:]:
            pdf.pages.append(page)  # pages first: the structure copied next refers to these copies
            # (named destinations are carried by the part, renamed)
        if next_key:
            for page in pdf.pages[start:]:
                obj = page.obj
                if "/StructParents" in obj:
                    obj.StructParents = int(obj.StructParents) + next_key
                for annot in obj.get("/Annots", ()):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + next_key
        if with_title:  # the title page's structure, then the page's
            join(part.title_carry, part.title_top_count, part.title_keys, part.title_at_document)
        rest = join(part.carry, part.top_count, part.keys, part.at_document)
        dests.update(zip(part.dest_names, rest))
        if part.has_roles and role_map is None:
            role_map = rest[len(part.dest_names)]
        next_key += part.span
    document.K = Array(top_kids)
    structure_root.K = document
    pairs = sorted(zip(nums[::2], nums[1::2]), key=lambda pair: pair[0])  # a number tree is in key order
    structure_root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([x for pair in pairs for x in pair])))
    structure_root.ParentTreeNextKey = next_key
    if role_map is not None:
        structure_root.RoleMap = role_map
    catalog = pdf.Root
    catalog.StructTreeRoot = structure_root
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.Lang = String(editions.BCP47[lang])
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if dests:
        catalog.Dests = pdf.make_indirect(Dictionary({name: dests[name] for name in sorted(dests)}))
    if site is not None:
        internal_links(pdf, site, starts, {str(name) for name in dests}, firsts)
    stamper = _Stamper(pdf)
    for index, page in enumerate(pdf.pages):
        drawings = []
        if bands is not None and band_of is not None and band_of[index] is not None:
            drawings.append(bands.drawing(band_of[index]))
        if number_from is not None and index >= 1:
            drawings.append(numbers.number(number_from + index - 1))
        stamper.stamp(page.obj, drawings)
    with pdf.open_outline() as tree:
        parents: dict[int, object] = {}
        for level, text, page_index, top in outline:
            page = pdf.pages[page_index].obj
            destination = (Array([page, Name.XYZ, None, top, None]) if top is not None
                           else Array([page, Name.Fit]))
            item = pikepdf.OutlineItem(text, destination)
            parent = parents.get(level - 1) if level > 1 else None
            (parent.children if parent is not None else tree.root).append(item)
            parents[level] = item
            for deeper in [k for k in parents if k > level]:
                del parents[deeper]
    catalog.PageMode = Name.UseOutlines
    stamp = "D:" + date.replace("-", "") + "000000Z"
    pdf.trailer.Info = pdf.make_indirect(Dictionary(
        Title=String(title), Author=String(book_authors(lang)),
        Subject=String(book_title(lang)), Creator=String("ppp_atlas.pdf (Chromium, qpdf)"),
        Producer=String(f"pikepdf {pikepdf.__version__} (qpdf {pikepdf.__libqpdf_version__})"),
        CreationDate=String(stamp), ModDate=String(stamp)))
    out = io.BytesIO()
    # no timestamps anywhere; the /ID is a digest of the file's own content
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return out.getvalue()


def _number_structure_ids(roots, first: int = 1) -> int:
    """Chromium names each structure element after its DOM node (``/ID (node00002181)``), a number
    that depends on what the tab printed before: the elements under ``roots`` (one printed part's
    structure) are renamed in document order from ``first`` on, so that the same pages give the same
    bytes whichever tab printed them. A table cell names its header cells by these names
    (``/A << /Headers [(node00002181)] >>``): renamed alike, within the part (two parts printed in
    different tabs may use the same number). Returns how many were renamed."""
    from pikepdf import Array, Dictionary, String

    elements, stack, seen = [], [roots], set()
    while stack:  # every structure element, in document order
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        elements.append(node)
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    names = {}
    for node in elements:
        if "/ID" in node:
            names[bytes(node.ID)] = String(f"node{first + len(names):08d}")
            node.ID = names[bytes(node.ID)]
    for node in elements:
        attributes = node.get("/A")
        for attribute in (attributes if isinstance(attributes, Array) else [attributes]):
            if isinstance(attribute, Dictionary) and isinstance(attribute.get("/Headers"), Array):
                attribute.Headers = Array([names.get(bytes(h), h) for h in attribute.Headers])
    return len(names)


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def build(site_root: Path, languages=config.LANGUAGES, jobs_at_once: int = 3) -> dict:
    """Print what changed and write every edition's PDFs into ``site_root``. Returns a summary."""
    from concurrent.futures import ProcessPoolExecutor

    started = time.time()
    # an edition is assembled (in a process of its own: qpdf is quick, the Python between its calls
    # is what takes the time) as soon as its pages and front matter are printed, while the browser
    # prints the next edition
    workers = min(int(os.environ.get("PPP_PDF_WORKERS", "3")), len(languages), os.cpu_count() or 1)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else None
    if pool is not None:  # all its workers forked now, before the browser's and the server's threads exist
        pool.submit(int).result()
    try:
        summary = asyncio.run(_print_and_assemble(site_root, languages, jobs_at_once, pool))
    finally:
        if pool is not None:
            pool.shutdown()
    summary["seconds"] = round(time.time() - started, 1)
    summary["assembly_seconds"] = round(time.time() - summary.pop("printed_at"), 1)
    return summary


async def _print_and_assemble(site_root: Path, languages, jobs_at_once: int, pool) -> dict:
    """In one browser, each edition in turn: its pages (each with its title page), then its front
    matter (the book's title page and contents, the sheets of running headers and of page
    numbers) unless the same was printed before; then its assembly, while the next one prints."""
    meta = config.book_metadata()
    shapers = shapers_digest()
    summary: dict = {"printed": 0, "pages": 0, "editions": {}, "printed_at": time.time()}
    loop = asyncio.get_running_loop()

    async def edition(browser, lang: str, priority: int) -> dict:
        records = await print_pages(browser, site_root, [lang], priority)
        summary["printed"] += sum(1 for r in records.values() if r["printed"])
        summary["pages"] += len(records)
        raw = {k: r["pdf"].read_bytes() for k, r in records.items()}
        info = {k: json.loads(r["meta"].read_text(encoding="utf-8")) for k, r in records.items()}
        front = await _front_matter(browser, lang, raw, info, shapers)
        summary["printed_at"] = time.time()
        args = (site_root, lang, raw, info, front, meta, shapers)
        if pool is None:
            return _edition(*args)
        return await loop.run_in_executor(pool, _edition, *args)

    async with _Browser(site_root, jobs_at_once) as browser:
        done = await asyncio.gather(*(edition(browser, lang, 1 + i) for i, lang in enumerate(languages)))
    summary["editions"] = dict(zip(languages, done))
    return summary


async def _front_matter(browser: _Browser, lang: str, raw: dict, info: dict, shapers: str) -> dict:
    """One edition's title page, contents and sheets (running headers, page numbers), printed or
    taken from the cache: ``{name: PDF bytes}``."""
    lengths = {k: i["pages"] for k, i in info.items()}
    book = book_title(lang)
    bands = [(book, words_for(lang)("contents"), _book_citation(lang))]
    bands += [(book, info[(lang, doc)]["title"], info[(lang, doc)]["citation"]) for doc in config.toc_order()]
    entries, _ = _book_plan(lang, raw, info, 1)
    guess = max(1, -(-len(entries) // 40))  # the contents, twice if need be: once to learn their length
    pages = sum(lengths[(lang, d)] for d in config.toc_order())
    fronts = [{"key": "cover", "html": cover_html(lang, None, _book_citation(lang), config.site_url() + config.site_prefix(lang))},
              {"key": "bands", "html": bands_html(lang, bands), "tagged": False},
              {"key": "contents", "html": contents_html(lang, _book_plan(lang, raw, info, guess)[0])},
              {"key": "numbers", "html": numbers_html(2 + guess + pages + 12), "tagged": False}]
    key = _digest(json.dumps([[f["html"], f.get("tagged", True)] for f in fronts], ensure_ascii=False).encode(),
                  shapers.encode())[:24]
    cache = CACHE / "front" / f"{lang}.{key}.json"
    if cache.exists():
        return {k: bytes.fromhex(v) for k, v in json.loads(cache.read_text()).items()}
    done = await asyncio.gather(*(browser.html(f["html"], f.get("tagged", True)) for f in fronts))
    front = {f["key"]: data for f, data in zip(fronts, done)}
    for _ in range(3):  # the contents took more (or fewer) pages than guessed: print them again
        pages_now = _page_count(front["contents"])
        if pages_now == guess:
            break
        guess = pages_now
        front["contents"] = await browser.html(contents_html(lang, _book_plan(lang, raw, info, guess)[0]))
    if _page_count(front["numbers"]) < 1 + guess + pages:
        raise ValueError(f"{lang}: the sheet of page numbers is shorter than the book")
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob(f"{lang}.*.json"):
        old.unlink()
    cache.write_text(json.dumps({k: v.hex() for k, v in front.items()}))
    return front


def _edition(site_root: Path, lang: str, raw: dict, info: dict, front: dict, meta: dict, shapers: str) -> dict:
    """One edition's PDFs, each page parsed once for its chapter and once for the book (without
    its title page); what is in the cache already is copied from there."""
    lengths = {k: i["pages"] for k, i in info.items()}
    numbers = Sheet(front["numbers"], "PPN")
    bands = Sheet(front["bands"], "PPB")
    band_index = {doc: 1 + i for i, doc in enumerate(config.toc_order())}
    parsed: dict = {}

    def part(doc):
        if doc not in parsed:
            parsed[doc] = Part(raw[(lang, doc)], doc, title_page=True)
        return parsed[doc]

    outdir = site_root / config.site_prefix(lang) / PDF_DIR
    outdir.mkdir(parents=True, exist_ok=True)
    word = words_for(lang)
    book = book_title(lang)
    site = config.site_url() + config.site_prefix(lang)
    stats = {"chapters": {}, "book": None}
    # chapters: title page + the page, as printed
    for doc in config.toc_order():
        key = (lang, doc)
        digest = _digest(raw[key], front["bands"], front["numbers"], shapers.encode(), ASSEMBLY)[:24]
        cached = CACHE / "chapters" / lang / f"{doc}.{digest}.pdf"
        if not cached.exists():
            outline = [(1, word("title_page"), 0, None)]
            outline += [(lvl, text, page + 1, top) for lvl, text, page, top in info[key]["marks"]]
            data = assemble([part(doc)], lang=lang,
                            title=f"{info[key]['title']} — {book}", outline=outline, number_from=2,
                            numbers=numbers, date=meta["date"], bands=bands,
                            band_of=[None] + [band_index[doc]] * lengths[key], site=site)
            cached.parent.mkdir(parents=True, exist_ok=True)
            for stale in cached.parent.glob(f"{Path(doc).name}.*.pdf"):
                stale.unlink()
            cached.write_bytes(data)
        target = outdir / chapter_file(doc)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        stats["chapters"][doc] = {"pages": 1 + lengths[key], "bytes": cached.stat().st_size}
    # the book: title page, contents, every page (without its title page)
    digest = _digest(*(raw[(lang, d)] for d in config.toc_order()), front["cover"], front["contents"],
                     front["bands"], shapers.encode(), front["numbers"], ASSEMBLY)[:24]
    cached = CACHE / "books" / f"{lang}.{digest}.pdf"
    contents_pages = _page_count(front["contents"])
    if not cached.exists():
        _, outline = _book_plan(lang, raw, info, contents_pages)
        parts = [Part(front["cover"]), Part(front["contents"]),
                 *(part(d) for d in config.toc_order())]
        band_of = [None] + [0] * contents_pages
        for doc in config.toc_order():
            band_of += [band_index[doc]] * lengths[(lang, doc)]
        data = assemble(parts, lang=lang, title=book, outline=outline, number_from=2, numbers=numbers,
                        date=meta["date"], title_pages=False, bands=bands, band_of=band_of, site=site)
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob(f"{lang}.*.pdf"):
            stale.unlink()
        cached.write_bytes(data)
    shutil.copyfile(cached, outdir / book_file(lang))
    stats["book"] = {"pages": 1 + contents_pages + sum(lengths[(lang, d)] for d in config.toc_order()),
                     "bytes": cached.stat().st_size}
    return stats


def _book_plan(lang: str, raw: dict, info: dict, contents_pages: int):
    """The contents' entries and the book's bookmarks when the contents take ``contents_pages``."""
    word = words_for(lang)
    captions = editions.catalog(lang, "book/index")
    entries, outline = [], [(1, word("title_page"), 0, None), (1, word("contents"), 1, None)]
    page = 1 + contents_pages
    for caption, docs in config.toc_parts():
        if caption:
            shown = captions.get(caption, caption)
            entries.append(("part", shown, None))
            outline.append((1, shown, page, None))
        level0 = 2 if caption else 1
        for doc in docs:
            for lvl, text, p, top in info[(lang, doc)]["marks"]:
                if lvl <= 2:
                    entries.append((f"l{lvl}", text, page + p + 1, top))
                outline.append((level0 + lvl - 1, text, page + p, top))
            page += info[(lang, doc)]["pages"]
    return entries, outline


def _citation_words(lang: str) -> list[str]:
    """The edition's words of the citations printed on title pages and in footers."""
    from . import citations

    tr = editions.translator(lang, "ppp")
    return [book_authors(lang), tr(citations.WORDS["in"]), tr(citations.WORDS["version"])]


def _book_citation(lang: str) -> str:
    from . import citations

    meta = config.book_metadata()
    version = editions.translator(lang, "ppp")(citations.WORDS["version"]).format(version=meta["version"])
    return (f"{book_authors(lang)} ({meta['date'][:4]}). {book_title(lang)} "
            f"({version}). {config.site_url()}{config.site_prefix(lang)}")


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


def available() -> str | None:
    """None when a browser can print; otherwise what to install."""
    try:
        from . import chromium

        chromium.executable()  # the full browser, or Playwright's: says what to install when missing
        chromium.printer()
        import playwright  # noqa: F401
    except (FileNotFoundError, ImportError) as exc:
        return str(exc)
    return None


def report(summary: dict) -> str:
    lines = [f"PDFs: {summary['printed']} of {summary['pages']} pages printed anew, {summary['seconds']} s "
             f"(assembly {summary.get('assembly_seconds', '?')} s)"]
    for lang, stats in summary["editions"].items():
        chapters = stats["chapters"].values()
        lines.append(f"  {lang}: book {stats['book']['pages']} pages, {stats['book']['bytes'] / 1e6:.1f} MB; "
                     f"{len(stats['chapters'])} chapter PDFs, {sum(c['pages'] for c in chapters)} pages, "
                     f"{sum(c['bytes'] for c in chapters) / 1e6:.1f} MB")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """``make pdf``: the PDFs of the site already in ``_build/html`` (after ``make book`` without a browser)."""
    site = paths.ROOT / "_build" / "html"
    if not (site / "index.html").exists():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    missing = available()
    if missing:
        print(f"PDFs not built: {missing}", file=sys.stderr)
        return 1
    print(report(build(site, jobs_at_once=int(os.environ.get("PPP_PDF_JOBS", "3")))))
    write_sizes(site)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
