"""Blocks the book places under a page's title: the date the law is given as of (lawdate) and the
links to the page's PDF editions (sphinx_pdf).

They are doctree nodes of their own (:class:`under_title`), put after the title when the page's
doctree is resolved and written by the HTML translator, where the book once pasted its markup after
the page's ``</h1>`` in the HTML the theme was handed. The node holds its markup as an attribute,
not as text, so the search index does not take its words ("PDF", the date) for the page's own.
"""
from __future__ import annotations

from docutils import nodes


class under_title(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """Markup under the page's title (HTML only)."""


def place(doctree: nodes.document, markup: str) -> None:
    """Put ``markup`` under the page's title, after any block placed there before (so the handlers'
    order is the blocks' order); at the top of a page without a title."""
    block = under_title(markup=markup)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        doctree.insert(sum(isinstance(c, under_title) for c in doctree.children), block)
        return
    index = 1
    while index < len(section.children) and isinstance(section[index], under_title):
        index += 1
    section.insert(index, block)


def _visit(translator, node: under_title) -> None:
    # written on the title's line, before the line break that ends the title (or the block before),
    # as the blocks have always been written: the pages, and so their print, stay as they were
    body = translator.body
    if body and body[-1].endswith("\n"):
        body[-1] = body[-1][:-1]
        body.append(node["markup"] + "\n")
    else:
        body.append(node["markup"])
    raise nodes.SkipNode


def setup(app) -> dict:
    app.add_node(under_title, html=(_visit, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
