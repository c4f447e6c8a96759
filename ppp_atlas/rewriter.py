"""The span-exact HTML rewriter: a page parsed for its start tags and their attributes, with the
exact place of each, and edits applied as replacements of those spans, every other byte kept.

Each page is parsed with the standard library's HTML parser (:class:`html.parser.HTMLParser`, which
reports where every start tag begins and ends). Only real elements and their real attributes are
rewritten, by replacing the exact span of the tag or attribute; every other byte of the page is
kept. Text is never mistaken for markup, so a value from ``data/`` such as ``onclick="x()"``,
``< 5 staff`` or ``<script>`` quoted in a note stays what it is on the page: text. The attributes
inside a tag are located with the same tokenizer the parser uses for that tag.

An edit is ``(start, end, text)``: :func:`apply_edits` applies a page's edits at once. This module
knows nothing of any theme or library (those edits are in :mod:`ppp_atlas.theme_fixes`).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant


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

def attr(name: str, value: str) -> str:
    return f'{name}="{html.escape(value, quote=True)}"'


def _line_start(page: str, at: int) -> int:
    """``at`` moved back over spaces and tabs, so a removed tag takes its indentation along."""
    while at > 0 and page[at - 1] in " \t":
        at -= 1
    return at


def through_newline(page: str, at: int) -> int:
    return at + 1 if page.startswith("\n", at) else at


def script_src_name(tag: Tag) -> str:
    return (tag.get("src") or "").split("?")[0].rsplit("/", 1)[-1]


def removal(page: str, tag: Tag) -> tuple[int, int, str]:
    """The edit that removes ``tag`` (and its end tag), with its indentation and line break."""
    end = tag.close_end if tag.close_end is not None else tag.end
    return _line_start(page, tag.start), through_newline(page, end), ""


def apply_edits(page: str, edits: list[tuple[int, int, str]]) -> str:
    """``page`` with each ``(start, end, text)`` span replaced by its text (spans must not overlap)."""
    out, at = [], 0
    for start, end, text in sorted(edits):
        if start < at:
            raise AssertionError(f"overlapping rewrites at {start} (a bug in the rewrites)")
        out += [page[at:start], text]
        at = end
    return "".join(out) + page[at:]
