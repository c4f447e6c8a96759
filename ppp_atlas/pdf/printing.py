"""Printing the book's pages: each page of ``_toc.yml`` in each edition, loaded in a tab of the pool
(:mod:`ppp_atlas.pdf.tabs`) in the light theme with the site's print stylesheet, every chart drawn
first (``window.pppPrepareForPrint``), links into the site given the published address, its title
page put before it (one print for both), then printed tagged with Chromium's outline. Each print is
kept in ``_build/pdf-cache/`` under a digest of the page, of every file it loads (its stylesheets,
scripts, the charts' drawings and the fonts: :func:`~ppp_atlas.pdf.links.loaded_files`) and of how it
is printed (:func:`shapers_digest`): an unchanged page is not printed again."""
from __future__ import annotations

import asyncio
import hashlib
import io
import json
from pathlib import Path

from .. import config, paths
from ..sphinx_pdf import WORDS, words_for
from .front import citation_words, cover_section, short_citation
from .links import PUBLISHED_LINKS, linked_places, loaded_digest, page_for_digest
from .outline import headings_with_pages
from .tabs import MARGIN, TabPool

CACHE = paths.ROOT / "_build" / "pdf-cache"
#: Files whose change reprints every page, besides those the page loads (its key holds them): the
#: book's metadata, which every title page prints.
SHAPERS = [paths.CITATION]


def digest_of(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()


#: Raise when a change to this package changes what a printed page looks like (reprints every page).
PRINT_VERSION = "5"


def shapers_digest() -> str:
    """Everything but the page that shapes its print, the printing browser's path among it (the
    headless shell and the full browser lay out the same page, but write it differently)."""
    from .. import chromium

    return digest_of(PRINT_VERSION.encode(), str(chromium.headless()).encode(),
                     *(p.read_bytes() for p in SHAPERS if p.exists()))


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
  (""" + PUBLISHED_LINKS + """)([site, true]);
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


async def print_page(pool: TabPool, job: dict) -> dict:
    """Print one page of the site, its title page first: the PDF, the page's title and
    headings, its short citation and how many charts it has."""
    async with pool.tab(job.get("priority", 1)) as tab:
        await tab.goto(pool.base + "/" + job["path"], wait_until="load")
        info = await tab.evaluate(PREPARE, [config.site_url(), job.get("wanted", [])])
        citation = short_citation(job["lang"], info["title"], job["public_url"], job["docname"])
        await tab.evaluate(INSERT_COVER, cover_section(job["lang"], info["title"], citation, job["public_url"]))
        # checked every 20 ms, not on animation frames: a tab that is not in front gets few of
        # them, and page.pdf() lays the page out for print itself
        await tab.wait_for_function(READY, timeout=60000, polling=20)
        # no header or footer from Chromium: they are stamped during assembly, and the title
        # page has none
        data = await tab.pdf(format="A4", print_background=True, tagged=True, outline=True, margin=MARGIN)
    return {"pdf": data, "title": info["title"], "headings": info["headings"], "citation": citation,
            "charts": info["charts"]}


def page_key(site_root: Path, relative: str, known: dict, shapers: str, lang: str, doc: str,
             cover_words: bytes, places: list[str]) -> str:
    """The cache key of a page's print: the page, what it loads (stylesheets, scripts, the charts'
    drawings, fonts; ``known`` keeps the digests of files read already), how it is printed, its title
    page's words and the places other pages link to in it."""
    return digest_of(page_for_digest((site_root / relative).read_bytes()), loaded_digest(site_root, relative, known),
                     shapers.encode(), lang.encode(), doc.encode(), cover_words, json.dumps(places).encode())[:24]


async def print_pages(pool: TabPool, site_root: Path, languages=config.LANGUAGES,
                      priority: int = 1) -> dict:
    """Print every page of every edition whose digest is not yet in the cache (each with its title
    page first). Returns ``{(lang, docname): cache record}`` with ``pdf`` (path) and ``meta`` (title,
    headings and their pages, counted from the page after the title page)."""
    import pikepdf

    shapers = shapers_digest()
    records, jobs, known = {}, [], {}
    for lang in languages:
        # the title page's words and the book's metadata are printed with every page
        cover_words = json.dumps([words_for(lang)(key) for key in sorted(WORDS)] + citation_words(lang),
                                 ensure_ascii=False).encode()
        wanted = linked_places(site_root, lang)
        for doc in config.toc_order():
            relative = config.site_prefix(lang) + doc + ".html"
            places = sorted(wanted.get(doc, ()))
            key = page_key(site_root, relative, known, shapers, lang, doc, cover_words, places)
            target = CACHE / "pages" / lang / f"{doc}.{key}.pdf"
            records[(lang, doc)] = {"key": key, "pdf": target, "meta": target.with_suffix(".json")}
            if not (target.exists() and target.with_suffix(".json").exists()):
                jobs.append({"key": key, "lang": lang, "docname": doc, "path": relative, "wanted": places,
                             "public_url": config.site_url() + relative, "priority": priority})
    # the longest pages first, so that no long page is left printing alone at the end
    order = sorted(jobs, key=lambda job: (-(site_root / job["path"]).stat().st_size, job["path"]))
    printed = dict(zip((job["key"] for job in order), await asyncio.gather(*(print_page(pool, job) for job in order))))
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
