"""The editions in the Sphinx build (set up by :mod:`ppp_atlas.sphinx_ext`).

* the interface catalogs of :mod:`ppp_atlas.interface` (themes, search page);
* a language switch in every page's header, ``<link rel="alternate" hreflang>`` for each
  edition and ``x-default``, and a canonical URL per edition;
* Uzbek search that folds every apostrophe (``o'zbek``, ``o‘zbek`` and ``oʻzbek`` find the
  same pages); Russian search uses Sphinx's Russian stemmer;
* glued numbers written in each edition's own way (``62,5``; ``1 234`` where the English
  writes ``1,234``), with Babel (CLDR).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.search import SearchLanguage

from . import config, editions
from .uzbek import APOSTROPHES, fold_apostrophes

TEMPLATES = Path(__file__).parent / "templates"
SEARCH_SCORER = Path(__file__).parent / "search-scorer.js"


class SearchUzbek(SearchLanguage):
    """Uzbek (Latin) search: no stemmer exists, but every apostrophe form is folded, in the
    index and in the reader's query alike."""

    lang = "uz"
    language_name = "Uzbek"
    js_splitter_code = r"""
function splitQuery(query) {
  return query
    .replace(/(?<=[\p{Letter}\p{Number}])[APOSTROPHES](?=[\p{Letter}\p{Number}])/gu, "")
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter(term => term);
}
""".replace("APOSTROPHES", APOSTROPHES)
    js_stemmer_code = r"""
var Stemmer = function() {
  this.stemWord = function(w) { return w.replace(/[APOSTROPHES]/g, "").toLowerCase(); };
};
""".replace("APOSTROPHES", APOSTROPHES)

    def split(self, input: str) -> list[str]:
        return self._word_re.findall(fold_apostrophes(input))

    def stem(self, word: str) -> str:
        return fold_apostrophes(word).replace("ʻ", "").replace("ʼ", "").lower()


def _search_scorer(app, settings):
    """The book's search ranking and excerpts (``search-scorer.js``: a page whose title holds the
    word first; excerpts from the article's text in the edition's language, never the header),
    with the apostrophes of :mod:`ppp_atlas.uzbek` filled in, written beside the compiled catalogs."""
    import hashlib

    text = SEARCH_SCORER.read_text(encoding="utf-8").replace("__PPP_APOSTROPHES__", APOSTROPHES)
    target = editions.generated_locales() / SEARCH_SCORER.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    settings.html_search_scorer = str(target)
    # Sphinx does not rebuild when html_search_scorer's file changes, and a build with no page to
    # write copies no static file: the scorer's digest is a setting of its own, which does rebuild
    settings.ppp_search_scorer_digest = hashlib.sha256(text.encode()).hexdigest()


# --- numbers ----------------------------------------------------------------------

_SPEC = re.compile(r"^(?P<group>,)?(?:\.(?P<precision>\d+))?(?P<type>[dfFgGn%s]?)$")


def localise_number(value, fmt_spec: str, lang: str) -> str | None:
    """``value`` as the edition writes it, or None when it is not a number to localise.
    Grouping follows the English spec: ``:,d`` groups thousands, ``:d`` does not (years)."""
    from babel.numbers import format_decimal, format_percent

    if lang == editions.SOURCE_LANGUAGE or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    match = _SPEC.match(fmt_spec or "")
    if not match:
        return None
    group = bool(match.group("group"))
    kind = match.group("type")
    if kind == "s":
        kind = ""
    # Uzbek and Russian group thousands in any number of five digits or more; four-digit
    # numbers (years among them) stay as the English writes them
    group = group or abs(value) >= 10000
    if kind == "%":
        digits = int(match.group("precision") or 0)
        from babel import Locale

        pattern = Locale.parse(lang).percent_formats[None].pattern  # e.g. "#,##0 %" with a no-break space
        if digits:
            pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
        return format_percent(value, format=pattern, locale=lang)
    if isinstance(value, float) and match.group("precision") is None and kind in ("", "g", "n"):
        text = repr(value)  # as the English page shows it (myst-nb writes the float's repr): 40.0, not 40
        digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    else:
        digits = int(match.group("precision") or (6 if kind in ("f", "F") else 0))
    pattern = ("#,##0" if group else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")


def localise_date(value: str, lang: str) -> str | None:
    """A glued ISO date (``2017-04-03``) as the edition's prose writes it, or None."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return editions.full_date(value, lang)  # the one form of a date in each edition's prose
    except ValueError:
        return None


def localise_text(value: str, lang: str) -> str | None:
    """A glued text value as the edition writes it: ISO dates as dates (in English too), numbers the notebook
    formatted in English ("5,000", "83%") in the edition's convention, country names from CLDR,
    other words from the edition's ``charts`` catalog. None when nothing applies."""
    if _ISO_DATE.fullmatch(value):
        return localise_date(value, lang)
    if lang == editions.SOURCE_LANGUAGE:
        return None
    if _GROUPED.fullmatch(value):
        return localise_number(int(value.replace(",", "")), ",d", lang)
    match = _PERCENT.fullmatch(value)
    if match:
        number = float(match.group(1))
        digits = len(match.group(1).split(".")[1]) if "." in match.group(1) else 0
        return localise_number(number / 100, f".{digits}%", lang)
    return editions.data_words(lang).get(value)


def localise_plain_text(plain: str, fmt_spec: str, english: str, lang: str) -> str:
    """A glued value (``plain``: its ``text/plain`` as the notebook glued it) as the edition's prose
    writes it, given ``english``, myst-nb's formatting of it with ``fmt_spec``: numbers in the
    edition's convention, ISO dates as dates (in English too), words from the edition's catalogs."""
    if lang == editions.SOURCE_LANGUAGE:  # English prose writes a glued ISO date as a date too
        return localise_date(english, lang) or english
    from ast import literal_eval

    try:
        value = literal_eval(plain)
    except (SyntaxError, ValueError):
        return english
    if fmt_spec and fmt_spec[-1] in "dbcoxX" and isinstance(value, float):
        value = int(value)
    if isinstance(value, str):
        return localise_text(value, lang) or english
    return localise_number(value, fmt_spec, lang) or english


# --- interface and links between editions -----------------------------------------

def _config_inited(app, settings):
    from . import citations

    lang = config.edition(settings.language)
    # each edition's own reference style (GOST R 7.0.100-2018 in Uzbek and Russian, as their readers
    # cite, in the edition's fixed words); sphinxcontrib-bibtex reads it when it formats a list
    settings.bibtex_default_style = citations.style_name(lang)
    settings.templates_path.append(str(TEMPLATES))
    options = settings.html_theme_options
    options["article_header_end"] = ["ppp-languages.html", "article-header-buttons.html"]
    # pydata-sphinx-theme 0.17 puts a search field and a second pair of sidebar toggles in its own
    # top navbar, which the book theme hides. Both themes' scripts bind only the first
    # ``.primary-toggle`` in the page, so the visible toggles of the article header did nothing
    # (pydata-sphinx-theme#2451, sphinx-book-theme#935). With no navbar items the navbar is not
    # drawn at all, and the article header's toggles are the ones bound.
    options.setdefault("navbar_persistent", [])
    if lang == editions.SOURCE_LANGUAGE and not settings.html_last_updated_fmt:
        # the date as the book writes dates in English ("24 November 2026"); the editions take
        # theirs from their catalogs (Sphinx's translated default format)
        settings.html_last_updated_fmt = "%-d %B %Y"
    if lang != editions.SOURCE_LANGUAGE:
        from . import interface

        compiled = interface.compile_interface(lang)
        app.add_message_catalog("booktheme", str(compiled))
        chrome = editions.catalog(lang, "sphinx")
        options["search_bar_text"] = chrome.get("Search this book...", "Search this book...")
        options["toc_title"] = chrome.get("Contents", "Contents")


def book_url(app) -> str:
    """The published site's address (the English edition's root), by :func:`ppp_atlas.config.book_url`
    from the build's ``ppp_site_url`` and the one repository line of ``_config.yml``."""
    return config.book_url(app.config.ppp_site_url, app.config.html_theme_options.get("repository_url", ""))


def edition_url(app) -> str:
    """The address of this edition's root: the site's for English, with ``uz/`` or ``ru/``
    after it for the translated editions (cite boxes, chart citations and PDFs use it)."""
    return book_url(app) + config.site_prefix(config.edition(app.config.language))


def _translate_toc_captions(app, doctree):
    """The part captions come from ``_toc.yml`` through sphinx-external-toc, which adds the
    toctrees after Sphinx has translated the page: translate them from the root page's catalog."""
    lang = config.edition(app.config.language)
    if lang == editions.SOURCE_LANGUAGE or app.env.docname != app.config.root_doc:
        return
    from sphinx import addnodes

    words = editions.catalog(lang, app.config.root_doc)
    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption and caption in words:
            toctree["caption"] = words[caption]


def _page_context(app, pagename, templatename, context, doctree):
    lang = config.edition(app.config.language)
    words = editions.translator(lang, "ppp")
    site = book_url(app)
    links = [f'<link rel="canonical" href="{html.escape(site + config.page_url(lang, pagename))}" />']
    for other in editions.LANGUAGES:
        links.append(f'<link rel="alternate" hreflang="{editions.BCP47[other]}" '
                     f'href="{html.escape(site + config.page_url(other, pagename))}" />')
    links.append(f'<link rel="alternate" hreflang="x-default" '
                 f'href="{html.escape(site + config.page_url(editions.SOURCE_LANGUAGE, pagename))}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"
    items = []
    for other in editions.LANGUAGES:
        tag = editions.BCP47[other]
        # the edition's name, and its code for a phone's narrow header (ppp.css shows one of them;
        # the code is hidden from screen readers, which read the name)
        name = (f'<span class="ppp-language-long">{editions.ENDONYMS[other]}</span>'
                f'<span class="ppp-language-short" aria-hidden="true">{other.upper()}</span>')
        if other == lang:
            items.append(f'<li><span class="ppp-language-current" aria-current="page" lang="{tag}">{name}</span></li>')
        else:
            label = words("Read this page in {language}").replace("{language}", editions.ENDONYMS[other])
            items.append(f'<li><a href="{html.escape(config.relative_url(lang, pagename, other))}" hreflang="{tag}" '
                         f'lang="{tag}" rel="alternate" title="{html.escape(label)}">{name}</a></li>')
    context["ppp_languages_html"] = (
        f'<nav class="ppp-languages" aria-label="{html.escape(words("This page in other languages"))}">'
        f'<ul>{"".join(items)}</ul></nav>')


def _citation_words(app, doctree, docname):
    """In-text citations in the edition's words: sphinxcontrib-bibtex's author-year labels write
    "n.d." for a work without a year and "et al." after the first of several authors; the Uzbek
    and Russian editions write their own (``bib.NO_DATE``, ``bib.ET_AL``, as the chart source
    lines and reference lists do)."""
    from docutils import nodes

    from . import bib

    lang = config.edition(app.config.language)
    if lang == editions.SOURCE_LANGUAGE:
        return
    words = {bib.NO_DATE["en"]: bib.NO_DATE[lang], bib.ET_AL["en"]: bib.ET_AL[lang]}
    for reference in doctree.findall(nodes.reference):
        target = reference.get("refuri", "") or reference.get("refid", "")
        if "cite-" not in target:
            continue
        for text in list(reference.findall(nodes.Text)):
            new = str(text)
            for english, own in words.items():
                new = new.replace(english, own)
            if new != str(text):
                text.parent.replace(text, nodes.Text(new))


def _own_translated_nodes(app, doctree):
    """Sphinx 7.4 parses each translated message as a small document of its own, and the nodes it
    puts into the page keep that document, whose settings hold the whole build environment: every
    translated page's saved doctree carried a copy of it (1.5 MB a page, 24 times), read back on
    every rebuild. The nodes belong to the page they are in."""
    for node in doctree.findall(include_self=False):
        if node._document is not None and node._document is not doctree:
            node.document = doctree


def setup(app):
    app.connect("doctree-read", _own_translated_nodes)
    app.add_search_language(SearchUzbek)
    app.connect("config-inited", _config_inited)
    app.add_config_value("ppp_search_scorer_digest", "", "html")
    app.connect("config-inited", _search_scorer)
    app.connect("html-page-context", _page_context)
    app.connect("doctree-read", _translate_toc_captions)
    app.connect("doctree-resolved", _citation_words)
