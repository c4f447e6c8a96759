"""Finish the built HTML: lighter icons, safe external links, a Content-Security-Policy.

Run by the Sphinx extension when a build finishes (before the staging site
replaces the last good one). Every step is idempotent, so pages that an
incremental build did not rewrite can be processed again safely.

**How pages are read.** Each page is parsed with the standard library's
HTML parser (:class:`html.parser.HTMLParser`, which reports where every start
tag begins and ends). Only real elements and their real attributes are
rewritten, by replacing the exact span of the tag or attribute; every other
byte of the page is kept. Text is never mistaken for markup, so a value from
``data/`` such as ``onclick="x()"``, ``< 5 staff`` or ``<script>`` quoted in a
note stays what it is on the page: text. The attributes inside a tag are
located with the same tokenizer the parser uses for that tag.

* **Icons.** The theme ships Font Awesome twice: ``fontawesome.js`` (540 KB
  gzip, every icon as SVG in JavaScript) and the webfonts (270 KB gzip). The
  script is removed from every page and the webfonts are cut down to the
  glyphs the site's pages and scripts name (``fa-bars``, ``fa-github`` ...).
* **Stylesheets.** The ten stylesheets every page links (Sphinx's, the themes', the
  extensions', the book's; the theme's first one only ``@import``s another) are joined
  into one file, ``_static/styles/ppp-site.css``, in the same order, their ``url()``s
  rebased and the ``@import`` inlined (tinycss2 reads and writes the CSS): one request
  that holds up the first paint instead of a chain of eleven.
* **Code.** Pygments wraps every token of highlighted code in a ``<span>``, also names,
  punctuation and spaces that it draws in the text's own colour in both themes: those
  spans (``plain_token_classes``, read from ``pygments.css``) are unwrapped, which takes
  a quarter of the elements off a notebook page and changes no colour or letter.
* **Scripts.** The theme loads Sphinx's search tools and the whole search index
  (50 KB gzip) on every page, for a search-as-you-type mode the book leaves off;
  they stay only on ``search.html``. Sphinx's and the extensions' small scripts
  in ``<head>`` are deferred so they no longer hold up the first paint
  (``documentation_options.js`` stays: inline scripts use it at once).
* **Accessibility.** Two theme and docutils markups that axe-core reports as
  serious are corrected: bibliography entries (``role="doc-biblioentry"``, not a
  list item, inside ``role="list"``) become list items, and the search button's
  ``aria-label`` ("Search") gives way to its visible text ("Search Ctrl+K").
* **Editions.** In a translated edition the theme templates' hard-coded English
  attribute values (``title``, ``aria-label``, ``alt``, ``placeholder``) are given in
  the edition's words, and citation spans that sphinxcontrib-bibtex numbered twice
  on one page get unique ids.
* **External links** get ``rel="noopener"``.
* **CSP.** The theme's two ``onclick`` attributes (full screen, print) become
  ``data-ppp-action`` attributes that ``_static/ppp-page.js`` handles. Each page
  then declares, in a ``<meta>`` tag first in ``<head>``, a policy that allows
  only the site's own files plus the exact inline scripts the page holds (by
  SHA-256 hash): no inline event handler, no eval, no other host.

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
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant
from pathlib import Path

FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")
FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]{2,5})"\}')

SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
DEFERRABLE = ("translations.js", "doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js", "sphinx-book-theme.js",
              "togglebutton.js", "design-tabs.js", "searchtools.js", "language_data.js", "searchindex.js")
EXECUTABLE_TYPES = ("", "text/javascript", "module", "application/javascript")
POLICY = ("default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'")
CSP = "Content-Security-Policy"

# The theme's inline handlers and the attributes that replace them (ppp-page.js acts on them).
HANDLERS = {("onclick", "toggleFullScreen()"): ("data-ppp-action", "fullscreen"),
            ("onclick", "window.print()"): ("data-ppp-action", "print")}
SEARCH_BUTTON_CLASS = "btn search-button-field search-button__button pst-js-only"


class MarkupError(ValueError):
    """A page holds markup the Content-Security-Policy cannot allow."""


# --- the parsed page -----------------------------------------------------------------

@dataclass
class Attribute:
    name: str            # lower case, as the parser reports it
    value: str | None    # unescaped, as the parser reports it
    start: int           # where the attribute's name begins in the page
    end: int             # where its value (or its name, if it has none) ends
    space: int           # where the white space before it begins


@dataclass
class Tag:
    name: str
    start: int
    end: int                                  # just after ">"
    attributes: list[Attribute] = field(default_factory=list)
    self_closing: bool = False
    body: tuple[int, int] | None = None       # script/style: the raw text between the tags
    close_end: int | None = None              # just after the end tag, when there is one

    def get(self, name: str) -> str | None:
        """The first value of attribute ``name`` (None if absent or written without a value)."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute.value
        return None

    def has(self, name: str) -> bool:
        return any(attribute.name == name for attribute in self.attributes)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    @property
    def last_attribute_end(self) -> int:
        return self.attributes[-1].end if self.attributes else self.start + 1 + len(self.name)


class _Scanner(HTMLParser):
    """Collects every start tag with its exact span; raw text of script and style kept apart."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", page)]
        self.tags: list[Tag] = []
        self._open_raw: Tag | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _tag(self, name: str, self_closing: bool) -> Tag:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        tag = Tag(name, start, start + len(raw), _attributes(raw, start), self_closing)
        self.tags.append(tag)
        return tag

    def handle_starttag(self, name, attrs):
        tag = self._tag(name, False)
        if name in self.CDATA_CONTENT_ELEMENTS:
            self._open_raw = tag

    def handle_startendtag(self, name, attrs):
        self._tag(name, True)

    def handle_endtag(self, name):
        tag, self._open_raw = self._open_raw, None
        if tag is not None and tag.name == name:
            start = self._offset()
            tag.body = (tag.end, start)
            close = self.page.find(">", start)
            tag.close_end = close + 1 if close != -1 else len(self.page)


def _attributes(raw: str, offset: int) -> list[Attribute]:
    """The attributes of one start tag, located the way ``HTMLParser.parse_starttag`` finds them."""
    match = tagfind_tolerant.match(raw, 1)
    if match is None:
        return []
    found, position = [], match.end()
    previous_end = 1 + len(match.group(1))
    end = len(raw) - (2 if raw.endswith("/>") else 1)
    while position < end:
        m = attrfind_tolerant.match(raw, position)
        if not m:
            break
        value = m.group(3)
        if value is not None and value[:1] == value[-1:] and value[:1] in ("'", '"') and len(value) > 1:
            value = value[1:-1]
        if value is not None:
            value = html.unescape(value)
        content_end = m.end(3) if m.group(3) is not None else m.end(1)
        found.append(Attribute(m.group(1).lower(), value, offset + m.start(1), offset + content_end,
                               offset + previous_end))
        previous_end, position = content_end, m.end()
    return found


def parse(page: str) -> list[Tag]:
    """Every start tag of ``page`` in document order, with exact positions."""
    scanner = _Scanner(page)
    scanner.feed(page)
    scanner.close()
    return scanner.tags


# --- rewriting --------------------------------------------------------------------

def _attr(name: str, value: str) -> str:
    return f'{name}="{html.escape(value, quote=True)}"'


def _line_start(page: str, at: int) -> int:
    """``at`` moved back over spaces and tabs, so a removed tag takes its indentation along."""
    while at > 0 and page[at - 1] in " \t":
        at -= 1
    return at


def _through_newline(page: str, at: int) -> int:
    return at + 1 if page.startswith("\n", at) else at


def _script_src_name(tag: Tag) -> str:
    return (tag.get("src") or "").split("?")[0].rsplit("/", 1)[-1]


def _is_executable(tag: Tag) -> bool:
    return not tag.has("src") and (tag.get("type") or "").strip().lower() in EXECUTABLE_TYPES


def _removal(page: str, tag: Tag) -> tuple[int, int, str]:
    end = tag.close_end if tag.close_end is not None else tag.end
    return _line_start(page, tag.start), _through_newline(page, end), ""


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
    return [(sheets[0].start, sheets[0].end, link)] + [_removal(page, t) for t in sheets[1:]]


def plain_token_classes(css: str) -> frozenset[str]:
    """Pygments token classes drawn exactly as the code around them in light and dark mode:
    their only declaration, in each theme, is the colour of ``.highlight`` itself."""
    import tinycss2

    themes = {"light": 'html[data-theme="light"] ', "dark": 'html[data-theme="dark"] '}
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


def _plain_token_edits(page: str, tags: list[Tag], plain: frozenset[str]) -> list[tuple[int, int, str]]:
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


#: Attributes whose hard-coded English (from the theme's templates) a translated edition replaces.
CHROME_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


def _edits(page: str, tags: list[Tag], search_page: bool, chrome: dict[str, str] | None = None,
           bundle: StyleBundle | None = None, plain: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = _bundle_edits(page, tags, bundle) + _plain_token_edits(page, tags, plain)
    citation_ids: dict[str, int] = {}
    for tag in tags:
        if tag.name == "script" and tag.has("src") and tag.body == (tag.end, tag.end):
            src = tag.get("src") or ""
            if "scripts/fontawesome.js" in src:
                edits.append(_removal(page, tag))
                continue
            if not search_page and src.endswith(SEARCH_SCRIPTS) and [a.name for a in tag.attributes] == ["src"]:
                edits.append(_removal(page, tag))
                continue
            if _script_src_name(tag) in DEFERRABLE and not tag.has("defer") and not tag.has("async"):
                source = tag.attribute("src")
                edits.append((source.space, source.start, " defer "))
        if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == CSP.lower():
            edits.append((tag.start, _through_newline(page, tag.end), ""))
        if tag.name == "a":
            edits.extend(_noopener(page, tag))
        for attribute in tag.attributes:
            if attribute.name == "role" and attribute.value == "doc-biblioentry":
                edits.append((attribute.start, attribute.end, _attr("role", "listitem")))
            elif (attribute.name, attribute.value) in HANDLERS:
                edits.append((attribute.start, attribute.end, _attr(*HANDLERS[(attribute.name, attribute.value)])))
        # the search button's aria-label ("Search", "Qidirish", "Поиск") hides its visible text
        removed = None
        if (tag.name == "button" and tag.get("class") == SEARCH_BUTTON_CLASS and tag.get("aria-label")
                and tag.get("aria-label") == tag.get("title")):
            removed = tag.attribute("aria-label")
            edits.append((removed.space, removed.end, ""))
        # a translated edition: the theme templates' English attribute values in the edition's words
        for attribute in tag.attributes if chrome else ():
            if attribute is not removed and attribute.name in CHROME_ATTRIBUTES and attribute.value in chrome:
                edits.append((attribute.start, attribute.end, _attr(attribute.name, chrome[attribute.value])))
        # sphinxcontrib-bibtex numbers the citation spans of each translated paragraph afresh, so two
        # paragraphs can both hold id="id26"; nothing links to them: each later one gets a suffix
        if tag.name == "span" and "bibtex-citation" in (tag.get("class") or "").split() and tag.get("id"):
            ident = tag.attribute("id")
            citation_ids[ident.value] = citation_ids.get(ident.value, 0) + 1
            if citation_ids[ident.value] > 1:
                edits.append((ident.start, ident.end, _attr("id", f"{ident.value}-{citation_ids[ident.value]}")))
    return edits


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
    return [(rel.space, rel.end, " " + _attr("rel", " ".join(values + ["noopener"])))]


def _apply(page: str, edits: list[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for start, end, text in sorted(edits):
        if start < at:
            raise AssertionError(f"overlapping rewrites at {start} (postprocess bug)")
        out += [page[at:start], text]
        at = end
    return "".join(out) + page[at:]


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(page: str, tags: list[Tag] | None = None) -> list[str]:
    """The code of every inline script element that a browser would run."""
    tags = parse(page) if tags is None else tags
    return [page[t.body[0]:t.body[1]] for t in tags if t.name == "script" and t.body and _is_executable(t)]


def inline_handlers(tags: list[Tag]) -> list[tuple[Tag, Attribute]]:
    return [(t, a) for t in tags for a in t.attributes if a.name.startswith("on") and len(a.name) > 2]


def check_markup(page: str, tags: list[Tag], allowed: dict | None = None) -> None:
    """Raise :class:`MarkupError` for markup the policy cannot allow: an inline event handler
    (other than those in ``allowed``) or an inline script whose code is a value from ``data/``."""
    for tag, attribute in inline_handlers(tags):
        if (attribute.name, attribute.value) not in (allowed or {}):
            raise MarkupError(_handler_message(page, tag, attribute))
    for tag in (t for t in tags if t.name == "script" and t.body and _is_executable(t)):
        code = page[tag.body[0]:tag.body[1]].strip()
        found = [place for place, value in _script_cells() if code and code in value]
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


def _handler_message(page: str, tag: Tag, attribute: Attribute) -> str:
    element = page[tag.start:tag.end]
    shown = element if len(element) <= 160 else element[:157] + "..."
    value = attribute.value or ""
    found = [place for place, cell in _data_cells() if attribute.name in cell.lower() and value in cell]
    where = (f"{_line(page, tag)}: <{tag.name}> has an inline event handler {attribute.name}=\"{value}\", "
             f"which the page's Content-Security-Policy forbids ({shown})")
    if found:
        return (f"{where}. It comes from {'; '.join(found)}: that value reaches the page as markup, not text. "
                "Show it escaped (charts, tables and glue escape data), or reword the value")
    return (f"{where}. It is not text from data/: it is the theme's or a page's own markup. Replace it with a "
            "data-ppp-action attribute (postprocess.HANDLERS) handled in _static/ppp-page.js")


DATA_FOLDER: Path | None = None   # None: the repository's data/ (tests point it at a copy)


def _data_cells() -> list[tuple[str, str]]:
    """Every non-empty cell of ``data/*.csv`` as ("data/file.csv row n, field f", value); row n is line n."""
    from . import paths

    folder = DATA_FOLDER or paths.DATA
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


def _script_cells() -> list[tuple[str, str]]:
    return [(place, value) for place, value in _data_cells() if "<script" in value.lower()]


def process_page(page: str, search_page: bool = False, chrome: dict[str, str] | None = None,
                 bundle: StyleBundle | None = None, plain: frozenset[str] = frozenset()) -> str:
    """One finished page: the rewrites above, then the policy first in ``<head>``. ``chrome``
    (translated editions): ``{English attribute value: translation}`` for the theme's words;
    ``bundle``: the site's joined stylesheet (None: the page keeps its links); ``plain``: the
    token classes of highlighted code to unwrap (:func:`plain_token_classes`)."""
    tags = parse(page)
    check_markup(page, tags, allowed=HANDLERS)  # before any rewrite: lines are those of the page as written
    page = _apply(page, _edits(page, tags, search_page, chrome, bundle, plain))
    tags = parse(page)
    meta = f'<meta http-equiv="{CSP}" content="{content_security_policy(page, tags)}">\n'
    anchor = next((t for t in tags if t.name == "meta" and t.get("charset") is not None), None)
    anchor = anchor or next((t for t in tags if t.name == "head"), None)
    if anchor is None:
        raise MarkupError("page has no <head>")
    at = _through_newline(page, anchor.end)
    return page[:at] + meta + page[at:]


def has_policy(page: str) -> bool:
    """True when the page was finished already: its policy is in its ``<head>`` (only the head is
    parsed: a no-change rebuild asks this of every page)."""
    head_end = page.find("</head>")
    head = page if head_end < 0 else page[:head_end]
    return any(t.name == "meta" and (t.get("http-equiv") or "").lower() == CSP.lower() for t in parse(head))


# --- icons ---------------------------------------------------------------------------

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


#: pydata-sphinx-theme 0.17 marks scrollable boxes as tab stops on the load event, and measuring
#: them lays out the whole page in one task (350 ms on a phone for a notebook page, the main part of
#: its blocking time). ppp-page.js does the same work in idle time, a few boxes at a time, for the
#: theme's boxes and the book's own; the theme's call is taken out of its script.
THEME_TAB_STOPS = '"complete"===document.readyState?I():window.addEventListener("load",I)'
THEME_TAB_STOPS_OFF = "void 0/* tab stops: ppp-page.js, in idle time */"


def defer_theme_tab_stops(outdir: Path) -> None:
    """Take the theme's load-time tab-stop pass out of its script (see THEME_TAB_STOPS)."""
    path = outdir / "_static" / "scripts" / "pydata-sphinx-theme.js"
    script = path.read_text(encoding="utf-8")
    if THEME_TAB_STOPS_OFF in script:
        return
    if script.count(THEME_TAB_STOPS) != 1:
        raise RuntimeError(f"{path}: the theme's load-time tab stops ({THEME_TAB_STOPS}) are not in its script: "
                           "pydata-sphinx-theme changed. Check whether it still measures every box at load, "
                           "and update or drop postprocess.defer_theme_tab_stops")
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


def finish_site(outdir: Path, chrome: dict[str, str] | None = None) -> None:
    """Process the pages this build wrote (a page left from an earlier build already
    carries its policy; a change to the package makes the build rewrite every page).
    ``chrome``: see :func:`process_page`."""
    written = 0
    bundle = StyleBundle(outdir / "_static")
    pygments = outdir / "_static" / "pygments.css"
    plain = plain_token_classes(pygments.read_text(encoding="utf-8")) if pygments.exists() else frozenset()
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
    (outdir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)
    (outdir / "_static" / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)
    if written or webfonts_are_pristine(outdir):
        subset_webfonts(outdir, icon_codepoints(outdir))
    defer_theme_tab_stops(outdir)
    prune_search_index(outdir)
