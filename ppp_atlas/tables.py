"""Notebook tables (pandas Styler and DataFrame output) in each edition's words.

A notebook renders its tables once, in English, when it executes (the three editions share one
execution). Each translated edition writes the words of those tables at build time, as it does
for the charts: every header and cell text goes through the edition's ``translate`` (country
names from CLDR, the rest from ``charts.po``); numbers, codes and text the catalog does not hold
are left as they are. :func:`table_strings` lists what a table asks ``translate`` for (the
``charts.pot`` template), :func:`translate_table_html` rewrites one table's HTML.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

#: pandas Styler tables (``<table id="T_<uuid>">``, ppp_atlas names the uuid after the data) and
#: plain DataFrames as a notebook shows them (``<table border="1" class="dataframe">``).
_STYLER = re.compile(r'<table id="T_[^"]*"|<table border="1" class="dataframe')
_CELLS = ("th", "td")
_NUMBER = re.compile(r"[\s\d.,%+−–-]*")


def is_table(markup: str) -> bool:
    return bool(_STYLER.search(markup))


class _Rewriter(HTMLParser):
    """Re-emits HTML as read, the text of each ``th``/``td`` through ``translate``."""

    def __init__(self, translate):
        super().__init__(convert_charrefs=True)
        self.translate, self.out, self.depth, self.raw_text = translate, [], 0, 0

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in _CELLS:
            self.depth += 1
        elif tag in ("style", "script"):
            self.raw_text += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in _CELLS and self.depth:
            self.depth -= 1
        elif tag in ("style", "script") and self.raw_text:
            self.raw_text -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.raw_text:
            self.out.append(data)
            return
        if self.depth and data.strip() and not _NUMBER.fullmatch(data):
            lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", data, re.S).groups()
            data = lead + self.translate(core) + trail
        self.out.append(str(escape(data)))  # as pandas escapes (markupsafe): the English unchanged

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def translate_table_html(markup: str, translate) -> str:
    """The table's HTML with every header and cell text in the edition's words."""
    rewriter = _Rewriter(translate)
    rewriter.feed(markup)
    rewriter.close()
    return "".join(rewriter.out)


def table_strings(markup: str) -> list[str]:
    """Exactly the strings :func:`translate_table_html` asks ``translate`` for, once each."""
    asked: dict[str, None] = {}
    translate_table_html(markup, lambda text: asked.setdefault(text, None) or text)
    return list(asked)
