"""The PDF step: every edition in turn printed in one browser (its pages, then its front matter),
then assembled in a process of its own while the next edition prints: each page's PDF (its title
page, then the page) and the book's (title page, contents, every page). What was assembled before
from the same parts is copied from ``_build/pdf-cache/``. :func:`main` is ``make pdf``."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

from .. import config, editions, paths
from ..sphinx_pdf import PDF_DIR, book_file, chapter_file, words_for
from .assembly import Sheet, assemble, page_count
from .front import bands_html, book_citation, book_title, contents_html, cover_html, numbers_html
from .links import write_sizes
from .printing import CACHE, digest_of, print_pages, shapers_digest
from .structure import Part
from .tabs import TabPool

#: Assembled PDFs are rebuilt when the package's code changes.
ASSEMBLY = b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))


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

    async def edition(tabs: TabPool, lang: str, priority: int) -> dict:
        records = await print_pages(tabs, site_root, [lang], priority)
        summary["printed"] += sum(1 for r in records.values() if r["printed"])
        summary["pages"] += len(records)
        raw = {k: r["pdf"].read_bytes() for k, r in records.items()}
        info = {k: json.loads(r["meta"].read_text(encoding="utf-8")) for k, r in records.items()}
        front = await _front_matter(tabs, lang, raw, info, shapers)
        summary["printed_at"] = time.time()
        args = (site_root, lang, raw, info, front, meta, shapers)
        if pool is None:
            return _edition(*args)
        return await loop.run_in_executor(pool, _edition, *args)

    async with TabPool(site_root, jobs_at_once) as tabs:
        done = await asyncio.gather(*(edition(tabs, lang, 1 + i) for i, lang in enumerate(languages)))
    summary["editions"] = dict(zip(languages, done))
    return summary


async def _front_matter(tabs: TabPool, lang: str, raw: dict, info: dict, shapers: str) -> dict:
    """One edition's title page, contents and sheets (running headers, page numbers), printed or
    taken from the cache: ``{name: PDF bytes}``."""
    lengths = {k: i["pages"] for k, i in info.items()}
    book = book_title(lang)
    bands = [(book, words_for(lang)("contents"), book_citation(lang))]
    bands += [(book, info[(lang, doc)]["title"], info[(lang, doc)]["citation"]) for doc in config.toc_order()]
    entries, _ = _book_plan(lang, raw, info, 1)
    guess = max(1, -(-len(entries) // 40))  # the contents, twice if need be: once to learn their length
    pages = sum(lengths[(lang, d)] for d in config.toc_order())
    fronts = [{"key": "cover", "html": cover_html(lang, None, book_citation(lang), config.site_url() + config.site_prefix(lang))},
              {"key": "bands", "html": bands_html(lang, bands), "tagged": False},
              {"key": "contents", "html": contents_html(lang, _book_plan(lang, raw, info, guess)[0])},
              {"key": "numbers", "html": numbers_html(2 + guess + pages + 12), "tagged": False}]
    key = digest_of(json.dumps([[f["html"], f.get("tagged", True)] for f in fronts], ensure_ascii=False).encode(),
                  shapers.encode())[:24]
    cache = CACHE / "front" / f"{lang}.{key}.json"
    if cache.exists():
        return {k: bytes.fromhex(v) for k, v in json.loads(cache.read_text()).items()}
    done = await asyncio.gather(*(tabs.html(f["html"], f.get("tagged", True)) for f in fronts))
    front = {f["key"]: data for f, data in zip(fronts, done)}
    for _ in range(3):  # the contents took more (or fewer) pages than guessed: print them again
        pages_now = page_count(front["contents"])
        if pages_now == guess:
            break
        guess = pages_now
        front["contents"] = await tabs.html(contents_html(lang, _book_plan(lang, raw, info, guess)[0]))
    if page_count(front["numbers"]) < 1 + guess + pages:
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
        digest = digest_of(raw[key], front["bands"], front["numbers"], shapers.encode(), ASSEMBLY)[:24]
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
    digest = digest_of(*(raw[(lang, d)] for d in config.toc_order()), front["cover"], front["contents"],
                     front["bands"], shapers.encode(), front["numbers"], ASSEMBLY)[:24]
    cached = CACHE / "books" / f"{lang}.{digest}.pdf"
    contents_pages = page_count(front["contents"])
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


def available() -> str | None:
    """None when a browser can print; otherwise what to install."""
    try:
        from .. import chromium

        chromium.executable()  # the full browser, or Playwright's: says what to install when missing
        chromium.headless()
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
