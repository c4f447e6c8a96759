"""Assembly: printed parts (:class:`ppp_atlas.pdf.structure.Part`) joined into one PDF with pikepdf
(qpdf): tagged structures merged, page numbers and running headers and footers stamped from printed
sheets (:class:`Sheet`), bookmarks, links to the book's own pages led inside it
(:func:`internal_links`), metadata, and the same bytes from the same parts (no timestamps, the /ID
a digest of the content)."""
from __future__ import annotations

import io

from .. import editions
from .front import GOTO, book_authors, book_title
from .structure import Part, number_structure_ids


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
        named += number_structure_ids(Array(carry[:top_count]), named + 1)
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


def page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)
