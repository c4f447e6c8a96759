"""Finish the built HTML: a Content-Security-Policy on every page, one stylesheet, safe external links.

Run by the Sphinx extension when a build finishes (before the staging site
replaces the last good one). Every step is idempotent, so pages that an
incremental build did not rewrite can be processed again safely.

Pages are read and rewritten span-exactly by :mod:`ppp_atlas.rewriter` (every byte
not rewritten is kept; text is never mistaken for markup). The fixes of the
themes' and extensions' own markup, scripts and fonts (icons, scripts, code tokens,
accessibility, theme words in the editions, the theme's inline handlers) are in
:mod:`ppp_atlas.theme_fixes`, each checked against the library it edits; this
module applies them with its own, generic steps:

* **Stylesheets.** The ten stylesheets every page links (Sphinx's, the themes', the
  extensions', the book's; the theme's first one only ``@import``s another) are joined
  into one file, ``_static/styles/ppp-site.css``, in the same order, their ``url()``s
  rebased and the ``@import`` inlined (tinycss2 reads and writes the CSS): one request
  that holds up the first paint instead of a chain of eleven.
* **External links** get ``rel="noopener"``.
* **CSP.** The theme's two ``onclick`` attributes become ``data-ppp-action`` attributes
  (:data:`ppp_atlas.theme_fixes.HANDLERS`). Each page then declares, in a ``<meta>`` tag
  first in ``<head>``, a policy that allows only the site's own files plus the exact inline
  scripts the page holds (by SHA-256 hash): no inline event handler, no eval, no other host.

A page that the policy cannot serve stops the build with :class:`MarkupError`:
an inline event handler other than the theme's two, or an inline script whose
code is a value from ``data/`` (text that reached the page as markup, which the
hashes would otherwise allow to run). When the offending text comes from a
table in ``data/``, the message names the file, row and field; otherwise it
names the page, its line and the element, for whoever changed the theme or a
chapter's raw HTML.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import html
import re
from functools import lru_cache
from pathlib import Path

from . import theme_fixes
from .rewriter import Attribute, Tag, apply_edits, attr, parse, removal, through_newline
# the names the tests (and the teaching slides) know this module by
from .theme_fixes import (HANDLERS, THEME_TAB_STOPS, THEME_TAB_STOPS_OFF, defer_theme_tab_stops,  # noqa: F401
                          plain_token_classes, prune_search_index, theme_icon_codepoints)

EXECUTABLE_TYPES = ("", "text/javascript", "module", "application/javascript")
POLICY = ("default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")
CSP = "Content-Security-Policy"


class MarkupError(ValueError):
    """A page holds markup the Content-Security-Policy cannot allow."""


# --- rewriting --------------------------------------------------------------------

def _is_executable(tag: Tag) -> bool:
    return not tag.has("src") and (tag.get("type") or "").strip().lower() in EXECUTABLE_TYPES


def _is_blocking_stylesheet(tag: Tag) -> bool:
    href = tag.get("href") or ""
    return (tag.name == "link" and (tag.get("rel") or "").split() == ["stylesheet"]
            and (tag.get("media") or "all") in ("all", "screen") and "_static/" in href
            and not re.match(r"([a-z]+:)?//", href))


def _rebased(tokens, source_dir: Path, target_dir: Path) -> list:
    """CSS tokens with every relative ``url()`` rewritten for a file in ``target_dir``."""
    import os.path

    from tinycss2 import ast
    from tinycss2.serializer import serialize_string_value, serialize_url

    def move(url: str) -> str:
        if not url or re.match(r"([a-z][a-z0-9+.-]*:|/|#)", url, re.I):
            return url
        path, mark, rest = url.partition("?") if "?" in url else url.partition("#")
        moved = os.path.relpath(os.path.normpath(source_dir / path), target_dir).replace(os.sep, "/")
        return moved + mark + rest

    out = []
    for token in tokens:
        if token.type == "url":
            url = move(token.value)
            token = ast.URLToken(token.source_line, token.source_column, url, f"url({serialize_url(url)})")
        elif token.type == "function" and token.lower_name == "url":
            token.arguments = [ast.StringToken(t.source_line, t.source_column, move(t.value),
                                               f'"{serialize_string_value(move(t.value))}"') if t.type == "string" else t
                               for t in token.arguments]
        elif hasattr(token, "content") and isinstance(token.content, list):
            token.content = _rebased(token.content, source_dir, target_dir)
        elif hasattr(token, "arguments"):
            token.arguments = _rebased(token.arguments, source_dir, target_dir)
        out.append(token)
    return out


def _stylesheet(path: Path, target: Path, seen: set) -> str:
    """One stylesheet as it reads from ``target``'s folder, its ``@import``s inlined in place."""
    import tinycss2

    if path in seen or not path.is_file():
        return ""
    seen.add(path)
    out = []
    for rule in tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            found = [t for t in rule.prelude if t.type in ("string", "url") or (t.type == "function" and t.lower_name == "url")]
            media = tinycss2.serialize([t for t in rule.prelude if t not in found]).strip()
            url = found[0].value if found and found[0].type != "function" else \
                next((a.value for a in found[0].arguments if a.type == "string"), "") if found else ""
            inner = _stylesheet((path.parent / url.split("?")[0]).resolve(), target, seen)
            out.append(f"@media {media} {{\n{inner}\n}}" if media and media not in ("all", "screen") else inner)
            continue
        if rule.type == "error":
            raise MarkupError(f"{path.name}: CSS the bundle cannot read ({rule.message})")
        rule.prelude = _rebased(rule.prelude, path.parent, target.parent)
        if rule.content is not None:
            rule.content = _rebased(rule.content, path.parent, target.parent)
        out.append(tinycss2.serialize([rule]))
    return "\n".join(out)


class StyleBundle:
    """The render-blocking stylesheets of the pages, joined into ``_static/<NAME>``: written for
    the first page processed, used by every page that links the same stylesheets in the same order
    (a page with other stylesheets keeps its own links)."""

    NAME = "styles/ppp-site.css"

    def __init__(self, static: Path):
        self.static = static
        self.files: list[str] | None = None
        self.version = ""

    def href_for(self, files: list[str]) -> str | None:
        if self.files is None:
            target = self.static / self.NAME
            seen: set = set()
            css = "\n".join(_stylesheet((self.static / name).resolve(), target, seen) for name in files) + "\n"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css, encoding="utf-8")
            self.files, self.version = list(files), hashlib.sha256(css.encode("utf-8")).hexdigest()[:8]
        return f"{self.NAME}?v={self.version}" if files == self.files else None


def _bundle_edits(page: str, tags: list[Tag], bundle: StyleBundle | None) -> list[tuple[int, int, str]]:
    sheets = [t for t in tags if _is_blocking_stylesheet(t)]
    if bundle is None or len(sheets) < 2:
        return []
    split = [(t.get("href") or "").partition("_static/") for t in sheets]
    if len({prefix for prefix, _, _ in split}) != 1:
        return []
    href = bundle.href_for([rest.split("?")[0] for _, _, rest in split])
    if href is None:
        return []
    link = f'<link rel="stylesheet" href="{html.escape(split[0][0] + "_static/" + href)}" />'
    return [(sheets[0].start, sheets[0].end, link)] + [removal(page, t) for t in sheets[1:]]


def _edits(page: str, tags: list[Tag], search_page: bool, chrome: dict[str, str] | None = None,
           bundle: StyleBundle | None = None, plain: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = (_bundle_edits(page, tags, bundle)
                                         + theme_fixes.plain_token_edits(page, tags, plain))
    for tag in tags:
        if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == CSP.lower():
            edits.append((tag.start, through_newline(page, tag.end), ""))
        if tag.name == "a":
            edits.extend(_noopener(page, tag))
    return edits + theme_fixes.page_edits(page, tags, search_page, chrome)


def _noopener(page: str, tag: Tag) -> list[tuple[int, int, str]]:
    href = tag.get("href")
    if href is None or not re.match(r"(https?:)?//", href):
        return []
    rel = tag.attribute("rel")
    if rel is None:  # appended after the last attribute; line breaks inside the tag are kept
        tail = page[tag.last_attribute_end:tag.end]
        tail = tail[:-2] + ' rel="noopener"/>' if tag.self_closing else tail[:-1].rstrip("/ ") + ' rel="noopener">'
        return [(tag.last_attribute_end, tag.end, tail)]
    values = (rel.value or "").split()
    if "noopener" in values:
        return []
    return [(rel.space, rel.end, " " + attr("rel", " ".join(values + ["noopener"])))]


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(page: str, tags: list[Tag] | None = None) -> list[str]:
    """The code of every inline script element that a browser would run."""
    tags = parse(page) if tags is None else tags
    return [page[t.body[0]:t.body[1]] for t in tags if t.name == "script" and t.body and _is_executable(t)]


def inline_handlers(tags: list[Tag]) -> list[tuple[Tag, Attribute]]:
    return [(t, a) for t in tags for a in t.attributes if a.name.startswith("on") and len(a.name) > 2]


def check_markup(page: str, tags: list[Tag], allowed: dict | None = None, data_folder: Path | None = None) -> None:
    """Raise :class:`MarkupError` for markup the policy cannot allow: an inline event handler
    (other than those in ``allowed``) or an inline script whose code is a value from the data
    (``data_folder``, the repository's ``data/`` unless given), naming the file, row and field."""
    for tag, attribute in inline_handlers(tags):
        if (attribute.name, attribute.value) not in (allowed or {}):
            raise MarkupError(_handler_message(page, tag, attribute, data_folder))
    for tag in (t for t in tags if t.name == "script" and t.body and _is_executable(t)):
        code = page[tag.body[0]:tag.body[1]].strip()
        found = [place for place, value in _data_cells(data_folder) if code and code in value and "<script" in value.lower()]
        if found:
            raise MarkupError(f"{_line(page, tag)}: a <script> element runs code that comes from {'; '.join(found)}. "
                              "That value reaches the page as markup, not text; show it escaped (charts, tables "
                              "and glue escape data), or reword the value")


def content_security_policy(page: str, tags: list[Tag] | None = None) -> str:
    """The policy for one page: the site's own files plus hashes of its inline code."""
    tags = parse(page) if tags is None else tags
    check_markup(page, tags)
    scripts = inline_scripts(page, tags)
    return POLICY.format(scripts=" ".join(["'self'"] + sorted({_sha256(code) for code in scripts})))


def _line(page: str, tag: Tag) -> str:
    return f"line {page.count(chr(10), 0, tag.start) + 1}"


def _handler_message(page: str, tag: Tag, attribute: Attribute, data_folder: Path | None) -> str:
    element = page[tag.start:tag.end]
    shown = element if len(element) <= 160 else element[:157] + "..."
    value = attribute.value or ""
    found = [place for place, cell in _data_cells(data_folder) if attribute.name in cell.lower() and value in cell]
    where = (f"{_line(page, tag)}: <{tag.name}> has an inline event handler {attribute.name}=\"{value}\", "
             f"which the page's Content-Security-Policy forbids ({shown})")
    if found:
        return (f"{where}. It comes from {'; '.join(found)}: that value reaches the page as markup, not text. "
                "Show it escaped (charts, tables and glue escape data), or reword the value")
    return (f"{where}. It is not text from data/: it is the theme's or a page's own markup. Replace it with a "
            "data-ppp-action attribute (theme_fixes.HANDLERS) handled in _static/ppp-page.js")


def _data_cells(folder: Path | None = None) -> list[tuple[str, str]]:
    """Every non-empty cell of ``<folder>/*.csv`` (the repository's ``data/`` unless given) as
    ("data/file.csv row n, field f", value); row n is line n."""
    from . import paths

    folder = folder or paths.DATA
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.csv")))
    return _read_cells(folder, stamp)


@lru_cache(maxsize=4)
def _read_cells(folder: Path, _stamp: tuple) -> list[tuple[str, str]]:
    cells = []
    for table in sorted(folder.glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            for row in reader:
                line = reader.line_num
                cells += [(f"{folder.name}/{table.name} row {line}, field {column}", cell)
                          for column, cell in zip(header, row) if cell]
    return cells


def process_page(page: str, search_page: bool = False, chrome: dict[str, str] | None = None,
                 bundle: StyleBundle | None = None, plain: frozenset[str] = frozenset(),
                 data_folder: Path | None = None) -> str:
    """One finished page: the rewrites above, then the policy first in ``<head>``. ``chrome``
    (translated editions): ``{English attribute value: translation}`` for the theme's words;
    ``bundle``: the site's joined stylesheet (None: the page keeps its links); ``plain``: the
    token classes of highlighted code to unwrap (:func:`ppp_atlas.theme_fixes.plain_token_classes`);
    ``data_folder``: where values that reach a page as markup are looked for (the repository's data/)."""
    tags = parse(page)
    check_markup(page, tags, allowed=HANDLERS, data_folder=data_folder)  # before any rewrite: lines are those of the page as written
    page = apply_edits(page, _edits(page, tags, search_page, chrome, bundle, plain))
    tags = parse(page)
    meta = f'<meta http-equiv="{CSP}" content="{content_security_policy(page, tags)}">\n'
    anchor = next((t for t in tags if t.name == "meta" and t.get("charset") is not None), None)
    anchor = anchor or next((t for t in tags if t.name == "head"), None)
    if anchor is None:
        raise MarkupError("page has no <head>")
    at = through_newline(page, anchor.end)
    return page[:at] + meta + page[at:]


def has_policy(page: str) -> bool:
    """True when the page was finished already: its policy is in its ``<head>`` (only the head is
    parsed: a no-change rebuild asks this of every page)."""
    head_end = page.find("</head>")
    head = page if head_end < 0 else page[:head_end]
    return any(t.name == "meta" and (t.get("http-equiv") or "").lower() == CSP.lower() for t in parse(head))


REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
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


def write_root_redirect(outdir: Path, root_doc: str, title: str, lang: str = "en") -> None:
    """A complete page at the site's (or an edition's) root that forwards to the book's first page."""
    target = f"{root_doc}.html"
    if target != "index.html":
        (outdir / "index.html").write_text(REDIRECT.format(title=html.escape(title), target=target, lang=lang),
                                           encoding="utf-8")


def finish_site(outdir: Path, chrome: dict[str, str] | None = None) -> None:
    """Process the pages this build wrote (a page left from an earlier build already
    carries its policy; a change to the package makes the build rewrite every page).
    ``chrome``: see :func:`process_page`."""
    theme_fixes.check()
    written = 0
    bundle = StyleBundle(outdir / "_static")
    pygments = outdir / "_static" / "pygments.css"
    plain = theme_fixes.plain_token_classes(pygments.read_text(encoding="utf-8")) if pygments.exists() else frozenset()
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            continue
        before = path.read_text(encoding="utf-8")
        if has_policy(before):
            continue
        try:
            after = process_page(before, search_page=path == outdir / "search.html", chrome=chrome, bundle=bundle,
                                 plain=plain)
        except MarkupError as error:
            raise MarkupError(f"{path.relative_to(outdir).as_posix()} {error}") from None
        path.write_text(after, encoding="utf-8")
        written += path != outdir / "index.html"  # the root redirect is rewritten on every build
    theme_fixes.remove_fontawesome_script(outdir)
    if written or theme_fixes.webfonts_are_pristine(outdir):
        theme_fixes.subset_webfonts(outdir, theme_fixes.icon_codepoints(outdir))
    theme_fixes.defer_theme_tab_stops(outdir)
    theme_fixes.prune_search_index(outdir)
