"""Command line for the translators' side of the editions (``make translations``, ``make coverage``)::

    python -m ppp_atlas.translations extract    # re-extract messages, update both catalogs
    python -m ppp_atlas.translations coverage   # translated / fuzzy / untranslated per file

``extract`` runs Sphinx's gettext builder on the English source (with the execution cache
present, so glued values and glue-figure captions are extracted), writes the templates of the
book's own catalogs (:func:`write_templates`: the interface words of every module that shows
some, the Data page's words, the references' English fields, and every word of the charts,
glued text and notebook tables of the executed notebooks) and merges them into the Uzbek and
Russian catalogs with sphinx-intl. A tool: it may import any module of the package; nothing
of the build imports it.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

from . import (bib, bibkeys, build, charts, citations, config, datadocs, editions, interface, lawdate, paths,
               sphinx_pdf, tables, weights)

#: The modules whose ``WORDS`` are the book's own interface words (``ppp.pot``), in the catalog's
#: order; :func:`ppp_messages` checks that no module with ``WORDS`` is left out. The Data page's
#: words (:mod:`ppp_atlas.datadocs`) have a catalog of their own (``data.pot``).
WORD_MODULES = (charts, citations, weights, sphinx_pdf, lawdate, bibkeys)


def ppp_messages() -> list[str]:
    """Every fixed word of the book's own interface, from the modules that show them."""
    messages = list(interface.EDITION_WORDS)
    for module in WORD_MODULES:
        words = module.WORDS
        messages += list(words.values()) if isinstance(words, dict) else list(words)
    return list(dict.fromkeys(messages))


def modules_with_words() -> set[str]:
    """The package's modules that define ``WORDS`` (read from their source, not imported)."""
    return {path.stem for path in (paths.ROOT / "ppp_atlas").glob("*.py")
            if re.search(r"^WORDS\b", path.read_text(encoding="utf-8"), re.M)}


def _pot(messages) -> str:
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="PPP in Public Safety", fuzzy=False)
    for message in messages:
        catalog.add(message)
    buffer = BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=False, no_location=True)
    text = buffer.getvalue().decode("utf-8")
    # no creation date: the template changes only when its messages do
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date')) + "\n"


def write_templates(pot_dir: Path) -> None:
    """``sphinx.pot``, ``booktheme.pot``, ``ppp.pot`` (and ``charts.pot`` where the build wrote
    the charts' strings) beside the pages' templates."""
    (pot_dir / "sphinx.pot").write_text(_pot(interface.SPHINX + interface.CHROME), encoding="utf-8")
    (pot_dir / "booktheme.pot").write_text(_pot(interface.BOOKTHEME), encoding="utf-8")
    (pot_dir / "ppp.pot").write_text(_pot(ppp_messages()), encoding="utf-8")
    (pot_dir / "data.pot").write_text(_pot(datadocs.messages()), encoding="utf-8")
    (pot_dir / "references.pot").write_text(_pot(citations.edition_messages()), encoding="utf-8")
    from . import teaching

    (pot_dir / f"{teaching.DOMAIN}.pot").write_text(_pot(teaching.messages()), encoding="utf-8")  # the teacher's pack
    staging = paths.ROOT / "_build" / "staging"
    chart_words = chart_strings(staging)
    countries = set(editions.data_words("uz")) - set(editions.catalog("uz", "charts"))
    words = [w for w in dict.fromkeys([*chart_words, *glued_strings(staging), *table_strings(staging)])
             if w not in countries]
    (pot_dir / "charts.pot").write_text(_pot(words), encoding="utf-8")


def glued_strings(staging: Path) -> list[str]:
    """The text values notebooks glue (not numbers, dates, charts or tables, not country names):
    the words a translated page pastes from a notebook, for the ``charts`` catalog."""
    countries = set(editions.country_names("uz"))
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
    for path in sorted((staging / "_build" / "jupyter_execute").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            yield from cell.get("outputs", [])


_NO_WORDS = re.compile(r"[A-Z]{2,5}|[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+(?:_[a-z0-9]+)+|[\w-]+\d{4}[a-z0-9]+(?:; [\w-]+\d{4}[a-z0-9]+)*")


def _words_to_translate(texts, keep=frozenset()) -> list[str]:
    """``texts`` less what needs no translator: country names (CLDR), bibliography keys, codes and
    identifiers, numbers; those in ``keep`` (a data table's column titles) always stay."""
    keys = set(bib.entries())
    countries = set(editions.country_names("uz"))
    return [text for text in texts if text not in countries and (text in keep or (
        text not in keys and re.search(r"[A-Za-z]{2}", text) and not _NO_WORDS.fullmatch(text)))]


def chart_strings(staging: Path) -> list[str]:
    """Every string a chart of the book shows (``ppp_atlas.charts.chart_strings`` over the
    charts in the executed notebooks), its data table's column titles included, less what needs
    no translator (:func:`_words_to_translate`)."""
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
    found: dict[str, None] = {}
    for output in _executed_outputs(staging):
        markup = output.get("data", {}).get("text/html")
        markup = "".join(markup) if isinstance(markup, list) else markup
        if markup and tables.is_table(markup):
            found.update(dict.fromkeys(_words_to_translate(tables.table_strings(markup))))
    return list(found)


def extract_messages() -> int:
    """``make translations``: extract every message of the English source (with the
    execution cache present, so glued values and glue-figure captions are extracted) and
    update the Uzbek and Russian catalogs; changed messages become fuzzy there."""
    if not (build.cache_dir() / "global.db").exists():
        print("no execution cache yet: run `make book` first", file=sys.stderr)
        return 1
    settings = editions.edition_config("en", build.STAGING, build.cache_dir())
    gettext_out = build.STAGING / "gettext"
    status = build.run_jupyter_book(gettext_out, log=build.STAGING / "gettext.log", config=settings,
                                    builder="gettext")
    if status != 0:
        sys.stderr.write((build.STAGING / "gettext.log").read_text(encoding="utf-8")[-20000:])
        return status
    pot_dir = gettext_out / "_build" / "gettext"
    write_templates(pot_dir)
    from sphinx_intl import basic

    basic.update(str(editions.LOCALES), str(pot_dir), list(editions.TRANSLATIONS), line_width=-1,
                 ignore_obsolete=True)
    for lang in editions.TRANSLATIONS:
        interface.normalise_catalogs(lang)
    return 0


def print_coverage() -> int:
    """``make coverage``: translated, fuzzy and untranslated messages per catalog."""
    width = 34
    for lang in config.TRANSLATIONS:
        rows = editions.coverage(lang)
        total = sum(r.total for r in rows)
        done = sum(r.translated for r in rows)
        fuzzy = sum(r.fuzzy for r in rows)
        print(f"\n{editions.ENDONYMS[lang]} ({lang}): {done}/{total} messages translated "
              f"({100.0 * done / total if total else 100:.1f} %), {fuzzy} fuzzy")
        for r in rows:
            print(f"  {r.file:<{width}} {r.translated:>4}/{r.total:<4} {r.percent:6.1f} %  fuzzy {r.fuzzy}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppp_atlas.translations")
    parser.add_argument("command", choices=["extract", "coverage"])
    args = parser.parse_args(argv)
    if args.command == "coverage":
        return print_coverage()
    return extract_messages()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
