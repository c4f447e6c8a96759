"""PDFs of the teacher's pack: one PDF per slide deck and one teacher's guide per edition.

Run by ``python -m ppp_atlas.build`` after the book's PDFs (:mod:`ppp_atlas.pdf`), on the assembled
site, before the links to PDFs are given their sizes; ``python -m ppp_atlas.teaching_pdf`` does the
same for ``_build/html``.

* A deck prints in reveal.js's print view (``?print-pdf``): one slide a 16:9 page, backgrounds and
  drawings as on the screen; ``_slides/<chapter>.pdf`` beside the deck.
* The guide prints its pages (``teaching/index`` first, then the chapters in the book's order) with
  the site's print stylesheet, as the book's pages are, and joins them with pikepdf: one bookmark per
  page, the title and language set; ``pdf/teachers-guide-<lang>.pdf``.

Each PDF is cached in ``_build/pdf-cache/teaching/`` under a digest of what it is printed from (the
HTML, every file it loads: stylesheets, scripts, the charts' drawings, fonts; this module and the
printing browser): an unchanged deck is not printed again.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from . import config, editions, paths, teaching
from .pdf.links import PUBLISHED_LINKS, loaded_digest
from .pdf.printing import digest_of
from .sphinx_teaching import GUIDE_DIR, SLIDES_DIR

CACHE = paths.ROOT / "_build" / "pdf-cache" / "teaching"
# how it prints, and what it does to links: a printed deck or guide is printed from a loopback server,
# and its links into the site lead to the published address (pdf.links.PUBLISHED_LINKS)
MODULE = Path(__file__).read_bytes() + PUBLISHED_LINKS.encode()
DECK_SIZE = {"width": 1280, "height": 720}


def guide_file(lang: str) -> str:
    return f"teachers-guide-{lang}.pdf"


def guide_pages() -> list[str]:
    """The guide's pages in print order: its front page, then one page per chapter of the bank."""
    pages = [f"{GUIDE_DIR}/index"]
    pages += [f"{GUIDE_DIR}/{c}" for c in teaching.chapters() if (paths.ROOT / GUIDE_DIR / f"{c}.md").exists()]
    return pages


def _finish(data: bytes, title: str, lang: str, outline: list[tuple[str, int]] | None = None) -> bytes:
    """Title, language and bookmarks set; no timestamps, so the same input gives the same bytes."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo["/Title"] = title
        for key in ("/CreationDate", "/ModDate", "/Producer", "/Creator"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        pdf.Root.Lang = pikepdf.String(editions.BCP47[lang])
        if outline is not None:
            with pdf.open_outline() as tree:
                tree.root.clear()
                for text, page in outline:
                    tree.root.append(pikepdf.OutlineItem(text, page))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _join(parts: list[bytes]) -> tuple[bytes, list[int]]:
    """The parts in one PDF, and the page each part starts on."""
    import io

    import pikepdf

    joined = pikepdf.new()
    starts = []
    for data in parts:
        starts.append(len(joined.pages))
        with pikepdf.open(io.BytesIO(data)) as part:
            joined.pages.extend(part.pages)
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue(), starts


def build(site_root: Path, languages=editions.LANGUAGES) -> dict:
    """Print what changed; copy every deck's and guide's PDF into ``site_root``."""
    from playwright.sync_api import sync_playwright

    from . import chromium
    from .pdf.loopback import LoopbackServer

    started = time.time()
    summary = {"decks": 0, "guides": 0, "printed": 0, "pages": {}}
    # what shapes a print besides the page: every file it loads (stylesheets, scripts, the charts'
    # drawings, fonts), this module (how it prints), the printing browser and the published address
    # its links are given
    shapers = MODULE + str(chromium.headless()).encode() + config.site_url().encode()
    known: dict[str, str] = {}

    def printed_from(*pages: str) -> str:
        return digest_of(*((site_root / p).read_bytes() for p in pages),
                         *(loaded_digest(site_root, p, known) for p in pages), shapers)[:24]

    jobs = []
    for lang in languages:
        prefix = config.site_prefix(lang)
        for chapter in teaching.chapters():
            deck = f"{prefix}{SLIDES_DIR}/{chapter}.html"
            if (site_root / deck).exists():
                jobs.append(("deck", lang, chapter, printed_from(deck)))
        pages = [f"{prefix}{p}.html" for p in guide_pages()]
        if all((site_root / p).exists() for p in pages):
            jobs.append(("guide", lang, None, printed_from(*pages)))
    todo = [j for j in jobs if not (CACHE / f"{j[0]}-{j[1]}-{j[2] or 'all'}.{j[3]}.pdf").exists()]
    if todo:
        with LoopbackServer(site_root) as base, sync_playwright() as p:
            browser = chromium.launch(p, executable_path=chromium.headless())
            try:
                for kind, lang, chapter, digest in todo:
                    prefix = config.site_prefix(lang)
                    if kind == "deck":
                        data = _print_deck(browser, f"{base}/{prefix}{SLIDES_DIR}/{chapter}.html", lang)
                    else:
                        data = _print_guide(browser, base, prefix, lang)
                    target = CACHE / f"{kind}-{lang}-{chapter or 'all'}.{digest}.pdf"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    for stale in target.parent.glob(f"{kind}-{lang}-{chapter or 'all'}.*.pdf"):
                        stale.unlink()
                    target.write_bytes(data)
                    summary["printed"] += 1
            finally:
                browser.close()
    for kind, lang, chapter, digest in jobs:
        cached = CACHE / f"{kind}-{lang}-{chapter or 'all'}.{digest}.pdf"
        root = site_root / config.site_prefix(lang)
        if kind == "deck":
            target = root / SLIDES_DIR / f"{chapter}.pdf"
            summary["decks"] += 1
        else:
            target = root / "pdf" / guide_file(lang)
            summary["guides"] += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        summary["pages"][str(target.relative_to(site_root))] = _page_count(cached.read_bytes())
    summary["seconds"] = round(time.time() - started, 1)
    return summary


def _page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _print_deck(browser, url: str, lang: str) -> bytes:
    page = browser.new_page(viewport=DECK_SIZE)
    try:
        page.goto(url + "?print-pdf", wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady() && "
                               "document.querySelectorAll('.reveal .pdf-page').length > 0 && "
                               "Array.from(document.images).every(i => i.complete)", polling=50, timeout=60000)
        page.evaluate(PUBLISHED_LINKS, [config.site_url(), False])  # once reveal.js has laid out the printed pages
        page.evaluate("() => document.fonts.ready.then(() => true)")
        title = page.title()
        data = page.pdf(print_background=True, prefer_css_page_size=True, tagged=True, outline=False,
                        width=f"{DECK_SIZE['width']}px", height=f"{DECK_SIZE['height']}px")
    finally:
        page.close()
    return _finish(data, title, lang)


def _print_guide(browser, base: str, prefix: str, lang: str) -> bytes:
    from .pdf.tabs import MARGIN

    context = browser.new_context(color_scheme="light", viewport={"width": 900, "height": 1200})
    context.add_init_script("try { localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light'); } catch (e) {}")
    parts, titles = [], []
    try:
        page = context.new_page()
        page.emulate_media(media="print", color_scheme="light")
        for name in guide_pages():
            page.goto(f"{base}/{prefix}{name}.html", wait_until="load")
            page.evaluate(PUBLISHED_LINKS, [config.site_url(), False])
            page.evaluate("() => (window.pppPrepareForPrint ? Promise.resolve(window.pppPrepareForPrint()) : null)"
                          ".then(() => document.fonts.ready).then(() => true)")
            titles.append(page.evaluate("() => (document.querySelector('article h1') || document.querySelector('h1')).innerText"
                                        ".replace(/[#¶]\\s*$/, '').trim()"))
            parts.append(page.pdf(format="A4", print_background=True, tagged=True, outline=False, margin=MARGIN))
    finally:
        context.close()
    joined, starts = _join(parts)
    word = teaching.WORDS["guide"]
    title = editions.catalog(lang, teaching.DOMAIN).get(word, word)
    return _finish(joined, title, lang, outline=list(zip(titles, starts)))


def report(summary: dict) -> str:
    return (f"Teaching PDFs: {summary['decks']} decks and {summary['guides']} guides, {summary['printed']} printed anew, "
            f"{summary['seconds']} s")


def main(argv: list[str]) -> int:
    summary = build(paths.ROOT / "_build" / "html")
    print(report(summary))
    from . import pdf

    pdf.write_sizes(paths.ROOT / "_build" / "html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
