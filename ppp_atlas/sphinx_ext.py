"""Sphinx extension for the book (listed under ``sphinx.extra_extensions`` in ``_config.yml``).

* draws charts on the site from the ``text/html`` part of :class:`ppp_atlas.charts.Chart`
  (a myst-nb mime plugin puts the figure JSON next to the chart's div);
* serves plotly.js and the world topojson from the site's own ``_static``;
* fills each chapter's ``<!-- references -->`` with the works it cites;
* adds a "Cite this page" box (BibTeX, RIS, APA-like, GOST-like) to every page;
* renders the Data page from ``data/datapackage.json``;
* adds ``{weights-form}``, the reader's own weighting of the design matrix (:mod:`ppp_atlas.weights`);
* registers the house pybtex style for sphinxcontrib-bibtex.
"""
from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from sphinx.util import logging as sphinx_logging

from . import bibkeys, charts, citations, config, paths, sphinx_domain, sphinx_editions, sphinx_glue, sphinx_title, svg, weights
# the chart node lives with the glue that pastes charts (sphinx_glue); named here too, as before
from .sphinx_glue import chart_node, chart_placeholder, chart_translator, figure_script  # noqa: F401
from .charts import MARKER, MIME_PLOTLY

logger = sphinx_logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
VENDOR = paths.ROOT / "_build" / "vendor"


def _named_digest(files) -> str:
    """Digest of ``(name, path)`` pairs: each name and its file's content."""
    h = hashlib.sha256()
    for name, path in files:
        h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def static_digest() -> str:
    """Digest of the package's own static files (names and contents)."""
    return _named_digest((path.name, path) for path in sorted(STATIC.iterdir()))


#: The import contracts, whose layers say which modules the Sphinx build runs
IMPORT_CONTRACTS = paths.ROOT / ".importlinter"
PAGE_LAYERS_FROM = "sphinx_ext"  # its layer and every layer below it shape the pages


def page_modules(contracts: Path = IMPORT_CONTRACTS) -> list[str]:
    """The package's modules that shape the pages: the Sphinx extension's layer and the layers below
    it in ``.importlinter`` (post-processing, i18n, library), not the tools or the printing."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(contracts, encoding="utf-8")
    layers = [line.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    start = next(i for i, layer in enumerate(layers) if PAGE_LAYERS_FROM in layer.replace(" ", "").split(":"))
    return sorted(name.strip() for layer in layers[start:] for name in layer.split(":"))


def code_digest(package: Path = Path(__file__).parent, contracts: Path = IMPORT_CONTRACTS) -> str:
    """Digest of the code of :func:`page_modules`: a change to any of them reads every page again
    (an incremental build would otherwise keep pages made by the code before the change)."""
    return _named_digest((name, package / f"{name}.py") for name in page_modules(contracts))


class PlotlyMimeRenderer:
    """myst-nb mime plugin: a chart becomes a :class:`chart_placeholder`, rendered at write time."""

    mime_priority_overrides: list = []

    @staticmethod
    def handle_mime(renderer, data, inline):
        meta = data.output_metadata.get("text/html", {}).get("ppp_chart")
        if data.mime_type == MIME_PLOTLY and meta:
            return []  # the site draws the chart from the text/html part below
        if inline or data.mime_type != "text/html" or MARKER not in data.content:
            return None
        if not meta:
            return None
        document = getattr(getattr(renderer, "renderer", None), "document", None)
        env = getattr(document.settings, "env", None) if document is not None else None
        if env is not None and "figure" in meta and meta.get("version", 1) >= 2:
            sphinx_domain.page_data(env).note_chart(env.docname, meta)
        return [chart_node(data.content, meta)]


def _language(app) -> str:
    return config.edition(app.config.language)


def _figures(meta, translate, lang):
    return charts.chart_figures(meta, translate, lang)


def _drawing_jobs(meta, figures):
    heights = charts.chart_heights(figures)
    return [(figures[v], charts.WIDTHS[v], heights[v]) for v in ("wide", "narrow")]


def _draw_all_charts(app, env):
    """After reading: draw every chart of the edition that the cache lacks, in one batch."""
    if app.builder.format != "html":
        return []
    translate, lang = chart_translator(app), _language(app)
    jobs = []
    for meta in sphinx_domain.page_data(env).charts():
        jobs += _drawing_jobs(meta, _figures(meta, translate, lang))
    missing = [job for job in jobs if svg.cached(*job) is None]
    if missing:
        logger.info(f"drawing {len(missing)} chart images (kaleido)")
        svg.draw(missing)
    return []


def _render_charts(app, doctree, docname):
    placeholders = list(doctree.findall(chart_placeholder))
    if not placeholders:
        return
    translate, lang = chart_translator(app), _language(app)
    html_builder = app.builder.format == "html"
    depth = docname.count("/")
    static = "../" * depth + "_static/charts/"
    outdir = Path(app.outdir) / "_static" / "charts"
    site = sphinx_editions.edition_url(app) if html_builder else ""
    book = app.config.html_title or app.config.project
    for node in placeholders:
        meta = node["meta"]
        figures = _figures(meta, translate, lang)
        svgs, href, src, script = None, None, None, ""
        if html_builder:
            jobs = _drawing_jobs(meta, figures)
            drawn = svg.draw(jobs)
            outdir.mkdir(parents=True, exist_ok=True)
            # <name>.svg, the wide drawing, is also the file readers download
            inline = {v: charts.clean_svg(d, f'{meta["id"]}-{v}') for v, d in zip(("wide", "narrow"), drawn)}
            if charts.drawn_as_files(meta, list(inline.values())):  # maps, heatmaps: files beside the page
                svgs = {}
                for (variant, drawing), (_, width, height) in zip(zip(("wide", "narrow"), drawn), jobs):
                    base = meta["name"] + ("" if variant == "wide" else "-narrow")
                    light = charts.clean_svg(drawing, base, standalone=True)
                    _write_if_changed(outdir / f"{base}.svg", light)
                    _write_if_changed(outdir / f"{base}-dark.svg", charts.dark_svg(light))
                    svgs[variant] = {"href": static + base, "width": width, "height": height}
            else:
                _write_if_changed(outdir / f'{meta["name"]}.svg', charts.clean_svg(drawn[0], meta["name"], standalone=True))
                svgs = inline
            # UTF-8, not \u escapes: a Russian figure is a third of the size (its hover texts)
            payload = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            _write_if_changed(outdir / f'{meta["name"]}.json', payload)
            href = static + f'{meta["name"]}.svg'
            src = static + f'{meta["name"]}.json'
        page = site + docname + ".html#" + (meta.get("anchor") or f'chart-{meta["name"]}')
        cite = f'{translate(meta["title"])}. {book}. {page}' if html_builder else None
        body = charts.render_chart_html(meta, translate, lang, svgs=svgs, svg_href=href, cite=cite, figure_src=src,
                                         figures=figures)
        node.replace_self(nodes.raw("", body + script, format="html", classes=["output", "text_html"]))


def _translate_tables(app, doctree, docname):
    """Notebook tables (pandas Styler output, rendered once in English at execution) in the
    edition's words (:mod:`ppp_atlas.tables`), after glue has pasted them into chapters."""
    if _language(app) == "en" and not callable(app.config.ppp_chart_translate):
        return
    from . import tables

    translate = chart_translator(app)
    for node in list(doctree.findall(nodes.raw)):
        markup = node.astext()
        if node.get("format") == "html" and tables.is_table(markup):
            new = tables.translate_table_html(markup, translate)
            if new != markup:
                node.replace_self(nodes.raw("", new, format="html", classes=node.get("classes", [])))


def _note_table_catalog(app, doctree):
    """A page is rewritten when the words it takes from the edition's catalogs change: a notebook
    table's or a chart's (``charts.po``), a chart box's (``ppp.po``), a value pasted from a notebook
    (a country's name, a word from ``charts.po``). Noted when the page is read, whether the chart
    is the notebook's own or pasted into a chapter."""
    from myst_nb.ext.glue.utils import PendingGlueReference

    from . import editions, tables

    lang = _language(app)
    charts_here = any(True for _ in doctree.findall(chart_placeholder))
    pasted = any(True for _ in doctree.findall(PendingGlueReference))
    if charts_here or pasted or any(n.get("format") == "html" and tables.is_table(n.astext())
                                    for n in doctree.findall(nodes.raw)):
        editions.note_catalog(app.env, lang, "charts")
    if charts_here or pasted:
        editions.note_catalog(app.env, lang, "ppp")


def standalone_chart_html(meta: dict, translate=lambda text: text, lang: str = "en") -> str:
    """A chart as the site shows it, with its drawings and its figures inline (for one-off pages and tests)."""
    figures = _figures(meta, translate, lang)
    drawn = svg.draw(_drawing_jobs(meta, figures))
    svgs = {v: charts.clean_svg(d, f'{meta["id"]}-{v}') for v, d in zip(("wide", "narrow"), drawn)}
    body = charts.render_chart_html(meta, translate, lang, svgs=svgs, figures=figures)
    return body + figure_script(meta["id"], figures)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# --- chapter reference lists -------------------------------------------------

def _collect_citations(app, doctree):
    cited = []
    for node in doctree.findall(lambda n: n.tagname == "pending_xref" and n.get("refdomain") == "cite"):
        for key in node.get("reftarget", "").split(","):
            if key.strip() and key.strip() not in cited:
                cited.append(key.strip())
    sphinx_domain.page_data(app.env).note_cited(app.env.docname, cited)
    if cited:  # the references' notes come from the edition's references.po
        from . import editions

        editions.note_catalog(app.env, _language(app), "references")


def _fill_references(app, doctree, docname):
    # MyST keeps `<!-- references -->` as a raw HTML node; reST would make it a comment.
    comments = [n for n in doctree.findall(lambda n: isinstance(n, (nodes.comment, nodes.raw)))
                if n.astext().strip() in ("references", "<!-- references -->")]
    if not comments:
        return
    keys = sphinx_domain.page_data(app.env).cited(docname)
    bibliography = _relative(app, docname, app.config.ppp_bibliography_doc)
    items = citations.reference_list_html(keys, bibliography, _ppp_words(app), _language(app))
    for comment in comments:
        comment.replace_self(nodes.raw("", items, format="html"))


def _ppp_words(app):
    """The edition's translator for the book's own fixed words (``ppp.po``)."""
    from . import editions

    return editions.translator(_language(app), "ppp")


def _relative(app, from_doc, to_doc):
    return app.builder.get_relative_uri(from_doc, to_doc) if hasattr(app.builder, "get_relative_uri") else to_doc


# --- cite this page ------------------------------------------------------------

def _drop_thebe(app, pagename, templatename, context, doctree):
    """sphinx-thebe's scripts and stylesheet dropped (:func:`ppp_atlas.theme_fixes.drop_thebe`)."""
    from . import theme_fixes

    theme_fixes.drop_thebe(context)


def _theme_defaults(app, pagename, templatename, context, doctree):
    """pydata-sphinx-theme logs "invalid theme mode" unless a default mode is set; the book
    theme does not accept the option, so the template variable is set directly."""
    context["default_mode"] = context.get("default_mode") or "auto"


def _cite_box(app, pagename, templatename, context, doctree):
    if doctree is None or pagename in app.config.ppp_no_cite_box:
        return
    title = html.unescape(_strip_tags(context.get("title", "")))
    url = sphinx_editions.edition_url(app) + pagename + ".html"
    lang = _language(app)
    context["body"] = context.get("body", "") + citations.cite_box_html(title, url, pagename, _ppp_words(app), lang)


def _strip_tags(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", text)


# --- Data page ------------------------------------------------------------------

class DataTables(Directive):
    """``{data-tables}``: one section per table of the package, with dictionary and downloads."""

    has_content = False

    def run(self):
        import os

        from . import data, datadocs

        env = self.state.document.settings.env
        for path in [paths.PACKAGE, paths.BIBFILE, *paths.DATA.glob("*.csv"), *paths.DATA.glob("schemas/*.json"),
                     *paths.DATA.glob("notes/*.md")]:
            env.note_dependency(str(path))
        depth = env.docname.count("/")
        static = "../" * depth + "_static/"
        bibliography = os.path.relpath(env.config.ppp_bibliography_doc, os.path.dirname(env.docname) or ".") + ".html"
        result = []
        for resource in data.validate()["resources"]:
            section = nodes.section(ids=[resource["name"]], names=[resource["name"]])
            section += nodes.title(text=resource.get("title", resource["name"]))
            body = datadocs.table_section_html(resource, bibliography, _data_translator(env)).replace("{static}", static)
            section += nodes.raw("", body, format="html")
            result.append(section)
        return result


class DataDownloads(Directive):
    """``{data-downloads}``: the whole data package and its descriptor, in the edition's words."""

    has_content = False

    def run(self):
        from . import datadocs

        env = self.state.document.settings.env
        static = "../" * env.docname.count("/") + "_static/"
        return [nodes.raw("", datadocs.downloads_html(static, _data_translator(env)), format="html")]


class _DataHtml(Directive):
    """A block of the Data page made from data: re-read when any table changes."""

    has_content = False
    render = staticmethod(lambda tr: "")

    def run(self):
        env = self.state.document.settings.env
        for path in [paths.PACKAGE, *paths.DATA.glob("*.csv"), *paths.DATA.glob("schemas/*.json")]:
            env.note_dependency(str(path))
        return [nodes.raw("", type(self).render(_data_translator(env)), format="html")]


def _data_translator(env):
    """The edition's translator for the Data page (``locales/<lang>/LC_MESSAGES/data.po``)."""
    from . import editions

    lang = config.edition(env.config.language)
    editions.note_catalog(env, lang, "data")
    return editions.translator(lang, "data")


class VerificationLabels(_DataHtml):
    """``{verification-labels}``: every label a ``verification`` cell may hold, defined for readers."""

    @staticmethod
    def render(tr):
        from . import datadocs

        return datadocs.labels_html(tr)


class ArticleOutline(_DataHtml):
    """``{article-outline}``: the numbered outline of the source article, from ``data/article-outline.csv``."""

    @staticmethod
    def render(tr):
        from . import datadocs

        return datadocs.outline_html(tr)


class _LocalisedDataHtml(_DataHtml):
    """A block made from data whose numbers and dates are written in the edition's language;
    it depends on the coded tables' two codings too (``data/coding/``). ``renderer`` names the
    function of :mod:`ppp_atlas.datadocs` that writes it."""

    renderer = ""

    def run(self):
        from . import datadocs

        env = self.state.document.settings.env
        for path in [paths.PACKAGE, *paths.DATA.glob("*.csv"), *paths.DATA.glob("schemas/*.json"),
                     *paths.DATA.glob("coding/*")]:
            env.note_dependency(str(path))
        lang = config.edition(env.config.language)
        static = "../" * env.docname.count("/") + "_static/"
        block = getattr(datadocs, self.renderer)(_data_translator(env), lang)
        return [nodes.raw("", block.replace("{static}", static), format="html")]


class VerificationShares(_LocalisedDataHtml):
    """``{verification-shares}`` (Data page): per table, how far the sources bear out its rows."""

    renderer = "verification_html"


class CodingAgreement(_LocalisedDataHtml):
    """``{coding-agreement}`` (codebook page): how far the two codings agree."""

    renderer = "agreement_html"


class LegalChanges(_LocalisedDataHtml):
    """``{legal-changes}``: the changes in the law found since the first edition."""

    renderer = "legal_changes_html"


class MovedCells(_LocalisedDataHtml):
    """``{moved-cells}``: every coded cell whose value changed since the first edition, and why."""

    renderer = "moved_html"


# --- the law as of a date, under every page's title (ppp_atlas/lawdate.py) ------------------

def _law_note(app, doctree, docname):
    if app.builder.format != "html" or docname not in config.toc_docnames() or docname == app.config.root_doc:
        return
    from . import lawdate

    sphinx_title.place(doctree, lawdate.note_html(_language(app), docname))


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from . import datadocs, postprocess

    static = Path(app.outdir) / "_static"
    vendor = static / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for name in ("plotly-ppp.min.js", "plotly-ppp-geo.min.js", "world_110m.json"):
        source = VENDOR / name
        if not source.exists():
            raise FileNotFoundError(f"{source} is missing: run `make assets` (make book does it)")
        (vendor / name).write_bytes(source.read_bytes())
    datadocs.write_downloads(static / "data")
    postprocess.write_root_redirect(Path(app.outdir), app.config.root_doc, app.config.html_title or app.config.project,
                                    _language(app))


def _finish_pages(app, exception):
    """Post-process the written pages (:func:`postprocess.finish_site`), after every other
    build-finished step has written its files: pydata's light and dark ``pygments.css`` (which the
    joined stylesheet and the plain-token rule read) and the root redirect."""
    if exception is not None or app.builder.format != "html":
        return
    from . import interface, postprocess

    language = _language(app)
    chrome = None if language == config.SOURCE_LANGUAGE else interface.chrome_replacements(language)
    postprocess.finish_site(Path(app.outdir), chrome=chrome)


def setup(app):
    from . import patches, sphinx_pdf, sphinx_teaching

    patches.require_versions()
    patches.fast_plain_text()
    sphinx_domain.setup(app)  # the per-page data the features below keep
    sphinx_title.setup(app)   # the blocks under a page's title
    sphinx_editions.setup(app)
    sphinx_pdf.setup(app)
    sphinx_glue.setup(app)
    sphinx_teaching.setup(app)
    app.add_config_value("ppp_site_url", "", "html")
    app.add_config_value("ppp_bibliography_doc", "book/bibliography", "env")
    app.add_config_value("ppp_no_cite_box", [], "html")
    app.add_config_value("ppp_chart_translate", None, "env")
    # Sphinx copies html_static_path only when it writes a page, and links each file with a
    # checksum of its content: a change to a file of ppp_atlas/static alone must rewrite every page
    app.add_config_value("ppp_static_digest", static_digest(), "html")
    # and a change to the extension's code or to what it imports reads every page again ("env")
    app.add_config_value("ppp_code_digest", code_digest(), "env")
    app.add_node(chart_placeholder)
    app.add_directive("data-tables", DataTables)
    app.add_directive("data-downloads", DataDownloads)
    app.add_directive("verification-labels", VerificationLabels)
    app.add_directive("article-outline", ArticleOutline)
    app.add_directive("verification-shares", VerificationShares)
    app.add_directive("coding-agreement", CodingAgreement)
    app.add_directive("legal-changes", LegalChanges)
    app.add_directive("moved-cells", MovedCells)
    weights.setup(app)
    bibkeys.setup(app)
    app.connect("doctree-read", _collect_citations)
    app.connect("doctree-resolved", _fill_references)
    app.connect("doctree-resolved", _render_charts, priority=600)  # after myst-nb resolves pasted charts
    app.connect("doctree-resolved", _translate_tables, priority=600)  # tables pasted by glue too
    app.connect("doctree-read", _note_table_catalog)
    app.connect("env-updated", _draw_all_charts)
    app.connect("html-page-context", _cite_box)
    app.connect("doctree-resolved", _law_note, priority=440)  # above the PDF links (sphinx_pdf, 450)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _theme_defaults)
    app.connect("build-finished", _copy_assets, priority=400)  # before sphinx-external-toc writes a bare redirect
    app.connect("build-finished", _finish_pages, priority=900)  # after pydata-sphinx-theme rewrites pygments.css
    app.connect("builder-inited", _add_static)
    app.connect("config-inited", _launch_release)
    app.connect("env-updated", _mystnb_css_before_writing)
    app.connect("builder-inited", _load_formatted_references)
    app.connect("build-finished", _save_formatted_references)
    app.connect("build-finished", _keep_search_entries, priority=950)
    citations.register_style()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 6}


def _keep_search_entries(app, exception):
    """Sphinx 7.4 saves the environment after reading and feeds the search index's entries (the
    glossary's terms among them) while writing, so an incremental build's index lost the entries of
    every page it did not write again: the environment is saved once more when the build is done
    (listed in ppp_atlas/patches.toml)."""
    import pickle

    from sphinx.application import ENV_PICKLE_FILENAME

    saved = Path(app.doctreedir) / ENV_PICKLE_FILENAME
    if exception is None and app.builder.format == "html" and saved.exists():
        with saved.open("wb") as handle:
            pickle.dump(app.env, handle, pickle.HIGHEST_PROTOCOL)


def _load_formatted_references(app):
    citations.FORMATTED.load(Path(app.doctreedir) / "ppp-formatted-references.pickle")


def _save_formatted_references(app, exception):
    if exception is None:
        citations.FORMATTED.save()


def _mystnb_css_before_writing(app, env):
    """myst-nb copies its CSS when the build finishes, after the pages are written, so a
    clean build links it without Sphinx's ``?v=`` checksum and a rebuild with one. Copying
    it before the pages are written makes clean and incremental builds byte-identical."""
    from myst_nb.sphinx_ext import add_global_html_resources

    if app.builder.format == "html":
        (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)
    return []


def _launch_release(app, settings):
    """Binder launch buttons open the notebooks of the released book (its tag), not whatever
    ``main`` holds at the time a reader clicks. The theme builds the launch address from
    ``repository_branch``; the repository button and the cite boxes do not use it."""
    settings.html_theme_options["repository_branch"] = config.release_tag()


def _add_static(app):
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("ppp.css")
    app.add_js_file("ppp-charts.js", loading_method="defer")
    app.add_js_file("ppp-page.js", loading_method="defer")
