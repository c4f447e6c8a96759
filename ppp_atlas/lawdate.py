"""The law as of a date: the note under every page's title.

The book states its law as of the latest date up to which a coded cell's law was checked
(:func:`ppp_atlas.data.law_as_of`); each cell of the coded tables records its own date, and the
page of legal changes lists what changed since the first edition.
"""
from __future__ import annotations

import html
import os

from . import data, editions

#: Reader-visible words (translated in ``locales/<lang>/LC_MESSAGES/ppp.po``).
WORDS = {"as_of": "The law as of {date}.", "changes": "What changed since the first edition"}
CHANGES_DOC = "book/legal-changes"


def note_html(lang: str, pagename: str) -> str:
    """"The law as of <date>." in the edition's words and date format, linking the changes page."""
    words = editions.translator(lang, "ppp")
    date = editions.full_date(data.law_as_of(), lang)
    href = os.path.relpath(CHANGES_DOC, os.path.dirname(pagename) or ".") + ".html"
    return (f'<p class="ppp-law-as-of">{html.escape(words(WORDS["as_of"]).format(date=date))} '
            f'<a href="{html.escape(href)}">{html.escape(words(WORDS["changes"]))}</a></p>')
