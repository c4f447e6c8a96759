"""The bibliography, read with pybtex: entries, author-year labels, plain-text names.

pybtex's own alpha labels drop non-ASCII letters (Cyrillic authors collide);
here labels are built from the names as written, so *Тожиева (2019)* and
*Hadrill (2018)* both come out whole.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from pybtex.database import BibliographyData, Entry, Person, parse_file

from . import paths

_BRACES = re.compile(r"[{}]")


def plain(text: str) -> str:
    """LaTeX-ish BibTeX text as plain Unicode: braces and escapes removed."""
    try:
        text = codecs.decode(text, "ulatex")
    except ValueError:
        pass
    return _BRACES.sub("", text).replace("~", "\u00a0").replace("--", "\u2013").strip()


def entries(bibfile: Path = paths.BIBFILE) -> dict[str, Entry]:
    return _parse(bibfile, bibfile.stat().st_mtime_ns).entries


@lru_cache(maxsize=4)
def _parse(bibfile: Path, _mtime: int) -> BibliographyData:
    return parse_file(str(bibfile), bib_format="bibtex")


def creators(entry: Entry) -> list[Person]:
    return entry.persons.get("author") or entry.persons.get("editor") or []


def family(person: Person) -> str:
    return plain(" ".join(person.prelast_names + person.last_names)) or plain(str(person))


#: The fixed words of a short citation in each edition: no year, "and" between two authors,
#: "and others" after the first of three or more (GOST R 7.0.100-2018's «б. г.», «и др.»).
NO_DATE = {"en": "n.d.", "ru": "б. г.", "uz": "yili koʻrsatilmagan"}
AND = {"en": "&", "ru": "и", "uz": "va"}
ET_AL = {"en": "et al.", "ru": "и др.", "uz": "va boshq."}


def creator_label(entry: Entry, lang: str = "en") -> str:
    """The short name an author-year citation shows: family names or the body."""
    people = creators(entry)
    if not people:
        for field in ("organization", "institution", "publisher"):
            if field in entry.fields:
                return plain(entry.fields[field])
        title = plain(entry.fields.get("title", "Anon."))
        return title if len(title) <= 40 else title[:40].rsplit(" ", 1)[0] + " …"
    if len(people) == 1:
        return family(people[0])
    if len(people) == 2:
        return f"{family(people[0])} {AND.get(lang, '&')} {family(people[1])}"
    return f"{family(people[0])} {ET_AL.get(lang, 'et al.')}"


def has_year(entry: Entry) -> bool:
    return bool(plain(entry.fields.get("year") or entry.fields.get("date", "")[:4]))


def year(entry: Entry, lang: str = "en") -> str:
    value = entry.fields.get("year") or entry.fields.get("date", "")[:4]
    return plain(value) or NO_DATE.get(lang, NO_DATE["en"])


def short_label(key: str, bibfile: Path = paths.BIBFILE, lang: str = "en") -> str:
    """``"Hadrill (2018)"`` for a key of ``references.bib`` (``lang``: the edition's words)."""
    entry = entries(bibfile)[key]
    return f"{creator_label(entry, lang)} ({year(entry, lang)})"
