"""The words around the text: the interface of every edition.

Sphinx, pydata-sphinx-theme and sphinx-book-theme ship no Uzbek, and their Russian has
gaps. The book keeps its own catalogs for the words its pages show:

* ``sphinx`` — Sphinx's and pydata-sphinx-theme's messages that appear on the book's pages
  (Sphinx reads ``locales/<lang>/LC_MESSAGES/sphinx.po`` before its own catalogs); the
  messages the search page shows through JavaScript also go into a generated ``sphinx.js``;
* ``booktheme`` — sphinx-book-theme's messages, loaded after the theme's own catalog, so
  they fill its gaps;
* ``ppp`` — the book's own fixed words (title, author, footer, language switch, chart box,
  "Cite this page", Data page, reference lists);
* the theme templates' few hard-coded English attributes (``title="Toggle primary
  sidebar"``...), translated in the built pages by :func:`chrome_replacements`.

:func:`ppp_atlas.translations.write_templates` writes the ``.pot`` files that
``make translations`` merges into the catalogs.
"""
from __future__ import annotations

import re

import json
from pathlib import Path

from . import editions
from .uzbek import uzbek_apostrophes

#: Sphinx's and pydata-sphinx-theme's messages shown on the book's pages.
SPHINX = [
    "Skip to main content", "Back to top", "Search", "Error",
    "Please activate JavaScript to enable the search functionality.", "Breadcrumb", "Home",
    "© Copyright %(copyright)s.", "Last updated on %(last_updated)s.", "On this page", "previous page",
    "previous", "next page", "next", "Section Navigation", "Color mode", "Light", "Dark", "System Settings",
    "Version warning", "Announcement", "Site navigation", "Click to expand", "Click to collapse", "Indices",
    "General Index", "Show Source", "%b %d, %Y", "Index", "Search Results", "Searching", "Preparing search...",
    "Search finished, found ${resultCount} page(s) matching the search query.",
    "Your search did not match any documents. Please make sure that all words are spelled correctly and "
    "that you've selected enough categories.",
    ", in ", "Hide Search Matches", "Link to this heading", "Link to this definition", "Link to this term",
    "Link to this table", "Link to this code", "Link to this image", "Symbols", "Full index on one page",
    "Index pages by letter", "can be huge", "Contents", "Table of Contents", "Go", "Search Page",
    "Fig. %s", "Table %s", "Listing %s", "Section %s",
]
#: The messages among them that Sphinx's search scripts ask for (``translations.js``).
SPHINX_JS = [
    "Search Results", "Searching", "Preparing search...",
    "Search finished, found ${resultCount} page(s) matching the search query.",
    "Your search did not match any documents. Please make sure that all words are spelled correctly and "
    "that you've selected enough categories.",
    ", in ", "Hide Search Matches",
]
#: sphinx-book-theme's messages (its own list of translatable strings).
BOOKTHEME = [
    "By", "By the", "Contents", "Copyright", "Download notebook file", "Download source file",
    "Download this page", "Edit this page", "Fullscreen mode", "Last updated on", "Launch",
    "Launch on", "Launch interactive content", "Open an issue", "Print to PDF", "Source repository",
    "Sphinx Book Theme", "Theme by the", "Toggle navigation", "next page", "open issue", "previous page",
    "repository", "suggest edit",
]
#: Attribute values the theme's templates write in English without a catalog.
CHROME = ["Toggle primary sidebar", "Toggle secondary sidebar", "Main", "Page", "Binder logo",
          "Search this book..."]

#: The book's own interface words that are not in a module's ``WORDS``.
EDITION_WORDS = [
    "PPP in Public Safety: a comparative atlas",
    "PPP Public Safety Atlas contributors",
    "Text and charts <a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license noopener\">CC BY 4.0</a>; "
    "code MIT; data under each source’s terms.",
    "Language", "This page in other languages", "Read this page in {language}",
]


def normalise_catalogs(lang: str) -> None:
    """Uzbek catalogs write oʻ/gʻ with U+02BB and the tutuq belgisi with U+02BC, whatever
    apostrophe a translator typed; no catalog calls a percentage a Python format
    (:func:`drop_percentage_formats`); every catalog has the book's header (:func:`catalog_header`)."""
    for path in editions.catalog_files(lang):
        text = path.read_text(encoding="utf-8")
        fixed = catalog_header(drop_percentage_formats(text), lang, path.relative_to(editions.LOCALES / lang / "LC_MESSAGES"))
        if lang == "uz":
            fixed = "\n".join(_fix_msgstr(line) for line in fixed.split("\n"))
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


#: The edition's name in English, for catalog headers (read by translators and tools, not readers).
_EDITION_NAMES = {"uz": "Uzbek (Latin script)", "ru": "Russian"}
#: What the gettext tools write into a new catalog's header until someone fills it in.
HEADER_PLACEHOLDERS = ("SOME DESCRIPTIVE TITLE", "FIRST AUTHOR", "EMAIL@ADDRESS", "Project name not set",
                       "YEAR-MO-DA", "FULL NAME", "LL@li.org", "ORGANIZATION", " VERSION")


def catalog_header(text: str, lang: str, name: Path) -> str:
    """``text`` (a catalog) with the book's header in place of the gettext tools' placeholders: the
    book's title and version (CITATION.cff), where to report a fault, the edition's editors as
    translator and team, the licence. The creation date, plural forms and generator are kept; a
    real revision date is kept, a placeholder becomes today's date (UTC)."""
    import datetime

    from . import config

    head, sep, body = text.partition("\n\n")
    if 'msgid ""' not in head:
        return text
    fields = dict(re.findall(r'^"([A-Za-z-]+): (.*?)\\n"$', head, re.M))
    meta = config.book_metadata()
    edition = _EDITION_NAMES.get(lang, lang)
    revised = fields.get("PO-Revision-Date", "")
    if not revised or "YEAR" in revised:
        revised = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    repository = str(config.citation().get("repository-code", "")).rstrip("/")
    values = {
        "Project-Id-Version": f"{meta['title']} {meta['version']}",
        "Report-Msgid-Bugs-To": f"{repository}/issues" if repository else "",
        "POT-Creation-Date": fields.get("POT-Creation-Date", ""),
        "PO-Revision-Date": revised,
        "Last-Translator": f"Editors of the {edition} edition",
        "Language": lang,
        "Language-Team": f"{edition} edition of the atlas (reviews: locales/reviews/)",
        "Plural-Forms": fields.get("Plural-Forms", ""),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": fields.get("Generated-By", ""),
    }
    lines = [f"# {edition} edition of “{meta['title']}”: the messages of {name.with_suffix('').as_posix()}.",
             f"# Copyright (C) {meta['date'][:4]} the authors; published under {meta['license'] or 'the book’s licence'},",
             "# like the text (LICENSE-CONTENT). House terms: locales/termbase.csv; guide: locales/README.md.",
             "#", 'msgid ""', 'msgstr ""']
    lines += [f'"{key}: {value}\\n"' for key, value in values.items() if value]
    header = "\n".join(lines)
    return header + sep + body if header != head else text


_PERCENT_NOT_AFTER_DIGIT = re.compile(r"(?<![0-9])(?<![0-9][ \u00a0])%")


def drop_percentage_formats(text: str) -> str:
    """Babel flags every message whose English holds "%" followed by a letter as ``python-format``
    ("56% of" reads as the conversion "% o"), and gettext then rejects any translation that writes
    the percentage otherwise ("56 % из"). A "%" right after a number (or after a number and a space) is a percentage: a message whose
    every "%" is one loses the flag. Sphinx's own "%(copyright)s" keeps it."""
    out = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and "%" in msgid.group(1) and not _PERCENT_NOT_AFTER_DIGIT.search(msgid.group(1)):
            block = re.sub(r"^(#,.*?)(?:, python-format|python-format, |python-format)(.*)$",
                           lambda m: m.group(1) + m.group(2), block, flags=re.M)
            block = re.sub(r"^#,\s*$\n?", "", block, flags=re.M)
        out.append(block)
    return "\n\n".join(out)


def _fix_msgstr(line: str) -> str:
    if line.startswith('msgstr "') or (line.startswith('"') and not line.startswith('"Content-')):
        return uzbek_apostrophes(line)
    return line


def compile_interface(lang: str) -> Path:
    """Compile ``booktheme.po`` to ``.mo`` and write ``sphinx.js`` for the search page, into
    ``_build/locales`` (not the repository). Returns that directory."""
    from babel.messages.mofile import write_mo

    out = editions.generated_locales()
    messages_dir = out / lang / "LC_MESSAGES"
    messages_dir.mkdir(parents=True, exist_ok=True)
    source = editions.LOCALES / lang / "LC_MESSAGES" / "booktheme.po"
    if source.exists():
        target = messages_dir / "booktheme.mo"
        buffer = _mo_bytes(editions.read_catalog(source), write_mo)
        if not target.exists() or target.read_bytes() != buffer:
            target.write_bytes(buffer)
    # The search page's words. Sphinx's own translations.js calls Documentation.addTranslations,
    # which builds a function from a string (new Function): the site's Content-Security-Policy
    # forbids that, so the edition's file sets the messages directly (the search page uses no
    # plural forms). Sphinx copies this file as _static/translations.js.
    words = editions.catalog(lang, "sphinx")
    messages = {m: words[m] for m in SPHINX_JS if m in words}
    text = ("Object.assign(Documentation.TRANSLATIONS, " + json.dumps(messages, ensure_ascii=False, sort_keys=True)
            + ");\nDocumentation.LOCALE = " + json.dumps(lang) + ";\n")
    target = messages_dir / "sphinx.js"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return out


def _mo_bytes(catalog, write_mo) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def chrome_replacements(lang: str) -> dict[str, str]:
    """``{english attribute text: translation}`` for the theme's hard-coded attributes."""
    words = editions.catalog(lang, "sphinx")
    return {english: words[english] for english in CHROME if english in words}
