"""Three editions from one source: English, Uzbek (Latin script) and Russian.

The English text is the source. Uzbek and Russian come from gettext catalogs in
``locales/<lang>/LC_MESSAGES/``:

* ``book/<page>.po``, ``notebooks/<page>.po``: the pages' own text, extracted by
  Sphinx's gettext builder (one catalog per page);
* ``sphinx.po``: Sphinx's and pydata-sphinx-theme's interface words (neither ships Uzbek);
* ``booktheme.po``: sphinx-book-theme's interface words (Russian gaps, no Uzbek);
* ``ppp.po``: the book's own fixed words (chart boxes, "Cite this page", the Data page,
  reference lists, the language switch);
* ``charts.po``: every reader-visible string of every chart (titles, axes, legends,
  categories, hover text);
* ``references.po``: the English fields of ``references.bib`` (``note``, ``howpublished``) that
  the Uzbek and Russian references show in the edition's words;
* ``data.po``: the Data page's words: table descriptions, column dictionaries, the notes on
  how each table was made and checked, the verification labels, the article's outline.

Each edition is a Jupyter Book build with its own generated configuration
(``_build/staging/_config.<lang>.yml``: ``language``, the same jupyter-cache as
the English build, so notebooks execute once for all three).

Command line (``make translations``)::

    python -m ppp_atlas.editions extract    # re-extract messages, update both catalogs
    python -m ppp_atlas.editions coverage   # translated / fuzzy / untranslated per file
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import config, paths
from .config import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS  # noqa: F401 (the editions, named in config)
from .uzbek import uzbek_apostrophes

LOCALES = paths.ROOT / "locales"
#: The name of each edition in its own language (the language switch shows these).
ENDONYMS = {"en": "English", "uz": "Oʻzbekcha", "ru": "Русский"}
#: BCP 47 tags for ``<html lang>`` and ``hreflang`` (Uzbek in Latin script).
BCP47 = {"en": "en", "uz": "uz-Latn", "ru": "ru"}
#: Catalogs whose translation may still be under way: the parity gate lets only these be
#: incomplete (book chapters, notebooks, or the data-driven data.po/charts.po/references.po), never
#: the interface, the landing page, the glossary, the Data page or the bibliography page. Pending:
#: ``references.po``, the notes of references.bib (a reference whose note is not yet translated
#: is shown without it in that edition).
PENDING: dict[str, set[str]] = {lang: {"references.po"} for lang in ("uz", "ru")}
#: Catalogs that are not pages (interface and data strings).
INTERFACE_DOMAINS = ("sphinx", "booktheme", "ppp", "charts", "data", "references")


#: How each edition writes a full date (CLDR patterns): 3 April 2017; 2017-yil 3-aprel; 3 апреля 2017 г.
FULL_DATE = {"en": "d MMMM y", "uz": "y-'yil' d-MMMM", "ru": "d MMMM y 'г.'"}


def full_date(day, lang: str) -> str:
    """A date as the edition writes it in running text (``day``: a date or an ISO string)."""
    import datetime

    from babel.dates import format_date

    if isinstance(day, datetime.datetime):
        day = day.date()
    elif not isinstance(day, datetime.date):
        day = datetime.date.fromisoformat(str(day)[:10])
    text = format_date(day, FULL_DATE.get(lang, "long"), locale=lang)
    return uzbek_apostrophes(text) if lang == "uz" else text


def edition_config(lang: str, staging: Path, cache: Path) -> Path:
    """Write ``_config.<lang>.yml`` for one translated edition and return its path."""
    settings = config.book_config()
    settings.setdefault("execute", {})["cache"] = str(cache)
    sphinx_config = settings.setdefault("sphinx", {}).setdefault("config", {})
    if lang == SOURCE_LANGUAGE:  # the English source with the shared cache (message extraction)
        return _write_config(settings, staging / "_config.en.yml")
    sphinx_config["language"] = lang
    sphinx_config["locale_dirs"] = [str(LOCALES), str(generated_locales())]
    sphinx_config["html_search_language"] = lang
    # translators type their own typographic quotes («», “”); docutils' smartquotes would turn the
    # apostrophes of English names left in the text into Russian closing quotes
    sphinx_config["smartquotes"] = False
    sphinx_config["bibtex_default_style"] = "ppp-gost"  # GOST R 7.0.100-2018, as Uzbek and Russian readers cite
    words = catalog(lang, "ppp")
    settings["title"] = words.get(settings["title"]) or settings["title"]
    settings["author"] = words.get(settings.get("author", "")) or settings.get("author", "")
    footer = settings.get("html", {}).get("extra_footer")
    if footer:
        settings["html"]["extra_footer"] = words.get(footer) or footer
    return _write_config(settings, staging / f"_config.{lang}.yml")


def _write_config(settings: dict, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "# Generated by ppp_atlas.editions from _config.yml: do not edit.\n" + yaml.safe_dump(
        settings, allow_unicode=True, sort_keys=False)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def generated_locales() -> Path:
    """Compiled catalogs the build writes itself (``.mo`` for the themes, ``sphinx.js``)."""
    return paths.ROOT / "_build" / "locales"


# --- catalogs ---------------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    file: str
    total: int
    translated: int
    fuzzy: int
    untranslated: list[str]
    fuzzy_ids: list[str]

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALES / lang / "LC_MESSAGES").rglob("*.po"))


def read_catalog(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def catalog_path(lang: str, domain: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


def note_catalog(env, lang: str, domain: str) -> None:
    """Make a Sphinx page depend on the edition's catalog ``domain``, so that a new translation
    rewrites it. English has no catalogs, and Sphinx re-reads a page whose dependency is missing on
    every build: no dependency then."""
    path = catalog_path(lang, domain)
    if path.exists():
        env.note_dependency(str(path))


def catalog_mtime(lang: str, domain: str) -> float:
    path = catalog_path(lang, domain)
    return path.stat().st_mtime if path.exists() else 0.0


@lru_cache(maxsize=32)
def _catalog(lang: str, domain: str, mtime: float) -> dict[str, str]:
    path = catalog_path(lang, domain)
    if not path.exists():
        return {}
    result = {}
    for message in read_catalog(path):
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            result[message.id] = message.string
    return result


def catalog(lang: str, domain: str) -> dict[str, str]:
    """Translated, non-fuzzy messages of one catalog as ``{english: translation}``."""
    if lang == SOURCE_LANGUAGE:
        return {}
    return _catalog(lang, domain, catalog_mtime(lang, domain))


def data_words(lang: str) -> dict[str, str]:
    """Words that come from data into charts and glued text: country names from CLDR (through
    ``data/countries.csv``), the rest from the edition's ``charts`` catalog."""
    if lang == SOURCE_LANGUAGE:
        return {}
    return {**_country_names(lang, _mtime(paths.DATA / "countries.csv")), **catalog(lang, "charts")}


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


@lru_cache(maxsize=8)
def _country_names(lang: str, mtime: float) -> dict[str, str]:
    import csv

    with (paths.DATA / "countries.csv").open(encoding="utf-8") as handle:
        return {row["name_en"]: row[f"name_{lang}"] for row in csv.DictReader(handle) if row.get(f"name_{lang}")}


def glued_strings(staging: Path) -> list[str]:
    """The text values notebooks glue (not numbers, dates, charts or tables, not country names):
    the words a translated page pastes from a notebook, for the ``charts`` catalog."""
    import ast
    import json

    countries = set(_country_names("uz", _mtime(paths.DATA / "countries.csv")))
    found: dict[str, None] = {}
    for path in sorted((staging / "_build" / "jupyter_execute").rglob("*.glue.json")):
        for item in json.loads(path.read_text(encoding="utf-8")).values():
            text = item.get("data", {}).get("text/plain") if isinstance(item, dict) else None
            if text is None or "text/html" in item.get("data", {}):
                continue
            try:
                value = ast.literal_eval(text)
            except (SyntaxError, ValueError):
                continue
            if (isinstance(value, str) and re.search(r"[A-Za-z]{2}", value) and value not in countries
                    and not value.startswith(("Chart ", "<Styler"))):
                found.setdefault(value, None)
    return list(found)


def _executed_outputs(staging: Path):
    """Every output of every executed notebook of the build."""
    import json

    for path in sorted((staging / "_build" / "jupyter_execute").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            yield from cell.get("outputs", [])


_NO_WORDS = re.compile(r"[A-Z]{2,5}|[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+(?:_[a-z0-9]+)+|[\w-]+\d{4}[a-z0-9]+(?:; [\w-]+\d{4}[a-z0-9]+)*")


def _words_to_translate(texts, keep=frozenset()) -> list[str]:
    """``texts`` less what needs no translator: country names (CLDR), bibliography keys, codes and
    identifiers, numbers; those in ``keep`` (a data table's column titles) always stay."""
    from . import bib

    keys = set(bib.entries())
    countries = set(_country_names("uz", _mtime(paths.DATA / "countries.csv")))
    return [text for text in texts if text not in countries and (text in keep or (
        text not in keys and re.search(r"[A-Za-z]{2}", text) and not _NO_WORDS.fullmatch(text)))]


def chart_strings(staging: Path) -> list[str]:
    """Every string a chart of the book shows (``ppp_atlas.charts.chart_strings`` over the
    charts in the executed notebooks), its data table's column titles included, less what needs
    no translator (:func:`_words_to_translate`)."""
    from . import charts

    found: dict[str, None] = {}
    for output in _executed_outputs(staging):
        meta = output.get("metadata", {}).get("text/html", {}).get("ppp_chart")
        if meta and meta.get("version", 1) >= 2:
            columns = frozenset(meta.get("data", {}).get("columns", []))
            found.update(dict.fromkeys(_words_to_translate(charts.chart_strings(meta), columns)))
    return list(found)


def table_strings(staging: Path) -> list[str]:
    """Every header and cell text of the notebooks' tables (pandas Styler output, translated at
    build time by :mod:`ppp_atlas.tables`), less what needs no translator."""
    from . import tables

    found: dict[str, None] = {}
    for output in _executed_outputs(staging):
        markup = output.get("data", {}).get("text/html")
        markup = "".join(markup) if isinstance(markup, list) else markup
        if markup and tables.is_table(markup):
            found.update(dict.fromkeys(_words_to_translate(tables.table_strings(markup))))
    return list(found)


def translator(lang: str, domain: str):
    """A function that translates one English string of ``domain`` (unknown strings unchanged)."""
    messages = catalog(lang, domain)
    return lambda text: messages.get(text, text) if isinstance(text, str) else text


def coverage(lang: str) -> list[Coverage]:
    result = []
    for path in catalog_files(lang):
        messages = [m for m in read_catalog(path) if m.id]
        untranslated = [m.id for m in messages if not m.string]
        fuzzy = [m.id for m in messages if m.string and m.fuzzy]
        translated = len(messages) - len(untranslated) - len(fuzzy)
        result.append(Coverage(str(path.relative_to(LOCALES / lang / "LC_MESSAGES")), len(messages), translated,
                               len(fuzzy), untranslated, fuzzy))
    return result


# --- the termbase -------------------------------------------------------------------

def termbase() -> dict[str, dict[str, list[str]]]:
    """The glossary's three-language table: ``{English headword: {"uz": [forms], "ru": [forms]}}``."""
    table = {}
    for line in (paths.ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| {term}"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        term = re.search(r"\{term\}`([^`]+)`", cells[0]).group(1)
        table[term] = {lang: [f.strip() for f in re.sub(r"<[^>]+>", "", cell).replace("†", "").split(";") if f.strip()]
                       for lang, cell in (("uz", cells[1]), ("ru", cells[2]))}
    return table


def _term_keys(form: str) -> set[str]:
    """What an inflected use of a termbase form must start with: the stem of one of its words
    (the head noun alone may stand for the term: «контроля» for «государственный контроль»), or
    an abbreviation given in brackets (DXSh, KPI, ГЧП)."""
    keys = {a.strip().lower() for abbr in re.findall(r"\(([^)]+)\)", form) for a in re.split(r"[,;]", abbr)}
    words = re.findall(r"\w+", re.sub(r"\([^)]*\)", "", form).lower())
    keys.update(word[:5] for word in words if len(word) >= 4 or word is words[0])
    return {k for k in keys if k}


def termbase_problems(lang: str) -> list[str]:
    """Glossary roles whose visible words are not a form of the termbase's term."""
    table, problems = termbase(), []
    for path in catalog_files(lang):
        for message in read_catalog(path):
            if not message.string or not isinstance(message.string, str) or message.fuzzy:
                continue
            for visible, target in re.findall(r"\{term\}`([^`<]*?)\s*<([^>`]+)>`", message.string):
                forms = table.get(target, {}).get(lang)
                if not forms:
                    continue
                keys = set().union(*(_term_keys(f) for f in forms))
                words = [w.lower() for w in re.findall(r"\w+", visible)]
                if not any(w.startswith(k) for k in keys for w in words):
                    problems.append(f"{lang}/{path.name}: {{term}}`{visible} <{target}>` is not a form of {forms}")
    return problems


# --- markup that must survive translation ----------------------------------------

_MARKUP = [
    re.compile(r"\{[a-z:-]+\}`[^`]*`"),            # roles: {cite:p}`key`, {glue:text}`/nb::key`, {term}`x`
    re.compile(r"\]\(([^)\s]+)\)"),               # link targets [text](target)
    re.compile(r"(?<![`{])`[^`{}]+`(?!`)"),       # inline code
    re.compile(r"\$\{[a-zA-Z]+\}|%\([a-z_]+\)s|%s|\{[a-z_]*\}|%\{[^}]+\}"),  # placeholders (plotly's %{x} too)
]


def markup_of(text: str) -> list[str]:
    """The pieces of markup in a message that a translation must carry unchanged. A glossary
    role counts as ``{term}`` (its visible words are translated; its target is checked by
    the strict build); a role with its own words (``{ref}`words <target>```) counts by its target."""
    found = []
    for pattern in _MARKUP:
        for match in pattern.finditer(text):
            piece = match.group(0)
            titled = re.fullmatch(r"(\{[a-z:-]+\}`)[^`<]*<([^`>]+)>`", piece)
            if piece.startswith("{term}"):
                piece = "{term}"
            elif titled:  # {ref}`words <target>`: the words are translated, the target is kept
                piece = f"{titled.group(1)}<{titled.group(2)}>`"
            found.append(piece)
        text = pattern.sub(" ", text)  # a role's `target` is not inline code as well
    return sorted(found)


def markup_problems(lang: str) -> list[str]:
    problems = []
    for path in catalog_files(lang):
        for message in read_catalog(path):
            if not message.id or not message.string or message.fuzzy or not isinstance(message.id, str):
                continue
            if markup_of(message.id) != markup_of(message.string):
                missing = sorted(set(markup_of(message.id)) - set(markup_of(message.string)))
                extra = sorted(set(markup_of(message.string)) - set(markup_of(message.id)))
                problems.append(f"{lang}/{path.relative_to(LOCALES / lang / 'LC_MESSAGES')}: "
                                f"{message.id[:70]!r}: missing {missing}, unexpected {extra}")
    return problems


# --- command line ---------------------------------------------------------------

def _print_coverage() -> int:
    width = 34
    for lang in TRANSLATIONS:
        rows = coverage(lang)
        total = sum(r.total for r in rows)
        done = sum(r.translated for r in rows)
        fuzzy = sum(r.fuzzy for r in rows)
        print(f"\n{ENDONYMS[lang]} ({lang}): {done}/{total} messages translated "
              f"({100.0 * done / total if total else 100:.1f} %), {fuzzy} fuzzy")
        for r in rows:
            print(f"  {r.file:<{width}} {r.translated:>4}/{r.total:<4} {r.percent:6.1f} %  fuzzy {r.fuzzy}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppp_atlas.editions")
    parser.add_argument("command", choices=["extract", "coverage"])
    args = parser.parse_args(argv)
    if args.command == "coverage":
        return _print_coverage()
    from . import build

    return build.extract_messages()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
