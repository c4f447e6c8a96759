"""Glue from other documents, through Sphinx's and myst-nb's supported extension points.

Chapters paste values and charts from notebooks with ``path::key``. myst-nb 1.4 supports that
for ``{glue}``, but ``{glue:text}`` needs an explicit format after the key (it splits on the last
colon), ``{glue:figure}`` has no cross-document form at all, ``{glue}`` takes the document only
as an option, and charts pasted across documents skip mime plugins. Here:

* the glue domain's ``text`` role and ``figure``/``any`` directives (and the bare ``{glue}``) are
  subclasses of myst-nb's, registered with ``override=True`` (``add_role_to_domain``,
  ``add_directive_to_domain``): the same pending-reference machinery, with the forms above;
* :class:`PasteFromOtherDocuments`, a post-transform that runs before myst-nb's
  ``ReplacePendingGlueReferences`` (priority 5), resolves the pending references it knows better:
  a chart becomes the book's chart (rendered per edition by :mod:`ppp_atlas.sphinx_ext`), and a
  pasted value is written as the edition writes it (``62,5`` in Uzbek and Russian,
  :func:`ppp_atlas.sphinx_editions.localise_plain_text`). Every other reference is left to myst-nb.

A ``{glue:text}`` without ``path::`` (a value glued in the same notebook) is formatted by myst-nb
alone, in English: the book pastes every value from another document.
"""
from __future__ import annotations

import json

from docutils import nodes
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.directives import PasteAnyDirective, PasteFigureDirective
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import PendingGlueReference, PendingGlueReferenceError, create_pending_glue_ref, glue_warning
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import config, sphinx_editions


class chart_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lowercase)
    """A chart in a doctree; replaced by its rendered HTML once references are resolved."""


def chart_node(html_part: str, meta: dict) -> nodes.Node:
    """A chart in a page. Charts made by this version of :func:`ppp_atlas.chart` are rendered
    by the build (translated, with their static drawings); older outputs keep their HTML."""
    if meta.get("version", 1) >= 2:
        return chart_placeholder("", meta=meta)
    return nodes.raw("", html_part + figure_script(meta["id"], meta["figure"]), format="html", classes=["output", "text_html"])


def figure_script(chart_id: str, figures) -> str:
    """A chart's figure(s) as inert JSON (never executed)."""
    # "<" written as \u003c: no "</script>" or "<!--" can end or confuse the block
    payload = json.dumps(figures, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" class="ppp-chart-json" data-for="{chart_id}">{payload}</script>'



class PasteText(PasteTextRole):
    """``{glue:text}`path::key``` with no format: ``s`` (any glued value as text)."""

    def run(self):
        _, sep, rest = self.text.partition("::")
        if sep and ":" not in rest:
            self.text += ":s"
        return super().run()


class PasteAny(PasteAnyDirective):
    """``{glue} path::key``: the document as the path before ``::``, as the roles write it."""

    def run(self):
        doc, sep, key = self.arguments[0].partition("::")
        if sep and "doc" not in self.options:
            self.arguments[0], self.options["doc"] = key, doc
        return super().run()


class PasteFigure(PasteFigureDirective):
    """``{glue:figure} path::key``: a figure of a chart or image glued in another document, with
    its caption and name."""

    def run(self):
        doc, sep, key = self.arguments[0].partition("::")
        if not sep:
            return super().run()
        try:
            ref = create_pending_glue_ref(self.document, self.source, self.line, doc, key)
        except PendingGlueReferenceError as exc:
            return [glue_warning(str(exc), self.document, self.line)]
        figure = nodes.figure("", ref, classes=["ppp-glued-figure"])
        self.set_source_info(figure)
        if self.content:
            holder = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, holder)
            if holder.children and isinstance(holder[0], nodes.paragraph):
                first = holder[0]
                caption = nodes.caption(first.rawsource, "", *first.children)
                caption.source, caption.line = first.source, first.line
                figure += caption
                figure += holder.children[1:]
        self.add_name(figure)
        return [figure]


class PasteFromOtherDocuments(SphinxPostTransform):
    """Charts and values pasted from another document, before myst-nb resolves the rest."""

    default_priority = 4  # myst-nb's ReplacePendingGlueReferences: 5

    def run(self, **kwargs):
        lang = config.edition(self.config.language)
        folder = self.env.mystnb_config.output_folder
        for node in list(self.document.findall(PendingGlueReference)):
            output = read_glue_cache(folder, node.refdoc).get(node.key)
            if output is None:
                continue  # myst-nb warns
            data = output.get("data", {})
            meta = output.get("metadata", {}).get("text/html", {}).get("ppp_chart")
            if node.gtype != "text" and meta and "text/html" in data:
                node.replace_self(chart_node(data["text/html"], meta))
            elif node.gtype == "text" and "text/plain" in data:
                try:
                    english = format_plain_text(data["text/plain"], node["fmt_spec"])
                except Exception:  # noqa: BLE001 - myst-nb reports it
                    continue
                text = sphinx_editions.localise_plain_text(data["text/plain"], node["fmt_spec"], english, lang)
                node.replace_self(nodes.inline(text, text, classes=["pasted-text"]))


def setup(app):
    """Registered from :func:`ppp_atlas.sphinx_ext.setup` (after myst-nb, whose names it overrides)."""
    app.add_role_to_domain("glue", "text", PasteText(), override=True)
    for name in ("", "any"):
        app.add_directive_to_domain("glue", name, PasteAny, override=True)
    app.add_directive("glue", PasteAny, override=True)
    app.add_directive_to_domain("glue", "figure", PasteFigure, override=True)
    app.add_post_transform(PasteFromOtherDocuments)


def chart_translator(app):
    """The edition's translate function for chart strings: ``ppp_chart_translate`` if set
    (a callable), else the edition's words: the chart box's fixed words (``ppp.po``), country
    names from CLDR and everything else a chart shows (``charts.po``); English unchanged."""
    from . import editions

    custom = app.config.ppp_chart_translate
    if callable(custom):
        return custom
    language = config.edition(app.config.language)
    if language == config.SOURCE_LANGUAGE:
        return lambda text: text
    words = {**editions.catalog(language, "ppp"), **editions.data_words(language)}
    return lambda text: words.get(text, text) if isinstance(text, str) else text
