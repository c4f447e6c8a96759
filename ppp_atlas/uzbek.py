"""Uzbek Latin letters: the one definition of the apostrophes the book folds and normalises.

Uzbek writes oʻ and gʻ with U+02BB (MODIFIER LETTER TURNED COMMA) and the tutuq belgisi with
U+02BC (MODIFIER LETTER APOSTROPHE); typists, CLDR and translators also use the ASCII
apostrophe, the typographic quotes, the backtick and the acute accent. :func:`uzbek_apostrophes`
writes every one of them as the alphabet does (catalogs, country names, dates); search folds
them all away (:func:`fold_apostrophes`, and the same class in the browser's splitter and in
``search-scorer.js``, from :data:`APOSTROPHES`).
"""
from __future__ import annotations

import re

#: Every character that stands for an Uzbek apostrophe in text the book receives.
APOSTROPHES = "'‘’ʻʼ`´"
OKINA = "\u02bb"  # ʻ  oʻ, gʻ
TUTUQ = "\u02bc"  # ʼ  tutuq belgisi
#: Spans left as written: roles other than {term} (their targets are keys), a {term} role's
#: target, inline code, link targets and URLs.
_PROTECTED = re.compile(r"\{[a-z:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|https?://\S+")
_TERM = re.compile(r"(\{term\}`)([^`<]*)(<[^`]*>)?(`)")
_FOLD = re.compile(f"(?<=\\w)[{APOSTROPHES}](?=\\w)")


def uzbek_apostrophes(text: str) -> str:
    """Uzbek Latin text with its own letters: an apostrophe of any kind after o or g becomes
    U+02BB (oʻ, gʻ: also at a word's end, as in *mablagʻ*), and one between two other letters
    U+02BC (the tutuq belgisi: taʼlim). Code, role targets, link targets and URLs are left
    as written, and so is the English possessive ’s of an English name (*Martyn’s Law*)."""
    def fix(segment: str) -> str:
        chars = list(segment)
        for i in range(1, len(chars)):
            if chars[i] not in APOSTROPHES or chars[i] == "`" or not chars[i - 1].isalpha():
                continue
            following = chars[i + 1] if i + 1 < len(chars) else ""
            after = chars[i + 2] if i + 2 < len(chars) else ""
            if chars[i] == "’" and following == "s" and not after.isalpha():
                continue  # an English possessive in an English name (Martyn’s Law): left as written
            if chars[i - 1] in "oOgG" and (following.isalpha() or (i >= 2 and chars[i - 2].isalpha())):
                chars[i] = OKINA
            elif following.isalpha():
                chars[i] = TUTUQ
        return "".join(chars)

    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(fix(text[last:match.start()]))
        term = _TERM.fullmatch(match.group(0))
        # a glossary role's visible words are Uzbek text; its <target> is an English key
        out.append(term.group(1) + fix(term.group(2)) + (term.group(3) or "") + term.group(4) if term else match.group(0))
        last = match.end()
    out.append(fix(text[last:]))
    return "".join(out)


def fold_apostrophes(text: str) -> str:
    """``oʻzbek``, ``o'zbek`` and ``o‘zbek`` all become ``ozbek`` (for the search index)."""
    return _FOLD.sub("", text)
