"""From a data row to its reference: the bibliography shows each entry's key, data tables link their keys.

* The bibliography page (``ppp_bibliography_doc``) shows under every entry the key the data tables
  use for it (``Key: UK2023procurement``), at the entry's anchor ``cite-<key>``; above the list, a
  link to ``references.bib`` itself, which the build copies into the site (``_static/references.bib``).
* A table cell that holds only keys of ``references.bib`` (the ``source`` column of data/, shown in
  notebook tables and in the charts' data tables) links each key to its entry.
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from docutils import nodes

from . import bib, citations, config, editions, paths

WORDS = {
    "key": "Key in the data tables:",
    "download_bib": "Download the bibliography as BibTeX (references.bib)",
}
BIBFILE_NAME = "references.bib"

_CELL = re.compile(r"<td(?P<attrs>[^>]*)>(?P<text>[^<>]+)</td>")


def keys_by_anchor() -> dict[str, str]:
    """``cite-uk2023procurement`` -> ``UK2023procurement`` for every key of references.bib."""
    return {citations.bib_anchor(key): key for key in bib.entries()}


def _words(app):
    """The edition's translator for the book's own fixed words (``ppp.po``)."""
    return editions.translator(config.edition(app.config.language), "ppp")


def _bibliography_page(app, doctree, docname):
    if docname != app.config.ppp_bibliography_doc:
        return
    tr = _words(app)
    anchors = keys_by_anchor()
    first_list = None
    for citation in doctree.findall(nodes.citation):
        key = next((anchors[i] for i in citation.get("ids", []) if i in anchors), None)
        if key is None:
            continue
        if first_list is None:
            first_list = citation.parent
        line = nodes.paragraph("", "", classes=["ppp-bib-key"])
        line += nodes.Text(tr(WORDS["key"]) + " ")
        line += nodes.literal(key, key)
        citation += line
    if first_list is None:
        return
    while first_list.parent is not None and not isinstance(first_list.parent, nodes.section):
        first_list = first_list.parent
    depth = docname.count("/")
    href = "../" * depth + "_static/" + BIBFILE_NAME
    link = nodes.raw("", f'<p class="ppp-bib-file"><a href="{html.escape(href)}" download="{BIBFILE_NAME}" '
                         f'type="application/x-bibtex">{html.escape(tr(WORDS["download_bib"]))}</a></p>', format="html")
    first_list.parent.insert(first_list.parent.index(first_list), link)


def link_key_cells(body: str, bibliography_uri: str, known: set[str]) -> str:
    """Every ``<td>`` holding only known keys (separated by ``;``) with each key a link to its entry."""
    def linked(match):
        text = html.unescape(match.group("text"))
        keys = [k.strip() for k in text.split(";")]
        if not keys or not all(k in known for k in keys):
            return match.group(0)
        links = "; ".join(f'<a class="ppp-source-key" href="{html.escape(bibliography_uri)}#'
                          f'{html.escape(citations.bib_anchor(k))}">{html.escape(k)}</a>' for k in keys)
        return f"<td{match.group('attrs')}>{links}</td>"

    return _CELL.sub(linked, body)


def _link_data_keys(app, pagename, templatename, context, doctree):
    if doctree is None or "<td" not in context.get("body", ""):
        return
    uri = app.builder.get_relative_uri(pagename, app.config.ppp_bibliography_doc)
    context["body"] = link_key_cells(context["body"], uri, set(bib.entries()))


def _copy_bibfile(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / BIBFILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.BIBFILE, target)


def setup(app):
    app.connect("doctree-resolved", _bibliography_page)
    app.connect("html-page-context", _link_data_keys)
    app.connect("build-finished", _copy_bibfile)
