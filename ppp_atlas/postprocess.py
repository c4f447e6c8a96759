"""Finish the built HTML: lighter icons, safe external links, a Content-Security-Policy.

Run by the Sphinx extension when a build finishes (before the staging site
replaces the last good one). Every step is idempotent, so pages that an
incremental build did not rewrite can be processed again safely.

* **Icons.** The theme ships Font Awesome twice: ``fontawesome.js`` (540 KB
  gzip, every icon as SVG in JavaScript) and the webfonts (270 KB gzip). The
  script is removed from every page and the webfonts are cut down to the
  glyphs the site's pages and scripts name (``fa-bars``, ``fa-github`` ...).
* **Scripts.** The theme loads Sphinx's search tools and the whole search index
  (50 KB gzip) on every page, for a search-as-you-type mode the book leaves off;
  they stay only on ``search.html``. Sphinx's and the extensions' small scripts
  in ``<head>`` are deferred so they no longer hold up the first paint
  (``documentation_options.js`` stays: inline scripts use it at once).
* **Accessibility.** Two theme and docutils markups that axe-core reports as
  serious are corrected: bibliography entries (``role="doc-biblioentry"``, not a
  list item, inside ``role="list"``) become list items, and the search button's
  ``aria-label`` ("Search") gives way to its visible text ("Search Ctrl+K").
* **External links** get ``rel="noopener"``.
* **CSP.** The theme's two ``onclick`` attributes (full screen, print) become
  ``data-ppp-action`` attributes that ``_static/ppp-page.js`` handles. Each page
  then declares, in a ``<meta>`` tag first in ``<head>``, a policy that allows
  only the site's own files plus the exact inline scripts the page holds (by
  SHA-256 hash): no inline event handler, no eval, no other host.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

FONTAWESOME_SCRIPT = re.compile(r'[ \t]*<script[^>]*src="[^"]*scripts/fontawesome\.js[^"]*"[^>]*></script>\n?')
TAG_A = re.compile(r"""<a\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
HREF = re.compile(r"""\shref=(["'])(.*?)\1""", re.S)
REL = re.compile(r"""\srel=(["'])(.*?)\1""", re.S)
INLINE_SCRIPT = re.compile(r"<script((?:\s[^>]*)?)>(.*?)</script>", re.S)
HANDLER = re.compile(r"""\s(on[a-z]+=(["']).*?\2)""", re.S)
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")
FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]{2,5})"\}')

SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?')
DEFERRABLE = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js", "sphinx-book-theme.js",
              "togglebutton.js", "design-tabs.js", "searchtools.js", "language_data.js", "searchindex.js")
BLOCKING_SCRIPT = re.compile(r'<script((?:\s(?!defer|async)[a-z-]+="[^"]*")*)\s+src="([^"]+)"></script>')
POLICY = ("default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _is_executable(attrs: str) -> bool:
    if re.search(r"\ssrc=", attrs):
        return False
    kind = re.search(r"""\stype=(["'])(.*?)\1""", attrs)
    return kind is None or kind.group(2).strip().lower() in ("", "text/javascript", "module", "application/javascript")


def content_security_policy(page: str) -> str:
    """The policy for one page: the site's own files plus hashes of its inline code."""
    scripts = sorted({_sha256(body) for attrs, body in INLINE_SCRIPT.findall(page) if _is_executable(attrs)})
    handlers = HANDLER.findall(page)
    if handlers:
        raise ValueError(f"inline event handler {handlers[0][0]}: replace it in postprocess.HANDLERS")
    return POLICY.format(scripts=" ".join(["'self'"] + scripts))


HANDLERS = {' onclick="toggleFullScreen()"': ' data-ppp-action="fullscreen"',
            ' onclick="window.print()"': ' data-ppp-action="print"'}


A11Y_FIXES = {' role="doc-biblioentry"': ' role="listitem"',
              'class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search"':
              'class="btn search-button-field search-button__button pst-js-only" title="Search"'}


def fix_accessibility(page: str) -> str:
    for markup, fixed in A11Y_FIXES.items():
        page = page.replace(markup, fixed)
    return page


def replace_inline_handlers(page: str) -> str:
    for handler, action in HANDLERS.items():
        page = page.replace(handler, action)
    return page


def add_csp(page: str) -> str:
    page = CSP_META.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(page)}">\n'
    charset = re.search(r"<meta charset=[^>]*>\n?", page)
    head = re.search(r"<head(\s[^>]*)?>\n?", page)
    if not (charset or head):
        raise ValueError("page has no <head>")
    at = (charset or head).end()
    return page[:at] + meta + page[at:]


def _noopener(match: re.Match) -> str:
    tag = match.group(0)
    href = HREF.search(tag)
    if not href or not re.match(r"(https?:)?//", href.group(2)):
        return tag
    rel = REL.search(tag)
    if rel is None:
        return tag[:-1].rstrip("/ ") + ' rel="noopener">' if not tag.endswith("/>") else tag[:-2] + ' rel="noopener"/>'
    values = rel.group(2).split()
    if "noopener" in values:
        return tag
    return tag[:rel.start()] + f' rel="{" ".join(values + ["noopener"])}"' + tag[rel.end():]


def add_noopener(page: str) -> str:
    return TAG_A.sub(_noopener, page)


def drop_fontawesome_script(page: str) -> str:
    return FONTAWESOME_SCRIPT.sub("", page)


def drop_search_scripts(page: str) -> str:
    return SEARCH_SCRIPTS.sub("", page)


def _defer(match: re.Match) -> str:
    attrs, src = match.groups()
    if src.split("?")[0].rsplit("/", 1)[-1] not in DEFERRABLE:
        return match.group(0)
    return f'<script{attrs} defer src="{src}"></script>'


def defer_scripts(page: str) -> str:
    return BLOCKING_SCRIPT.sub(_defer, page)


def process_page(page: str, search_page: bool = False) -> str:
    if not search_page:
        page = drop_search_scripts(page)
    page = drop_fontawesome_script(page)
    page = fix_accessibility(defer_scripts(page))
    page = replace_inline_handlers(add_noopener(page))
    return add_csp(page)


def icon_codepoints(outdir: Path) -> set[int]:
    """Codepoints of the Font Awesome icons that the built pages and scripts name."""
    css = (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    codepoint = {}
    for selectors, hexcode in FA_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):", selectors):
            codepoint[name] = int(hexcode, 16)
    names: set[str] = set()
    sources = list(outdir.rglob("*.html")) + [p for p in (outdir / "_static").rglob("*.js")
                                             if p.name != "fontawesome.js" and "vendor" not in p.parts]
    for path in sources:
        names.update(FA_NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return {codepoint[n] for n in names if n in codepoint}


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


REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
<link rel="icon" href="data:,">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def write_root_redirect(outdir: Path, root_doc: str, title: str) -> None:
    """A complete page at the site root that forwards to the book's first page."""
    target = f"{root_doc}.html"
    if target != "index.html":
        (outdir / "index.html").write_text(REDIRECT.format(title=html.escape(title), target=target), encoding="utf-8")


def finish_site(outdir: Path) -> None:
    """Process the pages this build wrote (a page left from an earlier build already
    carries its policy; a change to the package makes the build rewrite every page)."""
    written = 0
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            continue
        before = path.read_text(encoding="utf-8")
        if CSP_META.search(before):
            continue
        path.write_text(process_page(before, search_page=path == outdir / "search.html"), encoding="utf-8")
        written += path != outdir / "index.html"  # the root redirect is rewritten on every build
    (outdir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)
    (outdir / "_static" / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)
    if written or webfonts_are_pristine(outdir):
        subset_webfonts(outdir, icon_codepoints(outdir))
