"""Chromium's outline of a printed page, read back: each heading of the page with the page and the
height Chromium's outline gives it (the book's contents and bookmarks are made from these)."""
from __future__ import annotations


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
