"""Tagged-PDF structure surgery: a printed part's structure tree readied to be joined into an
assembled file (:class:`Part`): unwrapped, cut loose from its own root, its title page's structure
kept apart, its parent tree mapped onto the elements kept, its named destinations renamed; and the
structure elements' names made independent of the tab that printed them
(:func:`number_structure_ids`)."""
from __future__ import annotations

import hashlib
import io


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


def number_structure_ids(roots, first: int = 1) -> int:
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
