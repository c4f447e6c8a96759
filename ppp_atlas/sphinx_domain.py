"""The book's per-page data, kept in the Sphinx environment by a domain of its own (``ppp``).

What the extension learns about a page while reading it, and needs again when it writes that page
or the whole site, lives here rather than in attributes added to the environment:

``charts``        docname -> {chart id -> the chart's metadata}: every chart of the edition is drawn
                  in one batch after reading (sphinx_ext)
``cited``         docname -> the citation keys in the order the page cites them: the page's
                  reference list (sphinx_ext)
``weights``       docnames holding the weights form, which alone load ppp-weights.js (weights)
``slide_charts``  docname -> {chart name -> title, finding, caption}: the decks' image
                  descriptions, in the edition's words (sphinx_teaching)
``slides``        chapter -> the slide content of its deck (sphinx_teaching)

A domain is Sphinx's supported place for such data: ``clear_doc`` forgets a page that is read
again or removed, ``merge_domaindata`` joins what parallel readers found, and the data is pickled
with the environment, so an incremental build keeps what it did not read again. ``data_version``
makes Sphinx read every page anew when the layout below changes.
"""
from __future__ import annotations

from sphinx.domains import Domain

NAME = "ppp"
#: keyed by docname (forgotten with the page)
BY_PAGE = ("charts", "cited", "slide_charts")
BOOK_PREFIX = "book/"  # a chapter's docname is book/<chapter>


class AtlasDomain(Domain):
    """Per-page data of the atlas (no roles, directives or objects of its own)."""

    name = NAME
    label = "PPP atlas page data"
    data_version = 1
    initial_data = {"charts": {}, "cited": {}, "weights": set(), "slide_charts": {}, "slides": {}}

    def clear_doc(self, docname: str) -> None:
        for key in BY_PAGE:
            self.data[key].pop(docname, None)
        self.data["weights"].discard(docname)
        if docname.startswith(BOOK_PREFIX):
            self.data["slides"].pop(docname.removeprefix(BOOK_PREFIX), None)

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        wanted = set(docnames)
        for key in BY_PAGE:
            self.data[key].update({d: v for d, v in otherdata[key].items() if d in wanted})
        self.data["weights"] |= otherdata["weights"] & wanted
        chapters = {d.removeprefix(BOOK_PREFIX) for d in wanted if d.startswith(BOOK_PREFIX)}
        self.data["slides"].update({c: v for c, v in otherdata["slides"].items() if c in chapters})

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        return []  # nothing of this domain is a cross-reference target

    # --- what the extension's modules call ------------------------------------------------

    def note_chart(self, docname: str, meta: dict) -> None:
        self.data["charts"].setdefault(docname, {})[meta["id"]] = meta

    def charts(self) -> list[dict]:
        """Every chart's metadata, page by page."""
        return [meta for metas in self.data["charts"].values() for meta in metas.values()]

    def note_cited(self, docname: str, keys: list[str]) -> None:
        self.data["cited"][docname] = keys

    def cited(self, docname: str) -> list[str]:
        return self.data["cited"].get(docname, [])

    def note_weights_form(self, docname: str) -> None:
        self.data["weights"].add(docname)

    def has_weights_form(self, docname: str) -> bool:
        return docname in self.data["weights"]

    def note_slide_charts(self, docname: str, found: dict) -> None:
        self.data["slide_charts"][docname] = found

    def slide_charts(self, docname: str) -> dict:
        return self.data["slide_charts"].get(docname, {})

    def note_slides(self, chapter: str, state: dict) -> None:
        self.data["slides"][chapter] = state

    def slides(self) -> dict:
        return dict(self.data["slides"])


def page_data(env) -> AtlasDomain:
    """The atlas's per-page data in ``env``."""
    return env.get_domain(NAME)


def setup(app) -> dict:
    app.add_domain(AtlasDomain)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
