"""Country names in English, Uzbek and Russian: the lookup the charts use, and the generator.

``country_name("DEU", "uz")`` gives one name and ``country_names("ru")`` the whole
``iso3 -> name`` Series; both default to English, so a notebook written for the
English edition names countries in another edition's language by passing ``lang``.

``data/countries.csv`` keeps the ISO 3166-1 codes and English short names it has
always had. Its Uzbek and Russian names come from the Unicode Common Locale Data
Repository (CLDR) as Babel ships it, and ``python -m ppp_atlas.countries``
rewrites them (``--check`` only reports what would change). Two rules apply:

* **Uzbek apostrophes.** CLDR spells the Uzbek letters oʻ and gʻ with U+02BB in
  some names and U+2018 in others, and the tutuq belgisi (the glottal stop) with
  U+2019. Every apostrophe-like character becomes U+02BB after *o* or *g* and
  U+02BC anywhere else, as the Latin alphabet of Uzbekistan writes them.
* **Overrides.** A handful of names are set by hand, each with the note that the
  table carries (``OVERRIDES``); every other name equals CLDR's.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pandas as pd

from . import paths
from .uzbek import uzbek_apostrophes  # the one rule for all Uzbek text of the book

TABLE = paths.DATA / "countries.csv"
LANGUAGES = {"en": "name_en", "uz": "name_uz", "ru": "name_ru"}
CLDR_KEY = "CLDR2025common"
ISO_KEY = "ISO3166"

_LANGUAGE_NAMES = {"uz": "Uzbek", "ru": "Russian"}

# (iso3, language) -> (name, verification, note). Keep this short: each entry is a
# deliberate departure from CLDR that a reader can check from the note.
OVERRIDES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("SWZ", "uz"): (
        "Esvatini", "inferred",
        "Inferred by the book: CLDR 47 still gives the Uzbek name Svazilend, the country's name before April 2018; "
        "ISO 3166-1 and CLDR's own English (Eswatini) and Russian (Эсватини) use the current name. "
        "The Uzbek form is the book's transliteration of Eswatini, written as CLDR writes Svazilend (w as v)."),
    ("USA", "ru"): (
        "Соединённые Штаты", "inferred",
        "Inferred by the book: CLDR 47 writes the Russian name without ё (Соединенные Штаты); the Russian edition "
        "writes ё throughout, as in its chapters' «Соединённые Штаты Америки», so that one country has one spelling."),
}


def normalise_uzbek(text: str) -> str:
    """Uzbek Latin with U+02BB after o/g (oʻ, gʻ) and U+02BC for the tutuq belgisi.

    >>> normalise_uzbek("Amerika Qo\u2018shma Shtatlari") == "Amerika Qo\u02bbshma Shtatlari"
    True
    >>> normalise_uzbek("Kot-d\u2019Ivuar") == "Kot-d\u02bcIvuar"
    True
    """
    return uzbek_apostrophes(text.replace("`", "'"))  # a name holds no Markdown code


def cldr_version() -> str:
    """The CLDR release the installed Babel carries (``"47"`` for Babel 2.18)."""
    from babel.core import get_cldr_version

    return str(get_cldr_version())


def cldr_name(iso2: str, lang: str) -> str:
    """CLDR's name of a territory in ``lang`` ("uz" normalised as above)."""
    from babel import Locale

    name = Locale.parse(lang).territories[iso2]
    return normalise_uzbek(name) if lang == "uz" else name


def generate(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The table's rows with Uzbek and Russian names and provenance regenerated."""
    version = cldr_version()
    out = []
    for row in rows:
        row = dict(row)
        notes, status = [], "confirmed"
        for lang in ("uz", "ru"):
            name = cldr_name(row["iso2"], lang)
            if (row["iso3"], lang) in OVERRIDES:
                name, status, note = OVERRIDES[(row["iso3"], lang)]
                notes.append(f"{_LANGUAGE_NAMES[lang]} name set by the book: {note}")
            row[LANGUAGES[lang]] = name
        row["source"] = f"{ISO_KEY}; {CLDR_KEY}"
        row["locator"] = f"alpha-3 {row['iso3']}; CLDR {version} territory {row['iso2']} (uz, ru)"
        row["accessed"] = ""
        row["verification"] = status
        row["note"] = " ".join(notes)
        out.append(row)
    return out


def read(path: Path = TABLE) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def changes(old: list[dict[str, str]], new: list[dict[str, str]]) -> dict[str, int]:
    """How many names changed in each language."""
    return {lang: sum(a[LANGUAGES[lang]] != b[LANGUAGES[lang]] for a, b in zip(old, new)) for lang in ("uz", "ru")}


def country_names(lang: str = "en") -> pd.Series:
    """Every country's name in ``lang`` ("en", "uz" or "ru"), indexed by ISO alpha-3 code."""
    from .data import load

    if lang not in LANGUAGES:
        raise ValueError(f'no country names in "{lang}"; languages: {", ".join(LANGUAGES)}')
    return load("countries").set_index("iso3")[LANGUAGES[lang]]


def country_name(iso3: str, lang: str = "en") -> str:
    """One country's name in ``lang``.

    >>> country_name("DEU"), country_name("DEU", "uz"), country_name("DEU", "ru")
    ('Germany', 'Germaniya', 'Германия')
    """
    names = country_names(lang)
    if iso3 not in names.index:
        raise KeyError(f'no country "{iso3}" in countries.csv')
    return str(names[iso3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppp_atlas.countries",
                                     description="Regenerate the Uzbek and Russian names in data/countries.csv from CLDR.")
    parser.add_argument("--check", action="store_true", help="report differences and exit 1 instead of writing")
    parser.add_argument("--table", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    header, rows = read(args.table)
    new = generate(rows)
    counts = changes(rows, new)
    differs = new != rows
    print(f"CLDR {cldr_version()}: {len(rows)} countries; names that differ from the table: "
          f"Uzbek {counts['uz']}, Russian {counts['ru']}; overrides: {len(OVERRIDES)}")
    if args.check:
        return int(differs)
    if differs:
        write(args.table, header, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
