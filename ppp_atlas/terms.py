"""The terminology gate: one termbase (``locales/termbase.csv``) checked against every catalog.

Each row of the termbase is one concept: its English forms, the house rendering in Uzbek and in
Russian (``;``-separated acceptable forms, the first being the house form), the authority for each,
the variants that must not be used, and the exceptions. Two checks run over every translated,
non-fuzzy message of ``locales/{uz,ru}/LC_MESSAGES``:

* **forbidden**: the msgstr uses a forbidden variant of a term;
* **missing**: the msgid holds one of the term's English forms, the entry requires a rendering in
  that language (``required``), and the msgstr holds none of the entry's forms.

A rendering may also be met by one of the entry's short forms (``uz_short``, ``ru_short``: the
head noun that stands for the term in running text, *nazorat* for *davlat nazorati*). Matching is
on stems, so inflected forms count: a rendering's word matches any word of the msgstr
that starts with its stem (the word less its last letter or two: Uzbek suffixes such as
*sherigi*, *DXShning*, *xavfsizligini*; Russian case endings such as *партнёра*, *договоров*); an
abbreviation in brackets (``(DXSh)``, ``(КПЭ, KPI)``) is a form by itself, and a bracketed word
that is not an abbreviation is optional. Apostrophes of any kind count as one (the separate
orthography gate checks oʻ/gʻ and ʼ), ё counts as е and case is ignored. A forbidden variant is
a phrase whose words are prefixes (``стандартн договор`` catches *стандартного договора*), or a
regular expression between slashes, matched case-sensitively on the msgstr as written.

``exceptions`` (``;``-separated) lists where a forbidden or missing form is legitimate:
``msgid:REGEX`` (the entry is not checked in a message whose English matches), ``only:REGEX``
(forbidden variants count only in messages whose English matches: *maxfiy* is wrong for
"sensitive", right for "classified"), ``@quotation`` (a forbidden variant inside «…», „…“ or
"…" is a quotation), ``@english`` (inside brackets, where the original is cited), or a bare REGEX
matched on the msgstr. Text in a ``<span lang="…">`` of another language is not the edition's
text and is not checked; a message whose msgstr is its msgid (a name, a code) is not checked for
missing renderings.

Command line (for editors, against any checkout)::

    python -m ppp_atlas.terms                     # this checkout's locales/
    python -m ppp_atlas.terms --locales ../wt-uz/locales --lang uz --term performance
    python -m ppp_atlas.terms --list              # every hit, one per line
    python -m ppp_atlas.terms --write-pending     # rewrite the pending list (maintainers only)

The same command checks ``locales/statutes.csv``: every message whose English quotes a statute's
definition must hold that definition's official wording in the edition's language (or, where
the statute has no official text in that language, the book's one translation).

Hits that were present when the gate was introduced are listed in
``locales/terms-pending.csv``; the test fails on any hit not in that list and on any line of
the list that no longer occurs, so the list can only shrink.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths

LOCALES = paths.ROOT / "locales"
TERMBASE = LOCALES / "termbase.csv"
PENDING = LOCALES / "terms-pending.csv"
LANGS = ("uz", "ru")
FIELDS = ["id", "en", "uz", "ru", "uz_short", "ru_short", "uz_authority", "ru_authority", "uz_forbidden", "ru_forbidden",
          "exceptions", "required", "glossary", "note"]
STATUTES = LOCALES / "statutes.csv"
PENDING_FIELDS = ["lang", "catalog", "term", "kind", "msgid_sha1", "msgid_start"]

_APOSTROPHES = "'‘’ʻʼ`´"
_STOPWORDS = {"uz": {"va", "bilan", "uchun", "yoki", "hamda"},
              "ru": {"и", "в", "о", "об", "по", "за", "на", "для", "с", "к", "от", "или", "при", "у"}}
_WORD = re.compile(r"[\w']+")
_ABBREVIATION = re.compile(r"^[\w'.\-/ ]*[A-ZА-ЯЁ][\w'.\-/ ]*[A-ZА-ЯЁ0-9][\w'.\-/ ]*$")


# --- the termbase ---------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    id: str
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


def read_termbase(path: Path = TERMBASE) -> list[Term]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    terms = []
    for row in rows:
        required = {"both": {"uz", "ru"}, "uz": {"uz"}, "ru": {"ru"}, "none": set()}[row["required"]]
        terms.append(Term(row["id"], tuple(split(row["en"])), {lang: tuple(split(row[lang])) for lang in LANGS},
                          {lang: tuple(split(row[f"{lang}_short"])) for lang in LANGS},
                          {lang: tuple(split(row[f"{lang}_forbidden"])) for lang in LANGS},
                          tuple(split(row["exceptions"])), frozenset(required), row["glossary"] == "true", row))
    return terms


@lru_cache(maxsize=4)
def _cached_termbase(path: Path, mtime: float) -> tuple[Term, ...]:
    return tuple(read_termbase(path))


def termbase(path: Path = TERMBASE) -> tuple[Term, ...]:
    return _cached_termbase(path, path.stat().st_mtime)


# --- normalising and stems ------------------------------------------------------------

def normalise(text: str) -> str:
    """Lower case, one apostrophe, е for ё, plain spaces."""
    text = text.lower().replace("ё", "е").replace("\u00a0", " ").replace("\u202f", " ")
    return "".join("'" if c in _APOSTROPHES else c for c in text)


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


@lru_cache(maxsize=None)
def _keys(form: str, lang: str) -> list[str]:
    words = _WORD.findall(normalise(form).replace("-", " "))
    keys = [stem(w) for w in words if w not in _STOPWORDS.get(lang, set())]
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
    return re.compile(r"(?<![\w'])" + r"[\s\-–]+".join(re.escape(w) + r"[\w']*" for w in words)), False


@lru_cache(maxsize=None)
def english_pattern(variant: str) -> re.Pattern:
    """An English form in a msgid: whole words, plural or possessive allowed, space and hyphen
    alike; an abbreviation (two capitals) or a code in backticks matches case-sensitively."""
    parts = [re.escape(p) for p in re.split(r"[\s\-–]+", variant.strip())]
    body = r"[\s\-–]+".join(parts)
    flags = 0 if (sum(c.isupper() for c in variant) >= 2 or variant.startswith("`")) else re.I
    return re.compile(r"(?<![\w`-])" + body + r"(?:s|es|'s|’s)?(?![\w])", flags)


# --- messages -------------------------------------------------------------------------

_ROLE_TARGET = re.compile(r"\{(?!term\})[a-z:-]+\}`[^`]*`")
_TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"«[^«»]*»|„[^„“]*“|\"[^\"]*\"|“[^“”]*”")
_BRACKETED = re.compile(r"\([^()]*\)")


def _span_pattern(lang: str) -> re.Pattern:
    return re.compile(r'<span lang="(?!' + lang + r'\b)[^"]*">.*?</span>', re.S)


def english_text(msgid: str) -> str:
    """The English words of a msgid: no role targets, link targets, URLs, tags, or text in
    another language's span; a glossary role by its visible words."""
    text = _span_pattern("en").sub(" ", msgid)
    text = _TERM_ROLE.sub(lambda m: m.group(1), text)
    for pattern in (_ROLE_TARGET, _LINK_TARGET, _URL, _TAG):
        text = pattern.sub(" ", text)
    return text


def edition_text(msgstr: str, lang: str) -> str:
    """The edition's own words in a msgstr (the same removals, spans of other languages too)."""
    text = _span_pattern(lang).sub(" ", msgstr)
    text = _TERM_ROLE.sub(lambda m: m.group(1), text)
    for pattern in (_ROLE_TARGET, _LINK_TARGET, _URL, _TAG):
        text = pattern.sub(" ", text)
    return text


@dataclass(frozen=True)
class Hit:
    lang: str
    catalog: str
    line: int
    msgid: str
    term: str
    kind: str     # "forbidden" or "missing"
    detail: str   # the forbidden text found, or the rendering wanted

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.msgid.encode("utf-8")).hexdigest()[:12]

    @property
    def start(self) -> str:
        words = " ".join(self.msgid.split())
        return words if len(words) <= 60 else words[:57].rsplit(" ", 1)[0] + " …"

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.lang, self.catalog, self.term, self.kind, self.digest)

    def __str__(self) -> str:
        what = {"forbidden": f"uses forbidden «{self.detail}»", "missing": f"lacks «{self.detail}»",
                "statute": f"does not quote the wording «{self.detail}»"}[self.kind]
        return f"{self.lang}/{self.catalog}:{self.line} «{self.start}»: term {self.term!r} {what}"


@lru_cache(maxsize=None)
def _exception_rules(term: Term):
    skip_msgid, only, bare, quotation, english = [], [], [], False, False
    for rule in term.exceptions:
        if rule == "@quotation":
            quotation = True
        elif rule == "@english":
            english = True
        elif rule.startswith("msgid:"):
            skip_msgid.append(re.compile(rule[6:]))
        elif rule.startswith("only:"):
            only.append(re.compile(rule[5:], re.I))
        else:
            bare.append(re.compile(rule))
    return skip_msgid, only, bare, quotation, english


def _inside(spans, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def check_message(msgid: str, msgstr: str, lang: str, terms) -> list[tuple[Term, str, str]]:
    """``[(term, kind, detail)]`` for one message."""
    found = []
    english = english_text(msgid)
    for kept in re.findall(r'<span lang="en">(.*?)</span>', msgstr, re.S):  # English kept in the edition
        english = english.replace(english_text(kept).strip(), " ")
    raw = edition_text(msgstr, lang).replace("\u00a0", " ").replace("\u202f", " ")
    text = normalise(raw)
    for term in terms:
        skip_msgid, only, bare, quotation, in_english = _exception_rules(term)
        if any(p.search(msgid) for p in skip_msgid) or any(p.search(msgstr) for p in bare):
            continue
        if term.forbidden[lang] and (not only or any(p.search(english) for p in only)):
            for variant in term.forbidden[lang]:
                pattern, is_raw = forbidden_pattern(variant)
                subject = raw if is_raw else text
                protected = []
                if quotation:
                    protected += [m.span() for m in _QUOTED.finditer(subject)]
                if in_english:
                    protected += [m.span() for m in _BRACKETED.finditer(subject)]
                for match in pattern.finditer(subject):
                    if not _inside(protected, *match.span()):
                        found.append((term, "forbidden", match.group(0)))
                        break
        if lang in term.required and term.forms[lang] and msgstr.strip() != msgid.strip():
            if any(english_pattern(v).search(english) for v in term.en) and not has_form(text, term.forms[lang] + term.short[lang], lang):
                found.append((term, "missing", term.forms[lang][0]))
    return found


def catalog_files(locales: Path, lang: str) -> list[Path]:
    return sorted((locales / lang / "LC_MESSAGES").rglob("*.po"))


def read_catalog(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def check(locales: Path = LOCALES, langs=LANGS, terms=None) -> list[Hit]:
    """Every hit of the termbase in the catalogs under ``locales``."""
    terms = termbase() if terms is None else terms
    hits = []
    for lang in langs:
        for path in catalog_files(locales, lang):
            name = path.relative_to(locales / lang / "LC_MESSAGES").as_posix()
            for message in read_catalog(path):
                if not message.id or not isinstance(message.id, str) or not message.string or message.fuzzy:
                    continue
                for term, kind, detail in check_message(message.id, message.string, lang, terms):
                    hits.append(Hit(lang, name, message.lineno, message.id, term.id, kind, detail))
    return hits


# --- statutes in their official wording ---------------------------------------------------

def read_statutes(path: Path = STATUTES) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _wording(text: str) -> str:
    """A text compared as a quotation: case, ё/е, apostrophes, spaces and markup aside."""
    text = _TAG.sub(" ", _TERM_ROLE.sub(lambda m: m.group(1), _ROLE_TARGET.sub(" ", text)))
    return re.sub(r"\s+", " ", normalise(text)).strip()


def statute_hits(locales: Path = LOCALES, langs=LANGS, statutes=None) -> list[Hit]:
    """Every message whose English quotes a statute's definition (its msgid holds one of the
    row's ``en`` fragments) and whose translation does not hold the row's text in that language:
    the official text, or where there is none the book's one translation."""
    statutes = read_statutes() if statutes is None else statutes
    hits = []
    for lang in langs:
        for path in catalog_files(locales, lang):
            name = path.relative_to(locales / lang / "LC_MESSAGES").as_posix()
            for message in read_catalog(path):
                if not message.id or not isinstance(message.id, str) or not message.string or message.fuzzy:
                    continue
                for row in statutes:
                    if any(fragment in message.id for fragment in split(row["en"])):
                        if _wording(row[lang]) not in _wording(message.string):
                            hits.append(Hit(lang, name, message.lineno, message.id, row["id"], "statute", row[lang]))
    return hits


# --- the pending list -------------------------------------------------------------------

def read_pending(path: Path = PENDING) -> set[tuple[str, str, str, str, str]]:
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["lang"], r["catalog"], r["term"], r["kind"], r["msgid_sha1"]) for r in csv.DictReader(handle)}


def write_pending(hits, path: Path = PENDING) -> None:
    rows = sorted({h.key(): h for h in hits}.values(), key=lambda h: (h.lang, h.catalog, h.line, h.term, h.kind))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PENDING_FIELDS)
        for h in rows:
            writer.writerow([h.lang, h.catalog, h.term, h.kind, h.digest, h.start])


# --- report ---------------------------------------------------------------------------

def summary(hits) -> str:
    lines = []
    for lang in LANGS:
        mine = [h for h in hits if h.lang == lang]
        forbidden = sum(h.kind == "forbidden" for h in mine)
        statute = sum(h.kind == "statute" for h in mine)
        lines.append(f"{lang}: {len(mine)} hits ({forbidden} forbidden, {len(mine) - forbidden - statute} missing, "
                     f"{statute} statute quotations not in the official wording)")
        per_term = Counter((h.term, h.kind) for h in mine)
        for (term, kind), n in sorted(per_term.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {term:<36} {kind:<9} {n:>4}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppp_atlas.terms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--locales", type=Path, default=LOCALES, help="the locales/ folder to check (default: this checkout's)")
    parser.add_argument("--termbase", type=Path, default=TERMBASE)
    parser.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    parser.add_argument("--term", action="append", help="only this termbase id (repeatable)")
    parser.add_argument("--list", action="store_true", help="print every hit")
    parser.add_argument("--new", action="store_true", help="only hits not in the pending list")
    parser.add_argument("--write-pending", action="store_true", help="rewrite locales/terms-pending.csv from the hits")
    args = parser.parse_args(argv)
    terms = read_termbase(args.termbase)
    if args.term:
        unknown = set(args.term) - {t.id for t in terms}
        if unknown:
            parser.error(f"unknown termbase ids: {sorted(unknown)}")
        terms = [t for t in terms if t.id in args.term]
    hits = check(args.locales, tuple(args.lang or LANGS), terms)
    if not args.term:
        hits += statute_hits(args.locales, tuple(args.lang or LANGS))
    if args.write_pending:
        write_pending(hits)
        print(f"wrote {PENDING.relative_to(paths.ROOT)}: {len({h.key() for h in hits})} pending hits")
        return 0
    if args.new:
        pending = read_pending()
        hits = [h for h in hits if h.key() not in pending]
    if args.list:
        for h in hits:
            print(h)
    print(f"termbase: {len(terms)} entries; catalogs: {args.locales}")
    print(summary(hits))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
