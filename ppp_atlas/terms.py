"""The terminology gate: one termbase (``locales/termbase.csv``) checked against every catalog.

Each row of the termbase is one concept: its English forms, the house rendering in Uzbek and in
Russian (``;``-separated acceptable forms, the first being the house form), the authority for each,
the variants that must not be used, and the exceptions. Two checks run over every translated,
non-fuzzy message of ``locales/{uz,ru}/LC_MESSAGES``:

* **forbidden**: the msgstr uses a forbidden variant of a term;
* **missing**: the msgid holds one of the term's English forms, the entry requires a rendering in
  that language (``required``), and the msgstr holds none of the entry's forms.

Matching is on stems, so inflected forms count. A rendering's word matches any word of the
msgstr that starts with its stem (the word less its last letter or two: Uzbek suffixes such as
*sherigi*, *DXShning*, *xavfsizligini*; Russian case endings such as *партнёра*, *договоров*); a
rendering may also be met by one of the entry's short forms (``uz_short``, ``ru_short``: the head
noun that stands for the term in running text, *nazorat* for *davlat nazorati*); an abbreviation
in brackets (``(DXSh)``, ``(КПЭ, KPI)``) is a form by itself, and a bracketed word that is not an
abbreviation is optional. Apostrophes of any kind count as one (the orthography gate checks
oʻ/gʻ and ʼ), ё counts as е and case is ignored. A forbidden variant is a phrase whose words are
prefixes (``стандартн договор`` catches *стандартного договора*), or a regular expression between
slashes, matched case-sensitively on the msgstr as written.

What is not the term (so no rendering is asked for):

* English in a role's target, a link target, a URL, an HTML tag or a ``<span lang>`` of another
  language; English that the translation keeps in a ``<span lang="en">``;
* English inside quotation marks (“…”, "…", ‘…’): a title or a quotation, rendered as such;
* an English form inside a longer form of another entry (*key performance indicator* is the KPI
  entry's, not *performance*'s; *Private Security Industry Act* is the Act's, not *private
  security*'s): the longest match wins, as in translation QA tools;
* a lower-case form written in Title Case (*Safety and Security Industry Programme Office*,
  *Public Governance, Performance and Accountability Act*): part of a proper name;
* a proper name (an English form with capitals) that the translation keeps in the original.

``exceptions`` (``;``-separated) lists where a forbidden or missing form is legitimate:
``msgid:REGEX`` (the entry is not checked in a message whose English matches), ``only:REGEX``
(forbidden variants count only in messages whose English matches: *maxfiy* is wrong for
"sensitive", right for "classified"), ``sense:REGEX`` (an English occurrence inside a match of
REGEX is another sense of the word, with its own entry or none: "performance security",
"contract performance"), ``@quotation`` (a forbidden variant inside «…», „…“ or "…" is a
quotation), ``@english`` (inside brackets, where the original is cited), or a bare REGEX matched
on the msgstr (the entry is not checked in that message). A message whose msgstr is its msgid (a
name, a code) is not checked for missing renderings.

The same command checks ``locales/statutes.csv``: every message whose English quotes a statute's
definition must hold that definition's wording in the edition's language, the official text
where it was verified, else the book's one wording (marked unverified), so that every
occurrence is identical.

Command line (for editors, against any checkout)::

    python -m ppp_atlas.terms                     # this checkout's locales/
    python -m ppp_atlas.terms --locales ../wt-lang/locales --lang uz --term performance
    python -m ppp_atlas.terms --list              # every hit, one per line
    python -m ppp_atlas.terms --report FILE.md    # the hits grouped by catalog, for editors
    python -m ppp_atlas.terms --validate          # the termbase and statutes tables alone
"""
from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths
from .uzbek import APOSTROPHES

LOCALES = paths.ROOT / "locales"
TERMBASE = LOCALES / "termbase.csv"
STATUTES = LOCALES / "statutes.csv"
PACKAGE = LOCALES / "datapackage.json"
GLOSSARY = paths.ROOT / "book" / "glossary.md"
LANGS = ("uz", "ru")

_STOPWORDS = {"uz": {"va", "bilan", "uchun", "yoki", "hamda"},
              "ru": {"и", "в", "о", "об", "по", "за", "на", "для", "с", "к", "от", "или", "при", "у"}}
_WORD = re.compile(r"[\w']+")
_ABBREVIATION = re.compile(r"^[\w'.\-/ ]*[A-ZА-ЯЁ][\w'.\-/ ]*[A-ZА-ЯЁ0-9][\w'.\-/ ]*$")


# --- the termbase ---------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    id: str
    category: str
    en: tuple[str, ...]
    forms: dict
    short: dict
    forbidden: dict
    exceptions: tuple[str, ...]
    required: frozenset
    glossary: bool
    row: dict

    def __hash__(self):
        return hash(self.id)


def split(cell: str) -> list[str]:
    """A ``;``-separated cell as a list; a regular expression between slashes keeps its ``;``."""
    parts, current, in_regex = [], "", False
    for piece in (cell or "").split(";"):
        current = f"{current};{piece}" if in_regex else piece
        stripped = current.strip()
        in_regex = stripped.startswith("/") and not (len(stripped) > 1 and stripped.endswith("/"))
        if not in_regex:
            if stripped:
                parts.append(stripped)
            current = ""
    if current.strip():
        parts.append(current.strip())
    return parts


_REQUIRED = {"both": {"uz", "ru"}, "uz": {"uz"}, "ru": {"ru"}, "none": set()}


def read_termbase(path: Path = TERMBASE) -> list[Term]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Term(row["id"], row["category"], tuple(split(row["en"])), {lang: tuple(split(row[lang])) for lang in LANGS},
                 {lang: tuple(split(row[f"{lang}_short"])) for lang in LANGS},
                 {lang: tuple(split(row[f"{lang}_forbidden"])) for lang in LANGS},
                 tuple(split(row["exceptions"])), frozenset(_REQUIRED[row["required"]]), row["glossary"] == "true", row)
            for row in rows]


@lru_cache(maxsize=4)
def _cached_termbase(path: Path, mtime: float) -> tuple[Term, ...]:
    return tuple(read_termbase(path))


def termbase(path: Path = TERMBASE) -> tuple[Term, ...]:
    return _cached_termbase(path, path.stat().st_mtime)


# --- normalising and stems ------------------------------------------------------------

def normalise(text: str) -> str:
    """Lower case, one apostrophe, е for ё, plain spaces."""
    text = text.lower().replace("ё", "е").replace("\u00a0", " ").replace("\u202f", " ")
    return "".join("'" if c in APOSTROPHES else c for c in text)


def stem(word: str) -> str:
    """What an inflected form of ``word`` starts with: the word less one letter (five or six
    letters) or two (seven or more); abbreviations, numbers and short words whole."""
    if len(word) <= 4 or any(c.isdigit() for c in word):
        return word[:-1] if len(word) == 4 and word.isalpha() and word.islower() else word
    return word[:-2] if len(word) >= 7 else word[:-1]


@lru_cache(maxsize=None)
def alternatives(form: str) -> list[str]:
    """A rendering and the forms that stand for it: ``davlat-xususiy sheriklik (DXSh)`` is met by
    the full phrase or by ``DXSh``; ``применение (физической) силы`` by «применение силы» too."""
    found = [re.sub(r"\s*\([^)]*\)\s*", " ", form).strip()]
    for bracket in re.findall(r"\(([^)]+)\)", form):
        for part in re.split(r"[,;]", bracket):
            part = part.strip()
            if part and _ABBREVIATION.match(part):
                found.append(part)
    return [f for f in dict.fromkeys(found) if f]


def _uzbek_stem(word: str) -> str:
    """An Uzbek word less its plural and what follows it (*koʻrsatkichlari* → *koʻrsatkich*), a
    verbal noun less its -(i)sh (*olish* → *ol*, so *olgan* counts), else as :func:`stem`."""
    cut = word.find("lar", 3)
    if cut > 0:
        return word[:cut]
    if len(word) >= 5 and word.endswith("sh"):  # a verbal noun: olish → ol, ushlash → ushla
        return word[:-3] if word.endswith("ish") else word[:-2]
    return stem(word)


@lru_cache(maxsize=None)
def _keys(form: str, lang: str) -> list[str]:
    words = _WORD.findall(normalise(form).replace("-", " "))
    stemmer = _uzbek_stem if lang == "uz" else stem
    keys = [stemmer(w) for w in words if w not in _STOPWORDS.get(lang, set())]
    return keys or [normalise(form)]


def has_form(text: str, forms, lang: str) -> bool:
    """Whether ``text`` (normalised) holds one of ``forms``: every key word of one alternative
    starts some word of the text."""
    words = _WORD.findall(text.replace("-", " "))
    for form in forms:
        for alternative in alternatives(form):
            if all(any(w.startswith(k) for w in words) for k in _keys(alternative, lang)):
                return True
    return False


@lru_cache(maxsize=None)
def forbidden_pattern(variant: str) -> tuple[re.Pattern, bool]:
    """``(pattern, raw)``: a /regex/ runs on the msgstr as written; a phrase of prefixes on the
    normalised msgstr."""
    if len(variant) > 2 and variant.startswith("/") and variant.endswith("/"):
        return re.compile(variant[1:-1]), True
    words = _WORD.findall(normalise(variant).replace("-", " "))
    return re.compile(r"(?<![\w'])" + r"[\s\-–,]+".join(re.escape(w) + r"[\w']*" for w in words)), False


@lru_cache(maxsize=None)
def english_pattern(variant: str) -> re.Pattern:
    """An English form in a msgid: whole words, plural or possessive allowed; a space in the form
    matches a space or a hyphen, a hyphen only a hyphen or a dash; an abbreviation (one word with two capitals) or a code in backticks matches
    case-sensitively; a
    regular expression between slashes as written."""
    if len(variant) > 2 and variant.startswith("/") and variant.endswith("/"):
        return re.compile(variant[1:-1])
    pieces = re.split(r"(\s+|[\-–])", variant.strip())  # a space in the form: space or hyphen; a hyphen: a hyphen
    body = "".join(r"[\s\-–]+" if p.isspace() else r"[\-–‐]" if p in "-–" else re.escape(p) for p in pieces if p).replace("'", "['’]").replace("’", "['’]")
    single = not re.search(r"[\s\-–]", variant.strip())
    flags = 0 if (single and sum(c.isupper() for c in variant) >= 2 or variant.startswith("`")) else re.I
    return re.compile(r"(?<![\w`-])" + body + r"(?:s|es|'s|’s)?(?![\w])", flags)


# --- messages -------------------------------------------------------------------------

_ROLE_TARGET = re.compile(r"\{(?!term\})[a-z:-]+\}`[^`]*`")
_TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+|(?<![\w/])/[\w.\-]+(?:/[\w.\-]*)+")
_CODE_PATH = re.compile(r"`[^`\s]*[/._=][^`\s]*`")  # a file name or an identifier in backticks
_TAG = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"«[^«»]*»|„[^„“]*“|\"[^\"]*\"|“[^“”]*”")
_QUOTED_EN = re.compile(r"“[^“”]*”|\"[^\"]*\"|‘[^‘’]*’")
_BRACKETED = re.compile(r"\([^()]*\)")
_NAME_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\{[^}]*\}|%\([a-z_]+\)s")


def _span_pattern(lang: str) -> re.Pattern:
    return re.compile(r'<span lang="(?!' + lang + r'\b)[^"]*">.*?</span>', re.S)


def _strip_markup(text: str, lang: str) -> str:
    text = _span_pattern(lang).sub(" ", text)
    text = _TERM_ROLE.sub(lambda m: m.group(1), text)
    for pattern in (_ROLE_TARGET, _LINK_TARGET, _URL, _TAG, _PLACEHOLDER, _CODE_PATH):
        text = pattern.sub(" ", text)
    return text


def english_text(msgid: str) -> str:
    """The English words of a msgid: no role targets, link targets, URLs, tags, or text in
    another language's span; a glossary role by its visible words."""
    return _strip_markup(msgid, "en")


def edition_text(msgstr: str, lang: str) -> str:
    """The edition's own words in a msgstr (the same removals, spans of other languages too)."""
    return _strip_markup(msgstr, lang)


@dataclass(frozen=True)
class Hit:
    lang: str
    catalog: str
    line: int
    msgid: str
    term: str
    kind: str     # "forbidden", "missing", "statute" (official wording) or "wording" (the book's one wording)
    detail: str   # the forbidden text found, the rendering wanted, or the statute's wording
    found: str = ""  # for a statute: the wording the message holds instead

    @property
    def start(self) -> str:
        words = " ".join(self.msgid.split())
        return words if len(words) <= 60 else words[:57].rsplit(" ", 1)[0] + " …"

    def __str__(self) -> str:
        what = {"forbidden": f"uses forbidden «{self.detail}»", "missing": f"lacks «{self.detail}»",
                "statute": f"does not quote the official wording «{self.detail}»",
                "wording": f"differs from the book's one wording «{self.detail}» (official text not verified)"}[self.kind]
        if self.found:
            what += f" (holds «{self.found}»)"
        return f"{self.lang}/{self.catalog}:{self.line} «{self.start}»: term {self.term!r} {what}"


@dataclass(frozen=True)
class Rules:
    skip_msgid: tuple
    only: tuple
    sense: tuple
    bare: tuple
    quotation: bool
    english: bool


@lru_cache(maxsize=None)
def rules(term: Term) -> Rules:
    skip_msgid, only, sense, bare, quotation, english = [], [], [], [], False, False
    for rule in term.exceptions:
        if rule == "@quotation":
            quotation = True
        elif rule == "@english":
            english = True
        elif rule.startswith("msgid:"):
            skip_msgid.append(re.compile(rule[6:]))
        elif rule.startswith("only:"):
            only.append(re.compile(rule[5:], re.I))
        elif rule.startswith("sense:"):
            sense.append(re.compile(rule[6:], re.I))
        else:
            bare.append(re.compile(rule))
    return Rules(tuple(skip_msgid), tuple(only), tuple(sense), tuple(bare), quotation, english)


def _plain(text: str) -> str:
    """English compared as written: one apostrophe, single spaces."""
    return re.sub(r"\s+", " ", re.sub("[’‘ʼ]", "'", text))


def _inside(spans, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" *_([«“\"'\u00a0")
    return not before or before[-1] in ".!?:;|\n—–-•"


def _is_proper_name(form: str, text: str, match: re.Match) -> bool:
    """A lower-case form written in Title Case inside a name (*Security Industry Programme
    Office*); a single capitalised word counts only away from a sentence start."""
    if any(c.isupper() for c in form) or form.startswith("/"):
        return False
    words = _NAME_WORD.findall(match.group(0))
    if not words or not all(w[0].isupper() for w in words):
        return False
    if len(words) > 1:
        return True
    if not _sentence_start(text, match.start()):
        return True
    after = text[match.end():].lstrip(" -–")  # "Performance Audit" at a start: a title
    return bool(after) and after[0].isupper()


def english_matches(english: str, terms) -> dict:
    """``{term: [(start, end, form)]}``: every English form of every term in ``english``, outside
    quotation marks, less those inside a longer match of another term."""
    quoted = [m.span() for m in _QUOTED_EN.finditer(english)]
    found = {}
    for term in terms:
        spans = []
        sense = [m.span() for p in rules(term).sense for m in p.finditer(english)]
        for form in term.en:
            for m in english_pattern(form).finditer(english):
                if _inside(quoted, *m.span()) or _inside(sense, *m.span()) or _is_proper_name(form, english, m):
                    continue
                spans.append((m.start(), m.end(), form))
        if spans:
            found[term] = spans
    every = [(s, e, t) for t, spans in found.items() for s, e, _ in spans]
    result = {}
    for term, spans in found.items():
        kept = [(s, e, f) for s, e, f in spans
                if not any(t is not term and s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, t in every)]
        if kept:
            result[term] = kept
    return result


def _kept_in_original(form: str, msgstr: str) -> bool:
    """A proper name (a form with capitals) that the translation keeps as written, a case suffix
    joined to it or not (*Security Industry Authorityning*, *OIGga*)."""
    if not any(c.isupper() for c in form) or form.startswith(("`", "/")):
        return False
    body = english_pattern(form).pattern.split(")", 1)[1].rsplit("(?:s|es", 1)[0]
    text = _TERM_ROLE.sub(lambda m: m.group(1), _TAG.sub(" ", msgstr))
    return bool(re.search(r"(?<![\w-])" + body, _plain(text), re.I))


def check_message(msgid: str, msgstr: str, lang: str, terms) -> list[tuple[Term, str, str]]:
    """``[(term, kind, detail)]`` for one message."""
    found = []
    english = _plain(english_text(msgid))
    for kept in re.findall(r'<span lang="en">(.*?)</span>', msgstr, re.S):  # English text kept in the edition
        kept = _plain(english_text(kept)).strip()
        if len(kept.split()) >= 5:  # a passage (the English abstract), not a glossed word
            english = english.replace(kept, " ", 1)
    raw = edition_text(msgstr, lang).replace("\u00a0", " ").replace("\u202f", " ")
    text = normalise(raw)
    terms = [t for t in terms if not any(p.search(msgid) for p in rules(t).skip_msgid)
             and not any(p.search(msgstr) for p in rules(t).bare)]
    for term in terms:
        rule = rules(term)
        if term.forbidden[lang] and (not rule.only or any(p.search(english) for p in rule.only)):
            for variant in term.forbidden[lang]:
                pattern, is_raw = forbidden_pattern(variant)
                subject = raw if is_raw else text
                protected = []
                if rule.quotation:
                    protected += [m.span() for m in _QUOTED.finditer(subject)]
                if rule.english:
                    protected += [m.span() for m in _BRACKETED.finditer(subject)]
                match = next((m for m in pattern.finditer(subject) if not _inside(protected, *m.span())), None)
                if match:  # shown as written (normalising keeps every character's place)
                    shown = raw[match.start():match.end()] if len(raw) == len(text) else match.group(0)
                    found.append((term, "forbidden", shown))
                    break  # one hit per term and message
    if _TAG.sub("", msgstr).strip() == _TAG.sub("", msgid).strip() or msgid.rstrip().endswith(("...", "…")):
        return found  # a name or code kept; a label cut short (the term may be cut off)
    barred = {term for term, _, _ in found}  # a forbidden variant is the fault; no second hit
    for term, spans in english_matches(english, terms).items():  # every entry takes part in longest-match
        if lang not in term.required or not term.forms[lang] or term in barred:
            continue
        if has_form(text, term.forms[lang] + term.short[lang], lang):
            continue
        if all(_kept_in_original(form, msgstr) for _, _, form in spans):
            continue
        found.append((term, "missing", term.forms[lang][0]))
    return found


def catalog_files(locales: Path, lang: str) -> list[Path]:
    return sorted((locales / lang / "LC_MESSAGES").rglob("*.po"))


def read_catalog(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def messages(locales: Path, lang: str):
    """``(catalog name, message)`` for every translated, non-fuzzy message of one edition."""
    for path in catalog_files(locales, lang):
        name = path.relative_to(locales / lang / "LC_MESSAGES").as_posix()
        for message in read_catalog(path):
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                yield name, message


def check(locales: Path = LOCALES, langs=LANGS, terms=None) -> list[Hit]:
    """Every hit of the termbase in the catalogs under ``locales``."""
    terms = termbase() if terms is None else terms
    hits = []
    for lang in langs:
        for name, message in messages(locales, lang):
            for term, kind, detail in check_message(message.id, message.string, lang, terms):
                hits.append(Hit(lang, name, message.lineno, message.id, term.id, kind, detail))
    return hits


# --- statutes in their wording ----------------------------------------------------------

def read_statutes(path: Path = STATUTES) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _wording(text: str) -> str:
    """A text compared as a quotation: case, ё/е, apostrophes, spaces and markup aside."""
    text = _TAG.sub(" ", _TERM_ROLE.sub(lambda m: m.group(1), _ROLE_TARGET.sub(" ", text)))
    return re.sub(r"\s+", " ", normalise(text)).strip()


def closest_passage(wording: str, text: str) -> str:
    """The stretch of ``text`` (a message, as written) most like ``wording``: what the message
    holds in the quotation's place, shown to the editor."""
    plain = re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()
    lowered, target = normalise(plain), _wording(wording)
    if len(lowered) != len(plain):  # a character whose lower case is longer: compare as is
        lowered = plain
    blocks = [b for b in difflib.SequenceMatcher(None, lowered, target, autojunk=False).get_matching_blocks()
              if b.size >= 4]
    if not blocks:
        return ""
    limit = int(len(target) * 1.5) + 10
    best, best_ratio = "", 0.0
    for a in sorted({b.a for b in blocks})[:40]:
        for e in sorted({b.a + b.size for b in blocks if a < b.a + b.size <= a + limit}):
            ratio = difflib.SequenceMatcher(None, lowered[a:e], target, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = (a, e), ratio
    a, e = best
    while a > 0 and plain[a - 1].isalnum():  # whole words
        a -= 1
    while e < len(plain) and plain[e].isalnum():
        e += 1
    return plain[a:e].strip(" ,;:.")


def statute_hits(locales: Path = LOCALES, langs=LANGS, statutes=None) -> list[Hit]:
    """Every message whose English quotes a statute's definition (its msgid holds one of the
    row's ``en`` fragments) and whose translation does not hold the row's wording in that
    language: the official text where it was verified, else the book's one wording, so that
    every occurrence is the same."""
    statutes = read_statutes() if statutes is None else statutes
    hits = []
    for lang in langs:
        for name, message in messages(locales, lang):
            for row in statutes:
                if any(fragment in message.id for fragment in split(row["en"])):
                    wording, held = _wording(row[lang]), _wording(message.string)
                    if wording not in held:
                        kind = "statute" if row[f"{lang}_status"] == "verified" else "wording"
                        hits.append(Hit(lang, name, message.lineno, message.id, row["id"], kind, row[lang],
                                        closest_passage(row[lang], message.string)))
    return hits


# --- the glossary -----------------------------------------------------------------------

_GLOSSARY_ROW = re.compile(r'^\| \{term\}`([^`]+)` \| (<span lang="uz">([^<]*)</span>) \| (<span lang="ru">([^<]*)</span>) \|$', re.M)
_DEFINITION = re.compile(r"^(\S[^\n]*)\n((?:  .*\n)+)", re.M)
_DAGGER = "†"


def glossary_rows(path: Path = GLOSSARY) -> dict[str, dict[str, str]]:
    """``{headword: {"uz": cell, "ru": cell, "uz_msgid": …, "ru_msgid": …, "definition": msgid}}``
    from the glossary page: the table's cells (daggers dropped), the cells' messages as written,
    and the message of the headword's definition (its lines joined)."""
    text = path.read_text(encoding="utf-8")
    definitions = {m.group(1): " ".join(line.strip() for line in m.group(2).splitlines())
                   for m in _DEFINITION.finditer(text.split("```{glossary}", 1)[-1])}
    return {m.group(1): {"uz": m.group(3).rstrip(_DAGGER), "ru": m.group(5).rstrip(_DAGGER),
                         "uz_msgid": m.group(2), "ru_msgid": m.group(4), "definition": definitions.get(m.group(1), "")}
            for m in _GLOSSARY_ROW.finditer(text)}


def _same_rendering(shown: str, cell: str) -> bool:
    """A definition's closing line gives the full cell or its house form (the first), a bracketed
    abbreviation or gloss of the cell left out or shortened (*пульт централизованного наблюдения*
    for *… (ПЦН)*)."""
    def bare(text):
        return re.sub(r"\s*\([^)]*\)", "", text).strip()
    shown = shown.strip().rstrip(".").removesuffix(" (descriptive)").strip()
    return shown in (cell, split(cell)[0]) or bare(shown) in (bare(cell), bare(split(cell)[0]))


_CLOSING = {"en": re.compile(r"\*Oʻzbekcha:\* (.+?)\. \*Русский:\* (.+?)\.?$"),
            "uz": re.compile(r'\*Ruscha:\* <span lang="ru">([^<]*)</span>'),
            "ru": re.compile(r'\*Узб\.:\* <span lang="uz">([^<]*)</span>')}


def glossary_problems(locales: Path = LOCALES, path: Path = GLOSSARY, terms=None) -> list[str]:
    """Where the glossary page (English source and both catalogs) and the termbase disagree: the
    table's cells, each edition's headwords and the renderings that close each definition must
    be the termbase's (a closing line may give the house form alone)."""
    terms = termbase() if terms is None else terms
    by_headword = {t.en[0]: t for t in terms if t.glossary}
    rows = glossary_rows(path)
    problems = [f"glossary.md: {{term}}`{h}` is a row of the table but no termbase entry with glossary=true has it as headword"
                for h in rows if h not in by_headword]
    problems += [f"termbase: {t.id} is marked glossary=true but {h!r} is not a row of the glossary's table"
                 for h, t in by_headword.items() if h not in rows]
    rows = {h: r for h, r in rows.items() if h in by_headword}
    for headword, row in rows.items():
        term = by_headword[headword]
        for lang in LANGS:
            if row[lang] != term.row[lang]:
                problems.append(f"glossary.md, table row {headword!r}: {lang} «{row[lang]}», termbase {term.id} «{term.row[lang]}»")
        closing = _CLOSING["en"].search(row["definition"])
        if not closing:
            problems.append(f"glossary.md: the definition of {headword!r} does not close with *Oʻzbekcha:* … *Русский:* …")
            continue
        for lang, shown in zip(LANGS, closing.groups()):
            if not _same_rendering(shown, term.row[lang]):
                problems.append(f"glossary.md, definition {headword!r}: {lang} «{shown}», termbase {term.id} «{term.row[lang]}»")
    for lang in LANGS:
        other = "ru" if lang == "uz" else "uz"
        catalog = locales / lang / "LC_MESSAGES" / "book" / "glossary.po"
        strings = {m.id: m.string for m in read_catalog(catalog) if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
        where = f"{lang}/book/glossary.po"
        for headword, row in rows.items():
            term = by_headword[headword]
            shown = strings.get(headword)
            if shown is None:
                problems.append(f"{where}: the headword {headword!r} is not translated")
            elif not _same_rendering(shown, term.row[lang]):  # a bracketed abbreviation may be added
                problems.append(f"{where}: headword {headword!r} is «{shown}», termbase {term.id} «{term.row[lang]}»")
            for col in LANGS:  # the table's cells as this edition shows them
                cell = strings.get(row[f"{col}_msgid"])
                if cell is None:
                    problems.append(f"{where}: the table cell {col} of {headword!r} is not translated")
                    continue
                cell = _TAG.sub("", cell).rstrip(_DAGGER)
                if cell != term.row[col]:
                    problems.append(f"{where}: table cell {col} of {headword!r} is «{cell}», termbase {term.id} «{term.row[col]}»")
            definition = strings.get(row["definition"])
            if definition is None:
                problems.append(f"{where}: the definition of {headword!r} is not translated")
                continue
            closing = _CLOSING[lang].search(definition)
            if not closing:
                problems.append(f"{where}: the definition of {headword!r} does not close with the {other} rendering "
                                f"in a <span lang=\"{other}\">")
            elif not _same_rendering(closing.group(1), term.row[other]):
                problems.append(f"{where}: the definition of {headword!r} gives {other} «{closing.group(1)}», "
                                f"termbase {term.id} «{term.row[other]}»")
    return problems


# --- the tables themselves ----------------------------------------------------------------

def table_problems(package: Path = PACKAGE) -> list[str]:
    """The termbase and the statutes table against their Frictionless schemas (the data package's
    own validator, without provenance), and the termbase against itself: every pattern
    compiles, no forbidden variant matches the entry's own renderings, no two entries share an
    English form."""
    from . import data

    problems = [str(p) for p in data.check(package, None)]
    if problems:
        return problems
    terms = read_termbase(package.parent / "termbase.csv")
    owner = {}
    for term in terms:
        for form in (f for f in term.en if not f.startswith("/")):
            key = form.lower()
            if key in owner:
                problems.append(f"termbase: {term.id} and {owner[key]} share the English form {form!r}")
            owner[key] = term.id
        for rule in term.exceptions:
            if rule.startswith(("msgid:", "only:", "sense:")) or not rule.startswith("@"):
                try:
                    pattern = re.compile(rule.split(":", 1)[1] if rule.startswith(("msgid:", "only:", "sense:")) else rule)
                except re.error as exc:
                    problems.append(f"termbase: {term.id}: exception {rule!r} is not a regular expression: {exc}")
                    continue
                if pattern.search(""):
                    problems.append(f"termbase: {term.id}: exception {rule!r} matches everything (a ';' inside it? write \\x3b)")
        for lang in LANGS:
            for variant in term.forbidden[lang]:
                try:
                    pattern, is_raw = forbidden_pattern(variant)
                except re.error as exc:
                    problems.append(f"termbase: {term.id}: {lang} forbidden {variant!r} is not a regular expression: {exc}")
                    continue
                for form in term.forms[lang] + term.short[lang]:
                    if pattern.search(form if is_raw else normalise(form)):
                        problems.append(f"termbase: {term.id}: {lang} forbidden {variant!r} matches its own rendering {form!r}")
    return problems


# --- report ---------------------------------------------------------------------------

def summary(hits) -> str:
    lines = []
    for lang in LANGS:
        mine = [h for h in hits if h.lang == lang]
        kinds = Counter(h.kind for h in mine)
        lines.append(f"{lang}: {len(mine)} hits ({kinds['forbidden']} forbidden, {kinds['missing']} missing, "
                     f"{kinds['statute']} quotations not in the official wording, {kinds['wording']} not in the book's one wording)")
        per_term = Counter((h.term, h.kind) for h in mine)
        for (term, kind), n in sorted(per_term.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {term:<36} {kind:<9} {n:>4}")
    return "\n".join(lines)


def report(hits, terms) -> str:
    """The hits as Markdown grouped by catalog, with the rendering each needs."""
    by_id = {t.id: t for t in terms}
    grouped = defaultdict(list)
    for h in hits:
        grouped[(h.lang, h.catalog)].append(h)
    lines = []
    for (lang, catalog), mine in sorted(grouped.items()):
        lines += [f"### {lang}/{catalog} ({len(mine)})", ""]
        for h in sorted(mine, key=lambda h: (h.line, h.term)):
            term = by_id.get(h.term)
            if h.kind == "forbidden":
                fix = f"replace «{h.detail}» with «{term.forms[lang][0]}»" if term else f"replace «{h.detail}»"
            elif h.kind == "missing":
                fix = f"render the term as «{h.detail}»"
            else:
                fix = (f"quote {'the official text' if h.kind == 'statute' else 'the book’s one wording'} «{h.detail}»"
                       + (f" (now «{h.found}»)" if h.found else ""))
            lines.append(f"* line {h.line}, «{h.start}» — `{h.term}` {h.kind}: {fix}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppp_atlas.terms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--locales", type=Path, default=LOCALES, help="the locales/ folder to check (default: this checkout's)")
    parser.add_argument("--termbase", type=Path, default=TERMBASE)
    parser.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    parser.add_argument("--term", action="append", help="only this termbase id (repeatable)")
    parser.add_argument("--list", action="store_true", help="print every hit")
    parser.add_argument("--report", type=Path, help="write the hits as Markdown, grouped by catalog")
    parser.add_argument("--validate", action="store_true", help="only validate the termbase and statutes tables")
    args = parser.parse_args(argv)
    problems = table_problems(args.termbase.parent / "datapackage.json")
    if problems or args.validate:
        print("\n".join(problems) or "termbase.csv and statutes.csv valid")
        return 1 if problems else 0
    terms = read_termbase(args.termbase)
    if args.term:
        unknown = set(args.term) - {t.id for t in terms}
        if unknown:
            parser.error(f"unknown termbase ids: {sorted(unknown)}")
        terms = [t for t in terms if t.id in args.term]
    langs = tuple(args.lang or LANGS)
    hits = check(args.locales, langs, terms)
    if not args.term:
        hits += statute_hits(args.locales, langs)
    if args.list:
        for h in hits:
            print(h)
    if args.report:
        args.report.write_text(report(hits, terms), encoding="utf-8")
    print(f"termbase: {len(terms)} entries; catalogs: {args.locales}")
    print(summary(hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
