"""Every fix of another library's HTML, JavaScript or CSS, in one place: the strings of the themes'
and extensions' output that the book edits, each fix with the library and version it was written
against (:data:`FIXES`). :func:`check` reads each target string in the installed library's own file
and stops the build, naming the fix, when one is no longer there: a fix of a string that changed
would otherwise do nothing, silently. The edits of a page are span-exact (:mod:`ppp_atlas.rewriter`).

* **Icons.** The theme ships Font Awesome twice: ``fontawesome.js`` (540 KB gzip, every icon as
  SVG in JavaScript) and the webfonts (270 KB gzip). The script is removed from every page and the
  webfonts are cut down to the glyphs the site's pages and scripts name (``fa-bars``,
  ``fa-github`` ...) and those the theme's CSS draws itself.
* **Code.** Pygments wraps every token of highlighted code in a ``<span>``, also names, punctuation
  and spaces that it draws in the text's own colour in both themes: those spans
  (:func:`plain_token_classes`, read from ``pygments.css`` as pydata-sphinx-theme writes it) are
  unwrapped, which takes a quarter of the elements off a notebook page and changes no colour or letter.
* **Scripts.** The theme loads Sphinx's search tools and the whole search index (50 KB gzip) on
  every page, for a search-as-you-type mode the book leaves off; they stay only on ``search.html``.
  Sphinx's and the extensions' small scripts in ``<head>`` are deferred so they no longer hold up the
  first paint (``documentation_options.js`` stays: inline scripts use it at once). The theme's
  load-time tab-stop pass is taken out of its script (:func:`defer_theme_tab_stops`). Jupyter Book
  always loads sphinx-thebe, which the book does not use (:func:`drop_thebe`).
* **Accessibility.** Two theme and docutils markups that axe-core reports as serious are
  corrected: bibliography entries (``role="doc-biblioentry"``, not a list item, inside
  ``role="list"``) become list items, and the search button's ``aria-label`` ("Search") gives way
  to its visible text ("Search Ctrl+K").
* **Editions.** In a translated edition the theme templates' hard-coded English attribute values
  (``title``, ``aria-label``, ``alt``, ``placeholder``) are given in the edition's words, and citation
  spans that sphinxcontrib-bibtex numbered twice on one page get unique ids.
* **CSP.** The theme's two ``onclick`` attributes (full screen, print) become ``data-ppp-action``
  attributes that ``_static/ppp-page.js`` handles (:data:`HANDLERS`).
* **Search index.** Words an incremental build emptied are taken out of ``searchindex.js``
  (:func:`prune_search_index`).

Supported routes considered: the thebe scripts are dropped in ``html-page-context`` (the route
Sphinx offers). The handlers, the search button and the theme words could be written by template
overrides of sphinx-book-theme's ``macros/buttons.html`` and pydata-sphinx-theme's
``search-button-field.html``; that would move the same strings into copies of whole templates, so
they stay edits here, each checked against the template it edits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .rewriter import Tag, attr, parse, removal, script_src_name


class ThemeFixError(RuntimeError):
    """A fix's target string is no longer in the library it edits."""


@dataclass(frozen=True)
class Fix:
    name: str
    package: str                # the distribution whose text is edited
    version: str                # the version the fix was written against
    module: str                 # its import name (where its files are)
    source: str                 # the file (a glob, from the module's folder) that holds the targets
    targets: tuple              # strings (or compiled patterns) that must be in that file


FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")
FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]{2,5})"\}')
FONTAWESOME_SCRIPT = "scripts/fontawesome.js"

SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
DEFERRABLE = ("translations.js", "doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js", "sphinx-book-theme.js",
              "togglebutton.js", "design-tabs.js", "searchtools.js", "language_data.js", "searchindex.js")

# The theme's inline handlers and the attributes that replace them (ppp-page.js acts on them).
HANDLERS = {("onclick", "toggleFullScreen()"): ("data-ppp-action", "fullscreen"),
            ("onclick", "window.print()"): ("data-ppp-action", "print")}
BIBLIOENTRY = ("role", "doc-biblioentry")
SEARCH_BUTTON_CLASS = "btn search-button-field search-button__button pst-js-only"
#: Attributes whose hard-coded English (from the theme's templates) a translated edition replaces.
CHROME_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
BIBTEX_CITATION = "bibtex-citation"
THEBE = ("sphinx-thebe", "THEBE_JS_URL")
#: how pydata-sphinx-theme writes its light and dark rules into ``pygments.css``
PYGMENTS_THEMES = {"light": 'html[data-theme="light"] ', "dark": 'html[data-theme="dark"] '}
SEARCH_INDEX = ("Search.setIndex(", ")")
#: what the editions' sphinx.js sets on doctools.js's ``Documentation`` (interface.compile_interface)
SPHINX_JS_GLOBALS = ("TRANSLATIONS: {},", 'LOCALE: "unknown",')

#: pydata-sphinx-theme 0.17 marks scrollable boxes as tab stops on the load event, and measuring
#: them lays out the whole page in one task (350 ms on a phone for a notebook page, the main part of
#: its blocking time). ppp-page.js does the same work in idle time, a few boxes at a time, for the
#: theme's boxes and the book's own; the theme's call is taken out of its script.
THEME_TAB_STOPS = '"complete"===document.readyState?I():window.addEventListener("load",I)'
THEME_TAB_STOPS_OFF = "void 0/* tab stops: ppp-page.js, in idle time */"

_PST, _SBT = ("pydata-sphinx-theme", "0.17.1", "pydata_sphinx_theme"), ("sphinx-book-theme", "1.3.0", "sphinx_book_theme")
_PST_THEME = "theme/pydata_sphinx_theme/"

#: Each fix, the library and version it was written against, and where its target strings are.
FIXES = (
    Fix("Font Awesome script removed", *_PST, _PST_THEME + "static/webpack-macros.html", (FONTAWESOME_SCRIPT,)),
    Fix("Font Awesome webfonts cut down", *_PST, _PST_THEME + "static/styles/pydata-sphinx-theme.css",
        (FA_RULE, "--pst-icon-")),
    Fix("search scripts only on the search page", *_PST, _PST_THEME + "layout.html", SEARCH_SCRIPTS),
    Fix("theme's load-time tab stops", *_PST, _PST_THEME + "static/scripts/pydata-sphinx-theme.js", (THEME_TAB_STOPS,)),
    Fix("search button's label", *_PST, _PST_THEME + "components/search-button-field.html",
        (f'class="{SEARCH_BUTTON_CLASS}"', "aria-label=\"{{ _('Search') }}\"")),
    Fix("plain code tokens unwrapped", *_PST, "pygments.py", tuple(p + ".highlight" for p in PYGMENTS_THEMES.values())),
    Fix("theme's inline handlers", *_SBT, "header_buttons/__init__.py",
        tuple(f'"{value}"' for _, value in HANDLERS)),
    Fix("theme's inline handlers (the button macro)", *_SBT, "theme/sphinx_book_theme/macros/buttons.html",
        ('onclick="{{ javascript }}"',)),
    Fix("theme words in the editions", *_SBT, "theme/sphinx_book_theme/components/toggle-*-sidebar.html",
        ("Toggle primary sidebar", "Toggle secondary sidebar")),
    Fix("bibliography entries as list items", "docutils", "0.21.2", "docutils", "writers/_html_base.py",
        ('role="doc-biblioentry"',)),
    Fix("citation ids in translated pages", "sphinxcontrib-bibtex", "2.7.0", "sphinxcontrib.bibtex", "domain.py",
        (f'"{BIBTEX_CITATION}"',)),
    Fix("words of removed pages in the search index", "Sphinx", "7.4.7", "sphinx", "search/__init__.py",
        (SEARCH_INDEX[0],)),
    Fix("sphinx-thebe dropped", "sphinx-thebe", "0.3.1", "sphinx_thebe", "__init__.py", THEBE),
    # written as a file of the edition's locale, not an edit: interface.compile_interface writes
    # <lang>/LC_MESSAGES/sphinx.js, which Sphinx copies as _static/translations.js, setting the search
    # page's words on doctools.js's Documentation object itself (Sphinx's own file calls
    # addTranslations, which builds a function from a string: the site's CSP forbids that)
    Fix("search page's words without new Function", "Sphinx", "7.4.7", "sphinx",
        "themes/basic/static/doctools.js", SPHINX_JS_GLOBALS),
    Fix("search page's words without new Function (the file Sphinx copies)", "Sphinx", "7.4.7", "sphinx",
        "builders/html/__init__.py", ("'sphinx.js'", "'translations.js'")),
)


def _folder(module: str) -> Path | None:
    from importlib.util import find_spec

    spec = find_spec(module)
    return Path(list(spec.submodule_search_locations)[0]) if spec and spec.submodule_search_locations else None


def missing(fix: Fix) -> list[str]:
    """The targets of ``fix`` not found in the installed library's file (all of them if it has no such file)."""
    folder = _folder(fix.module)
    files = sorted(folder.glob(fix.source)) if folder is not None else []
    text = "".join(path.read_text(encoding="utf-8", errors="replace") for path in files)
    return [target.pattern if isinstance(target, re.Pattern) else target for target in fix.targets
            if not files or not (target.search(text) if isinstance(target, re.Pattern) else target in text)]


@lru_cache(maxsize=1)
def check() -> None:
    """Stop, naming the fix, when a target string is no longer in the library it edits (read once
    a process: the files of installed libraries)."""
    from importlib import metadata

    problems = []
    for fix in FIXES:
        lost = missing(fix)
        if lost:
            try:
                installed = metadata.version(fix.package)
            except metadata.PackageNotFoundError:
                installed = "not installed"
            problems.append(f"{fix.name}: written against {fix.package} {fix.version} (installed: {installed}), "
                            f"{', '.join(repr(t) for t in lost)} not found in {fix.module}/{fix.source}")
    if problems:
        raise ThemeFixError("a fix of another library's HTML, JS or CSS no longer finds its target: check what the "
                            "new version writes, then update or drop the fix in ppp_atlas/theme_fixes.py:\n  "
                            + "\n  ".join(problems))


# --- a page's edits -------------------------------------------------------------------

def page_edits(page: str, tags: list[Tag], search_page: bool, chrome: dict[str, str] | None = None
               ) -> list[tuple[int, int, str]]:
    """The fixes of one page's markup (see the module's list); ``chrome``: a translated edition's
    ``{English attribute value: translation}``."""
    edits: list[tuple[int, int, str]] = []
    citation_ids: dict[str, int] = {}
    for tag in tags:
        if tag.name == "script" and tag.has("src") and tag.body == (tag.end, tag.end):
            src = tag.get("src") or ""
            if FONTAWESOME_SCRIPT in src:
                edits.append(removal(page, tag))
                continue
            if not search_page and src.endswith(SEARCH_SCRIPTS) and [a.name for a in tag.attributes] == ["src"]:
                edits.append(removal(page, tag))
                continue
            if script_src_name(tag) in DEFERRABLE and not tag.has("defer") and not tag.has("async"):
                source = tag.attribute("src")
                edits.append((source.space, source.start, " defer "))
        for attribute in tag.attributes:
            if (attribute.name, attribute.value) == BIBLIOENTRY:
                edits.append((attribute.start, attribute.end, attr("role", "listitem")))
            elif (attribute.name, attribute.value) in HANDLERS:
                edits.append((attribute.start, attribute.end, attr(*HANDLERS[(attribute.name, attribute.value)])))
        # the search button's aria-label ("Search", "Qidirish", "Поиск") hides its visible text
        removed = None
        if (tag.name == "button" and tag.get("class") == SEARCH_BUTTON_CLASS and tag.get("aria-label")
                and tag.get("aria-label") == tag.get("title")):
            removed = tag.attribute("aria-label")
            edits.append((removed.space, removed.end, ""))
        # a translated edition: the theme templates' English attribute values in the edition's words
        for attribute in tag.attributes if chrome else ():
            if attribute is not removed and attribute.name in CHROME_ATTRIBUTES and attribute.value in chrome:
                edits.append((attribute.start, attribute.end, attr(attribute.name, chrome[attribute.value])))
        # sphinxcontrib-bibtex numbers the citation spans of each translated paragraph afresh, so two
        # paragraphs can both hold id="id26"; nothing links to them: each later one gets a suffix
        if tag.name == "span" and BIBTEX_CITATION in (tag.get("class") or "").split() and tag.get("id"):
            ident = tag.attribute("id")
            citation_ids[ident.value] = citation_ids.get(ident.value, 0) + 1
            if citation_ids[ident.value] > 1:
                edits.append((ident.start, ident.end, attr("id", f"{ident.value}-{citation_ids[ident.value]}")))
    return edits


def plain_token_classes(css: str) -> frozenset[str]:
    """Pygments token classes drawn exactly as the code around them in light and dark mode:
    their only declaration, in each theme, is the colour of ``.highlight`` itself."""
    import tinycss2

    themes = PYGMENTS_THEMES
    rules: dict[tuple[str, str], dict[str, str]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selector = " ".join(tinycss2.serialize(rule.prelude).split())
        declarations = {d.name: tinycss2.serialize(d.value).strip().lower()
                        for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                        if d.type == "declaration"}
        for theme, prefix in [("", ""), *themes.items()]:
            rest = selector[len(prefix):] if selector.startswith(prefix) else None
            if rest is not None and (rest == ".highlight" or re.fullmatch(r"\.highlight \.[a-z0-9]+", rest)):
                rules[(theme, rest)] = declarations
                break
    base = {theme: rules.get((theme, ".highlight"), {}).get("color") for theme in themes}
    plain = set()
    for rest in {rest for _, rest in rules if rest != ".highlight"}:
        if not set(rules.get(("", rest), {})) <= {"color"}:  # an unthemed rule may add more than colour
            continue
        if all(base[t] and rules.get((t, rest)) == {"color": base[t]} for t in themes):
            plain.add(rest.removeprefix(".highlight ."))
    return frozenset(plain)


def plain_token_edits(page: str, tags: list[Tag], plain: frozenset[str]) -> list[tuple[int, int, str]]:
    """Unwrap the plain token spans in highlighted code (pygments writes them flat, never nested)."""
    edits: list[tuple[int, int, str]] = []
    code_end = -1
    for index, tag in enumerate(tags):
        if tag.name == "pre" and index and tags[index - 1].name == "div" and tags[index - 1].get("class") == "highlight":
            code_end = page.find("</pre>", tag.end)
            continue
        if tag.name != "span" or tag.start > code_end or tag.get("class") not in plain or len(tag.attributes) != 1:
            continue
        close = page.find("</span>", tag.end)
        following = tags[index + 1].start if index + 1 < len(tags) else len(page)
        if close == -1 or close > code_end or close > following:
            continue  # not a flat token span: left as it is
        edits += [(tag.start, tag.end, ""), (close, close + len("</span>"), "")]
    return edits


# --- the built site's files ------------------------------------------------------------

def drop_thebe(context: dict) -> None:
    """Jupyter Book 1 always loads sphinx-thebe, which declares THEBE_JS_URL twice (a console
    error) and points at a CDN. The book launches Binder instead, so its scripts (and its
    stylesheet, one request less before the first paint) are dropped from a page's template
    context (``html-page-context``)."""
    context["css_files"] = [css for css in context.get("css_files", []) if THEBE[0] not in str(css)]
    context["script_files"] = [
        js for js in context.get("script_files", [])
        if THEBE[0] not in str(js) and THEBE[1] not in (getattr(js, "attributes", {}).get("body") or "")
    ]


def remove_fontawesome_script(outdir: Path) -> None:
    """The theme's ``fontawesome.js`` (and its map) taken out of the built site: no page loads it."""
    (outdir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)
    (outdir / "_static" / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)


def icon_names(page: str) -> set[str]:
    """Font Awesome names in a page's class attributes and inline scripts (never in its text)."""
    tags = parse(page)
    names = {n for t in tags for n in FA_NAME.findall(t.get("class") or "")}
    for body in (page[t.body[0]:t.body[1]] for t in tags if t.name == "script" and t.body):
        names.update(FA_NAME.findall(body))
    return names


def icon_codepoints(outdir: Path) -> set[int]:
    """Codepoints of the Font Awesome icons that the built pages and scripts name."""
    css = (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    codepoint = {}
    for selectors, hexcode in FA_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            codepoint[name] = int(hexcode, 16)
    names: set[str] = set()
    for path in outdir.rglob("*.html"):
        names.update(icon_names(path.read_text(encoding="utf-8", errors="ignore")))
    for path in (outdir / "_static").rglob("*.js"):
        if path.name != "fontawesome.js" and "vendor" not in path.parts:
            names.update(FA_NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return {codepoint[n] for n in names if n in codepoint} | theme_icon_codepoints(css)


def theme_icon_codepoints(css: str) -> set[int]:
    """The glyphs the theme's CSS itself draws (``--pst-icon-*`` custom properties: the icons of
    admonitions, version notes, external links ...), which no page names as a class."""
    import tinycss2

    found: set[int] = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type == "declaration" and declaration.name.startswith("--pst-icon-"):
                found.update(ord(t.value) for t in declaration.value if t.type == "string" and len(t.value) == 1)
    return found


def _pristine_webfonts() -> Path:
    import pydata_sphinx_theme

    return (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
            / "static" / "vendor" / "fontawesome" / "webfonts")


def webfonts_are_pristine(outdir: Path) -> bool:
    """True when Sphinx has (re)copied the theme's full fonts since the last subsetting."""
    target = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    return any((target / f.name).exists() and (target / f.name).read_bytes() == f.read_bytes()
               for f in _pristine_webfonts().glob("*.woff2"))


def subset_webfonts(outdir: Path, codepoints: set[int]) -> None:
    """Cut the theme's Font Awesome fonts (from the pristine copies) to ``codepoints``."""
    from fontTools import subset

    pristine = _pristine_webfonts()
    target = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    for source in sorted(pristine.glob("*")):
        if source.suffix not in (".woff2", ".ttf") or not (target / source.name).exists():
            continue
        options = subset.Options()
        options.flavor = "woff2" if source.suffix == ".woff2" else None
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        subset.save_font(font, str(target / source.name), options)


def defer_theme_tab_stops(outdir: Path) -> None:
    """Take the theme's load-time tab-stop pass out of its script (see THEME_TAB_STOPS)."""
    path = outdir / "_static" / "scripts" / "pydata-sphinx-theme.js"
    script = path.read_text(encoding="utf-8")
    if THEME_TAB_STOPS_OFF in script:
        return
    if script.count(THEME_TAB_STOPS) != 1:
        raise RuntimeError(f"{path}: the theme's load-time tab stops ({THEME_TAB_STOPS}) are not in its script: "
                           "pydata-sphinx-theme changed. Check whether it still measures every box at load, "
                           "and update or drop theme_fixes.defer_theme_tab_stops")
    path.write_text(script.replace(THEME_TAB_STOPS, THEME_TAB_STOPS_OFF), encoding="utf-8")


def prune_search_index(outdir: Path) -> int:
    """Words no page holds any more taken out of ``searchindex.js``. On an incremental build Sphinx
    loads the last index and drops the pages that changed from each word's list, but keeps a word
    whose list it emptied (``"word":[]``), so a rebuild's index differs from a clean build's; a
    clean build has none. Written as Sphinx writes it (``json.dumps(..., sort_keys=True)``).
    Returns how many words were taken out."""
    import json

    path = outdir / "searchindex.js"
    prefix, suffix = "Search.setIndex(", ")"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not (text.startswith(prefix) and text.endswith(suffix)):
        return 0
    index = json.loads(text[len(prefix):-len(suffix)])
    dropped = 0
    for field in ("terms", "titleterms"):
        words = index.get(field, {})
        empty = [word for word, pages in words.items() if pages == []]
        for word in empty:
            del words[word]
        dropped += len(empty)
    if dropped:
        path.write_text(prefix + json.dumps(index, sort_keys=True) + suffix, encoding="utf-8")
    return dropped
