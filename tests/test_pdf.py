"""The print editions: the whole book and every page as PDF, in every edition (issue 16).

`make book` prints them (the ppp_atlas/pdf/ package); these tests open what it wrote with pypdf.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

import pdfs
from pdfs import reader, text_of
from ppp_atlas import config, editions, pdf

MAX_BOOK_BYTES = 15_000_000
LANGS = editions.LANGUAGES


def edition_root(site: Path, lang: str) -> Path:
    return site / config.site_prefix(lang)


book = pdfs.book


def chapter(site: Path, lang: str, doc: str) -> Path:
    return edition_root(site, lang) / pdf.PDF_DIR / pdf.chapter_file(doc)


def squash(text: str) -> str:
    return "".join(text.split())


def outline_items(r: PdfReader) -> list:
    """Every bookmark of the PDF, nested ones included, in order."""
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(item)

    walk(r.outline)
    return found


def outline_titles(r: PdfReader) -> list[str]:
    return [str(item.title) for item in outline_items(r)]


class _Headings(HTMLParser):
    """The article's h1 and h2 texts (heading links and the cite box's buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self._level, self._skip, self._in_article = [], None, 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "bd-article" in (attrs.get("class") or ""):
            self._in_article = True
        if self._in_article and tag in ("h1", "h2") and not (attrs.get("id") or "").startswith("ppp-cite-"):
            self._level, self._buffer = int(tag[1]), []
        if self._level and tag == "a" and "headerlink" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article = False
        if tag == "a" and self._skip:
            self._skip -= 1
        if self._level and tag == f"h{self._level}":
            self.headings.append((self._level, " ".join("".join(self._buffer).split())))
            self._level = None

    def handle_data(self, data):
        if self._level and not self._skip:
            self._buffer.append(data)


def headings(page: Path) -> list[tuple[int, str]]:
    parser = _Headings()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.headings


# --- links on the site ------------------------------------------------------------

@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_page_links_its_own_pdf_and_the_books(site, lang):
    missing = []
    for doc in config.toc_order():
        page = edition_root(site, lang) / f"{doc}.html"
        markup = page.read_text(encoding="utf-8")
        nav = re.search(r'<nav class="ppp-pdf-links".*?</nav>', markup, flags=re.S)
        assert nav, f"{lang}/{doc}: no PDF links"
        linked = {(page.parent / href).resolve() for href in re.findall(r'href="([^"]+\.pdf)"', nav.group(0))}
        folder = edition_root(site, lang) / pdf.PDF_DIR
        for target in (folder / pdf.chapter_file(doc), folder / pdf.book_file(lang)):
            if target.resolve() not in linked or not target.is_file():
                missing.append(f"{lang}/{doc}: {target.relative_to(site)}")
    assert missing == []
    words = editions.translator(lang, "ppp")
    index = (edition_root(site, lang) / "book/index.html").read_text(encoding="utf-8")
    assert words(pdf.WORDS["chapter_pdf"]) in index and words(pdf.WORDS["book_pdf"]) in index


def test_the_data_page_lists_the_book_in_every_edition(site):
    markup = (site / "book/data.html").read_text(encoding="utf-8")
    assert 'id="ppp-pdf-editions"' in markup
    for lang in LANGS:
        target = edition_root(site, lang) / pdf.PDF_DIR / pdf.book_file(lang)
        linked = {(site / "book" / href).resolve() for href in re.findall(r'href="([^"]+\.pdf)"', markup)}
        assert target.resolve() in linked and target.is_file()


def test_the_print_button_draws_every_chart_first():
    script = (Path(pdf.__file__).parent.parent / "static" / "ppp-page.js").read_text(encoding="utf-8")
    assert "window.pppPrepareForPrint().then(function () { window.print(); }" in script
    assert "beforeprint" in script


# --- the whole book ---------------------------------------------------------------

@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_book_holds_every_page_with_title_page_and_contents(site, lang):
    r = reader(book(site, lang))
    chapters = [len(reader(chapter(site, lang, doc)).pages) - 1 for doc in config.toc_order()]  # less their title page
    front = len(r.pages) - sum(chapters)
    assert 2 <= front <= 8, f"{len(r.pages)} pages, {sum(chapters)} of them the chapters'"
    assert len(r.pages) > 100
    box = r.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) in ((596, 843), (595, 842))  # A4
    title_page = pdfs.page_text(book(site, lang), 0)
    assert pdf.book_title(lang) in " ".join(title_page.split())
    assert "CC BY 4.0" in title_page and "0.1.0" in title_page
    contents = squash(" ".join(pdfs.page_text(book(site, lang), i) for i in range(1, front)))
    word = editions.translator(lang, "ppp")(pdf.WORDS["contents"])
    assert squash(word) in contents
    for doc in config.toc_order():
        h1 = headings(edition_root(site, lang) / f"{doc}.html")[0][1]
        assert squash(h1) in contents, f"{doc}: {h1!r} not in the contents"


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_book_has_bookmarks_for_every_part_chapter_and_section(site, lang):
    r = reader(book(site, lang))
    titles = outline_titles(r)
    top = [str(item.title) for item in r.outline if not isinstance(item, list)]
    captions = editions.catalog(lang, "book/index")
    for caption, _ in config.toc_parts()[1:]:
        assert captions.get(caption, caption) in top
    missing = []
    for doc in config.toc_order():
        for level, text in headings(edition_root(site, lang) / f"{doc}.html"):
            if text not in titles:
                missing.append(f"{doc}: h{level} {text!r}")
    assert missing == []
    assert len(titles) > 150


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_book_is_tagged_titled_in_its_language_with_fonts_embedded(site, lang):
    r = reader(book(site, lang))
    catalog = r.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] is True or catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    root = catalog["/StructTreeRoot"].get_object()
    document = root["/K"].get_object()
    assert document["/S"] == "/Document" and len(document["/K"]) >= len(config.toc_order())
    nums = root["/ParentTree"].get_object()["/Nums"]
    assert len(nums) // 2 >= len(r.pages)
    assert sum("/StructParents" in page for page in r.pages) >= 0.95 * len(r.pages)
    assert sum(len(page.get("/Annots", []) or []) for page in r.pages) > 1000  # links kept
    assert str(catalog["/Lang"]) == editions.BCP47[lang]
    assert r.metadata.title == pdf.book_title(lang)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] is True or \
        catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    unembedded, fonts = set(), set()
    for page in r.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is None:
                    continue
                fonts.add(str(descendant["/BaseFont"]))
                descriptor = descriptor.get_object()
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    unembedded.add(str(descendant["/BaseFont"]))
    assert fonts and unembedded == set()


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_book_stays_small_and_numbers_its_pages(site, lang):
    path = book(site, lang)
    assert path.stat().st_size < MAX_BOOK_BYTES, f"{path.stat().st_size / 1e6:.1f} MB"
    r = reader(path)
    for index in (1, len(r.pages) // 2, len(r.pages) - 1):
        lines = [line.strip() for line in pdfs.page_text(path, index).splitlines()]
        assert str(index + 1) in lines, f"page {index + 1} does not show its number"


def test_the_editions_are_in_their_own_scripts(site):
    uzbek = text_of(book(site, "uz"), every=4)
    assert uzbek.count("\u02bb") > 50, "Uzbek oʻ/gʻ (U+02BB) missing from the text layer"
    assert "Oʻzbek" in uzbek or "oʻz" in uzbek
    russian = text_of(book(site, "ru"), every=4)
    assert len(re.findall("[а-яё]", russian, flags=re.I)) > 5000
    assert "Содержание" in russian or editions.catalog("ru", "ppp").get(pdf.WORDS["contents"], "\0") in russian


# --- one page -------------------------------------------------------------------

def _axis_titles(page: Path) -> list[list[str]]:
    """Each chart's horizontal axis title (or titles), from its figure file (the wide layout,
    ``_static/charts/<name>.json``, which the page names in ``data-src``)."""
    markup = page.read_text(encoding="utf-8")
    charts = []
    for src in re.findall(r'<div class="ppp-plotly"[^>]*\sdata-src="([^"]+)"', markup):
        figures = json.loads((page.parent / src).read_text(encoding="utf-8"))
        layout = (figures.get("wide") or figures).get("layout", {})
        titles = []
        for name, axis in layout.items():
            if name.startswith("xaxis") and isinstance(axis, dict):
                text = (axis.get("title") or {}).get("text") if isinstance(axis.get("title"), dict) else None
                if text:
                    titles.append(text)
        charts.append(titles)
    return charts


def test_every_chart_is_drawn_as_text_even_far_down_the_page(site):
    checked = 0
    for doc in config.toc_order():
        charts = _axis_titles(site / f"{doc}.html")
        if not charts:
            continue
        text = squash(text_of(chapter(site, "en", doc)))
        for number, titles in enumerate(charts, start=1):
            if titles:
                # a long title may wrap: its first words are enough to find it
                assert any(squash(t)[:24] in text for t in titles), f"{doc}: chart {number} of {len(charts)} ({titles})"
                checked += 1
    assert checked >= 20


def test_a_chapter_pdf_is_a_handout_with_header_footer_and_no_code(site):
    doc = "notebooks/attack-statistics"
    path = chapter(site, "en", doc)
    r = reader(path)
    assert len(r.pages) >= 3
    title = headings(site / f"{doc}.html")[0][1]
    assert r.metadata.title.startswith(title)
    first = squash(pdfs.page_text(path, 0))
    assert squash(pdf.WORDS["how_to_cite"]) in first and squash(title) in first
    second = squash(pdfs.page_text(path, 1))
    assert squash(pdf.book_title("en")) in second  # running header
    assert squash(config.site_url() + doc + ".html") in second  # footer: the chapter's citation and address
    text = text_of(path)
    assert "import " not in text and "glue(" not in text  # code cells hidden
    assert "127.0.0.1" not in " ".join(str(a.get_object().get("/A", {}).get("/URI", ""))
                                       for page in r.pages for a in page.get("/Annots", []) or [])
    assert outline_titles(r)[0] == pdf.WORDS["title_page"]
    assert "/StructTreeRoot" in r.trailer["/Root"]


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_page_has_its_pdf(site, lang):
    sizes = {doc: chapter(site, lang, doc).stat().st_size for doc in config.toc_order() if chapter(site, lang, doc).exists()}
    assert set(sizes) == set(config.toc_order())
    assert all(size > 20_000 for size in sizes.values())


def _parent_tree_problems(r: PdfReader) -> tuple[int, list[str]]:
    """Every marked-content sequence and every link of every page has its structure element in the
    parent tree (not null, not a dangling reference): how many entries, and those that are not."""
    root = r.trailer["/Root"]["/StructTreeRoot"].get_object()
    nums = root["/ParentTree"].get_object()["/Nums"]
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    checked, problems = 0, []
    for number, page in enumerate(r.pages, start=1):
        key = page.get("/StructParents")
        if key is None:
            continue
        if int(key) not in tree:
            problems.append(f"page {number}: no parent tree entry")
            continue
        for mcid, element in enumerate(tree[int(key)].get_object()):
            checked += 1
            element = element.get_object() if element is not None else None
            if not hasattr(element, "keys") or "/S" not in element:
                problems.append(f"page {number}: marked content {mcid} has no element")
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if "/StructParent" in annot:
                checked += 1
                element = tree.get(int(annot["/StructParent"]))
                element = element.get_object() if element is not None else None
                if not hasattr(element, "keys") or element.get("/S") != "/Link":
                    problems.append(f"page {number}: a link has no /Link element")
    return checked, problems


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_tagged_content_and_link_of_the_book_has_its_element(site, lang):
    checked, problems = _parent_tree_problems(reader(book(site, lang)))
    assert checked > 10_000 and problems[:10] == []


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_the_book_leaves_out_the_chapters_title_pages(site, lang):
    """Each page is printed once with its title page first; the book keeps neither those pages nor
    anything of their structure (no page object or element of theirs is copied into it)."""
    import pikepdf

    with pikepdf.open(book(site, lang)) as whole:
        pages = {page.obj.objgen for page in whole.pages}
        page_objects = {o.objgen for o in whole.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"}
        assert page_objects == pages
        strays = [o.objgen for o in whole.objects if isinstance(o, pikepdf.Dictionary) and "/Pg" in o
                  and o.Pg.objgen not in pages]
        assert strays == []
    # where each chapter starts in the book (its bookmark), its own heading, not its title page
    r = reader(book(site, lang))
    chapter_of = squash(editions.translator(lang, "ppp")(pdf.WORDS["chapter_of"]))
    starts = {}
    for item in outline_items(r):
        starts.setdefault(str(item.title), r.get_destination_page_number(item))
    checked = 0
    for doc in config.toc_order():
        h1 = headings(edition_root(site, lang) / f"{doc}.html")[0][1]
        text = squash(pdfs.page_text(book(site, lang), starts[h1]))
        assert squash(h1)[:30] in text and chapter_of not in text, doc
        checked += 1
    assert checked == len(config.toc_order())
    first = squash(pdfs.page_text(chapter(site, lang, "book/germany"), 0))
    assert chapter_of in first


def test_links_within_a_page_lead_somewhere(site):
    r = reader(chapter(site, "en", "notebooks/attack-statistics"))
    dests = r.trailer["/Root"].get("/Dests")
    dests = dests.get_object() if dests is not None else {}
    pages = {page.indirect_reference.idnum for page in r.pages}
    named = [a.get_object()["/Dest"] for page in r.pages for a in page.get("/Annots", []) or []
             if "/Dest" in a.get_object()]
    assert len(named) >= 3  # the figure references of the page
    for name in named:
        target = dests[name].get_object() if name in dests else None
        assert target is not None and target[0].idnum in pages, f"{name} leads nowhere"


def test_the_pdfs_are_printed_by_the_headless_shell_where_it_is_installed(monkeypatch, tmp_path):
    from ppp_atlas import chromium

    shell = tmp_path / "chromium-headless-shell"
    shell.write_text("#!/bin/sh\n")
    monkeypatch.setattr(chromium, "HEADLESS_SHELL", str(shell))
    monkeypatch.delenv("PPP_CHROMIUM", raising=False)
    assert chromium.headless() == str(shell)
    chosen = tmp_path / "my-chromium"
    chosen.write_text("")
    monkeypatch.setenv("PPP_CHROMIUM", str(chosen))
    assert chromium.headless() == str(chosen)  # a browser named by hand prints too
    monkeypatch.setenv("PPP_CHROMIUM", "playwright")
    assert chromium.headless() is None  # Playwright's own headless browser, chosen inside the event loop
    monkeypatch.delenv("PPP_CHROMIUM")
    monkeypatch.setattr(chromium, "HEADLESS_SHELL", str(tmp_path / "absent"))
    assert chromium.headless() == chromium.executable()
    # which browser printed is part of every page's cache key
    key = pdf.shapers_digest()
    monkeypatch.setattr(chromium, "HEADLESS_SHELL", str(shell))
    assert pdf.shapers_digest() != key


def test_structure_element_names_do_not_depend_on_the_printing_tab():
    """Chromium names structure elements after DOM nodes (``node00002181``), whose numbers depend on
    what the tab printed before: the assembly renames them in document order, and the names a table
    cell gives its header cells with them."""
    from pikepdf import Array, Dictionary, Name, String

    def tree(first: int):
        header = Dictionary(S=Name.TH, ID=String(f"node{first:08d}"), K=1)
        cell = Dictionary(S=Name.TD, ID=String(f"node{first + 7:08d}"), K=0,
                          A=Array([Dictionary(O=Name.Table, Headers=Array([String(f"node{first:08d}")]))]))
        table = Dictionary(S=Name.Table, ID=String(f"node{first + 3:08d}"), K=Array([header, cell]))
        return Dictionary(S=Name.Document, K=Array([table, Dictionary(Type=Name.MCR, MCID=2)]))

    one, other = tree(2181), tree(16302)
    assert pdf.number_structure_ids(one) == pdf.number_structure_ids(other) == 3
    second_part = tree(2181)  # printed in another tab, with the same numbers: named after the first
    assert pdf.number_structure_ids(second_part, 4) == 3
    assert [str(h) for h in second_part.K[0].K[1].A[0].Headers] == ["node00000005"]
    names = lambda d: [str(d.K[0].ID), str(d.K[0].K[0].ID), str(d.K[0].K[1].ID)]  # noqa: E731
    assert names(one) == names(other) == ["node00000001", "node00000002", "node00000003"]
    # the cell still names its header cell
    assert [str(h) for h in one.K[0].K[1].A[0].Headers] == [str(one.K[0].K[0].ID)] == ["node00000002"]


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_table_cell_names_header_cells_that_exist(site, lang):
    """A table cell's /Headers name header cells by their /ID: after the assembly renames the ids
    (one name per element of the whole book), each name still leads to a header cell."""
    import pikepdf

    with pikepdf.open(book(site, lang)) as document:
        ids, headers = [], []
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/S" in obj:
                if "/ID" in obj:
                    ids.append(bytes(obj.ID))
                attributes = obj.get("/A")
                for attribute in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
                    if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                        headers += [bytes(h) for h in attribute.Headers]
    assert len(ids) == len(set(ids)), "two structure elements of the book share a name"
    assert len(headers) > 100 and set(headers) <= set(ids), sorted(set(headers) - set(ids))[:5]


def test_a_print_is_kept_for_what_the_page_loads_too(tmp_path):
    """A page's print is cached under a digest of the page and of every file it loads: a chart's
    drawing, a stylesheet and the fonts it loads change the print without changing the page's HTML
    (an image's address names no version; a ``?v=`` is a version only where its writer made it one)."""
    from ppp_atlas.pdf.links import loaded_digest, loaded_files

    (tmp_path / "book").mkdir()
    (tmp_path / "_static" / "fonts").mkdir(parents=True)
    (tmp_path / "book" / "page.html").write_text(
        '<html><head><link rel="stylesheet" href="../_static/site.css?v=1">'
        '<link rel="alternate" hreflang="uz" href="../uz/book/page.html"><link rel="icon" href="data:,">'
        '<script src="/_static/page.js"></script><script>var notAFile = "<img src=x.png>";</script></head>'
        '<body><img src="../_static/chart.svg" srcset="../_static/chart.svg 1x, ../_static/chart%402x.svg 2x">'
        '<img src="https://example.org/far.png"><a href="other.html">a link loads nothing</a>'
        '<p>&lt;img src="text.png"&gt;</p><svg><image href="drawing.png"/></svg></body></html>', encoding="utf-8")
    (tmp_path / "_static" / "site.css").write_text(
        "@font-face{src:url(fonts/a.woff2) format('woff2'),url('fonts/a.ttf')}"
        ".x{background:url(\"data:image/png;base64,AAAA\")}", encoding="utf-8")
    for name in ("page.js", "chart.svg", "chart@2x.svg", "fonts/a.woff2", "fonts/a.ttf"):
        (tmp_path / "_static" / name).write_text(name)
    (tmp_path / "book" / "drawing.png").write_text("png")
    assert loaded_files(tmp_path, "book/page.html") == [
        "_static/chart.svg", "_static/chart@2x.svg", "_static/fonts/a.ttf", "_static/fonts/a.woff2",
        "_static/page.js", "_static/site.css", "book/drawing.png"]
    key = loaded_digest(tmp_path, "book/page.html", {})
    (tmp_path / "_static" / "unrelated.js").write_text("x")
    assert loaded_digest(tmp_path, "book/page.html", {}) == key
    for changed in ("_static/chart.svg", "_static/fonts/a.woff2", "_static/site.css"):
        before = (tmp_path / changed).read_bytes()
        (tmp_path / changed).write_bytes(before + b" ")
        assert loaded_digest(tmp_path, "book/page.html", {}) != key, changed
        (tmp_path / changed).write_bytes(before)
    # the print's cache key holds them
    from ppp_atlas.pdf.printing import page_key

    printed = page_key(tmp_path, "book/page.html", {}, "shapers", "en", "book/page", b"words", [])
    (tmp_path / "_static" / "chart@2x.svg").unlink()  # a file gone changes the print too
    assert loaded_digest(tmp_path, "book/page.html", {}) != key
    assert page_key(tmp_path, "book/page.html", {}, "shapers", "en", "book/page", b"words", []) != printed


@pytest.mark.parametrize("lang", pdfs.by_edition(LANGS))
def test_every_chart_drawing_a_page_shows_is_part_of_its_print_key(site, lang):
    """The book's pages show their charts as drawings (images): each is among the files a page's
    print key holds (``loaded_files``), as are the site's stylesheets."""
    from ppp_atlas.pdf.links import loaded_files

    prefix = config.site_prefix(lang)
    pages = [f"{prefix}{doc}.html" for doc in config.toc_order()]
    with_charts = 0
    for page in pages:
        drawings = set(re.findall(r'<img[^>]*\bsrc="\.\./_static/(charts/[^"]+)"', (site / page).read_text(encoding="utf-8")))
        loaded = set(loaded_files(site, page))
        assert {f"{prefix}_static/{d}" for d in drawings} <= loaded, page
        assert f"{prefix}_static/styles/ppp-site.css" in loaded and f"{prefix}_static/ppp-print.css" in loaded, page
        with_charts += bool(drawings)
    assert with_charts >= 8


def _layout(data: bytes) -> list[list[tuple[float, str]]]:
    """Each page's lines of text with their heights on the page: where a print broke its pages."""
    import io

    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = []
        page.extract_text(visitor_text=lambda text, cm, tm, *_: lines.append((round(tm[5] * cm[3] + cm[5], 1), text))
                          if text.strip() else None)
        pages.append(lines)
    return pages


def test_a_page_prints_the_same_whatever_the_tab_printed_before(site):
    """Two prints of one page lay it out alike: in a tab that printed another page first, in a tab
    of its own, in another browser. The site's pages show their PDFs' sizes, so a print that broke
    its pages elsewhere would make two builds of the same site differ."""
    import asyncio

    from ppp_atlas.pdf.links import linked_places
    from ppp_atlas.pdf.printing import print_page
    from ppp_atlas.pdf.tabs import TabPool

    wanted = linked_places(site, "en")

    def job(doc: str) -> dict:
        return {"key": doc, "lang": "en", "docname": doc, "path": f"{doc}.html", "wanted": sorted(wanted.get(doc, ())),
                "public_url": config.site_url() + f"{doc}.html"}

    async def prints() -> tuple[list[bytes], bytes]:
        page, other = job("book/design-elements"), job("notebooks/design-matrix")
        async with TabPool(site, 1) as pool:
            first = await print_page(pool, page)
            await print_page(pool, other)
            again = await print_page(pool, page)
        async with TabPool(site, 2) as pool:  # another browser, the page beside another
            beside = await asyncio.gather(print_page(pool, page), print_page(pool, other))
            numbers = await pool.html(numbers_html(40), tagged=False)
        return [first["pdf"], again["pdf"], beside[0]["pdf"]], numbers

    from ppp_atlas.pdf.assembly import Sheet
    from ppp_atlas.pdf.front import numbers_html

    # in a thread of its own: Playwright's sync API, which other tests of this worker use, keeps an event loop running here
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        printed, numbers = thread.submit(lambda: asyncio.run(prints())).result()
    first, again, other_browser = (_layout(p) for p in printed)
    assert len(first) > 20
    assert again == first
    assert other_browser == first
    # and the chapter's PDF is the same bytes, whichever tab printed it (Chromium's own names of
    # its structure elements differ from tab to tab; the assembly names them anew)
    assembled = [pdf.assemble([p], lang="en", title="t", outline=[], number_from=2, numbers=Sheet(numbers, "PPN"),
                              date="2026-01-01") for p in (printed[0], printed[2])]
    assert assembled[0] == assembled[1]
