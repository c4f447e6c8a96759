"""The house citation style (a pybtex plugin) and "Cite this page" boxes.

* :class:`HouseStyle` formats ``references.bib`` for sphinxcontrib-bibtex: author-year
  labels built from names as written (Cyrillic stays whole), laws with number and
  date, web pages with URL and access date, original titles kept with the English
  translation from ``titleaddon`` in square brackets.
* :func:`cite_box_html` gives every page BibTeX, RIS, an APA-like and a GOST-like
  reference, all produced with pybtex from one metadata source: ``CITATION.cff``.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

from pybtex.database import BibliographyData, Entry, Person
from pybtex.plugin import register_plugin
from pybtex.richtext import Tag, Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import FieldIsMissing, field, href, join, node, optional, sentence, tag, words

from . import bib, config

# --- house style for the bibliography --------------------------------------------


class AuthorYearLabels(BaseLabelStyle):
    """``Тожиева2019``, ``Hadrill2018``; a, b, c suffixes where two would collide."""

    def format_labels(self, sorted_entries):
        # a work without a year is labelled by its name alone: "n.d." is an English word, and a
        # label is the same in every edition
        labels = [f"{bib.creator_label(e).split(' ')[0].rstrip(',')}{bib.year(e) if bib.has_year(e) else ''}"
                  for e in sorted_entries]
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        counters: dict[str, int] = {}
        for label in labels:
            if seen[label] > 1:
                counters[label] = counters.get(label, 0) + 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[counters[label] - 1]
            else:
                yield label


_TITLEADDON = optional[join["[", field("titleaddon"), "]"]]
_ACCESSED = optional[join["(accessed ", field("urldate", raw=True, apply_func=lambda v: _long_date(v)), ")"]]
#: a work's address as a live link (in the bibliography, the chapters' lists and their tooltips)
_URL = href[field("url", raw=True), field("url", raw=True)]


_ADDRESS = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:)\]]")


def link_addresses(rich):
    """``rich`` (pybtex rich text) with every address in its plain strings made a link to itself."""
    from pybtex.richtext import BaseMultipartText, HRef, String

    if isinstance(rich, HRef):
        return rich
    if isinstance(rich, BaseMultipartText):
        return rich._create_similar([link_addresses(part) for part in rich.parts])
    if isinstance(rich, String) and "://" in rich.value:
        parts, at = [], 0
        for match in _ADDRESS.finditer(rich.value):
            parts += [String(rich.value[at:match.start()]), HRef(match.group(0), String(match.group(0)))]
            at = match.end()
        if parts:
            return Text(*parts, String(rich.value[at:]))
    return rich


#: a full ISO date in an entry's prose ("read on 2026-11-24"), not inside an address
_ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d\d-\d\d(?![\w/])")


def write_dates(rich, form):
    """``rich`` with every full ISO date in its plain strings written by ``form`` (links untouched)."""
    from pybtex.richtext import BaseMultipartText, HRef, String

    if isinstance(rich, HRef):
        return rich
    if isinstance(rich, BaseMultipartText):
        return rich._create_similar([write_dates(part, form) for part in rich.parts])
    if isinstance(rich, String) and _ISO_DATE.search(rich.value):
        return String(_ISO_DATE.sub(lambda m: form(m.group(0)), rich.value))
    return rich


class HouseStyle(UnsrtStyle):
    """unsrt, with the book's fields: titleaddon, number and date of laws, urldate."""

    default_label_style = "ppp-author-year"
    default_sorting_style = "author_year_title"
    #: the edition the references are written for: each edition has a style of its own, registered
    #: under its own name (:func:`style_name`), so no process-wide setting says which edition it is
    language = "en"

    def format_entry(self, label, entry, bib_data=None):
        """sphinxcontrib-bibtex formats every cited entry on every build, even with nothing
        changed: once per bibliography that lists it and once more for its tooltip. Each entry
        is formatted once per label and content (:data:`FORMATTED`)."""
        if bib_data is not None:
            return self._linked(super().format_entry(label, entry, bib_data=bib_data))
        from . import editions

        memo = (type(self).__name__, self.language, label, _entry_content(entry),
                editions.catalog_mtime(self.language, "references"))  # a new translation of its note
        FORMATTED.used.add(memo)
        known = FORMATTED.entries.get(memo)
        if known is None:
            known = FORMATTED.entries[memo] = self._linked(super().format_entry(label, entry))
        return known

    def _linked(self, formatted):
        """Addresses written in an entry's free text (a note saying where it was read) are links
        too, and its dates are written as the edition's reader writes them."""
        formatted.text = write_dates(link_addresses(formatted.text), self.date_form)
        return formatted

    @staticmethod
    def date_form(iso: str) -> str:
        return _long_date(iso)

    def format_title(self, e, which_field, as_sentence=True):
        """Titles exactly as written: unsrt's sentence-casing would lowercase proper nouns."""
        title = join(sep=" ")[field(which_field), _TITLEADDON] if which_field == "title" else field(which_field)
        return sentence[title] if as_sentence else title

    def format_btitle(self, e, which_field, as_sentence=True):
        title = join(sep=" ")[tag("em")[field(which_field)], _TITLEADDON]
        return sentence[title] if as_sentence else title

    def get_misc_template(self, e):
        return join(sep=" ")[
            optional[sentence[self.format_names("author")]],
            sentence[
                self.format_title(e, "title", as_sentence=False),
            ],
            optional[sentence[join(sep=" ")["No.", field("number")]]],
            optional[sentence[field("date", raw=True, apply_func=_long_date)]],
            optional[sentence[field("howpublished")]],
            optional[sentence[field("organization")]],
            sentence[field("year")] if "year" in e.fields and "date" not in e.fields else Text(),
            optional[sentence[field("note")]],
            optional[sentence[join(sep=" ")[_URL, _ACCESSED]]],
        ]

    def get_unpublished_template(self, e):
        """A work whose author or year may be unknown: no invented name, and "n.d." said plainly."""
        return join(sep=" ")[
            optional[sentence[self.format_names("author")]],
            sentence[self.format_title(e, "title", as_sentence=False)],
            optional[sentence[field("howpublished")]],
            sentence[field("year")] if "year" in e.fields else sentence["n.d."],
            optional[sentence[field("note")]],
            optional[sentence[join(sep=" ")[_URL, _ACCESSED]]],
        ]

    def get_article_template(self, e):
        return join(sep=" ")[
            sentence[self.format_names("author")],
            sentence[self.format_title(e, "title", as_sentence=False)],
            sentence[
                tag("em")[field("journal")],
                optional[join[field("volume"), optional["(", field("number"), ")"]]],
                optional[join["pp. ", field("pages")]],
                field("year"),
            ],
            optional[sentence[field("note")]],
            optional[sentence[join["doi:", field("doi", raw=True)]]],
            optional[sentence[join(sep=" ")[_URL, _ACCESSED]]],
        ]



def _entry_content(entry) -> tuple:
    """Everything of an entry that its formatted form can depend on."""
    return (entry.key, entry.type, tuple(sorted((k, str(v)) for k, v in entry.fields.items())),
            tuple(sorted((role, tuple(str(p) for p in people)) for role, people in entry.persons.items())))


class FormattedEntries:
    """Formatted references, kept between builds in a file of the build (``load``/``save``,
    called by the Sphinx extension): keyed by style, edition, label and the entry's whole
    content, and dropped whenever this module or pybtex changes."""

    def __init__(self):
        self.entries: dict = {}
        self.used: set = set()  # what this build formatted or reused
        self.saved: set = set()  # what the file holds
        self.path = None

    @staticmethod
    def _version() -> str:
        return _CODE_VERSION

    def load(self, path: Path) -> None:
        import pickle

        self.path, self.saved = path, set()
        try:
            version, entries = pickle.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, AttributeError, ImportError):
            return
        if version == self._version():
            self.entries.update(entries)
            self.saved = set(entries)

    def save(self) -> None:
        import pickle

        if self.path is not None and self.used != self.saved:  # the file holds what this build used
            kept = {k: v for k, v in self.entries.items() if k in self.used}
            self.path.write_bytes(pickle.dumps((self._version(), kept)))
            self.saved = set(kept)


def _code_version() -> str:
    import hashlib

    import pybtex

    return hashlib.sha256(Path(__file__).read_bytes() + pybtex.__version__.encode()).hexdigest()


#: the code that formats the entries, read when it is imported (a file edited while a build runs must
#: not stamp the entries the old code formatted with the new code's version)
_CODE_VERSION = _code_version()
FORMATTED = FormattedEntries()


# --- GOST R 7.0.100-2018 for the Uzbek and Russian editions ----------------------------

#: The fixed words of a GOST reference in each edition (titles stay in their own language).
GOST_WORDS = {
    "ru": {"accessed": "дата обращения", "pages": "С.", "volume": "Т.", "number": "№", "nodate": bib.NO_DATE["ru"],
           "version": "Версия", "electronic": "Текст : электронный"},
    "uz": {"accessed": "murojaat sanasi", "pages": "B.", "volume": "J.", "number": "№", "nodate": bib.NO_DATE["uz"],
           "version": "Versiya", "electronic": "Matn : elektron"},
}
#: Where a ``titleaddon`` gives a title in an edition's language ("…; Russian: Закон …").
_ADDON_IN = {"ru": re.compile(r"\bRussian: (.+?)(?:;\s*(?:Uzbek|English|German):|$)"),
             "uz": re.compile(r"\bUzbek: (.+?)(?:;\s*(?:Russian|English|German):|$)")}
_SCRIPT = {"ru": re.compile(r"[А-Яа-яЁё]"), "uz": re.compile(r"[ʻʼ]|\b(?:va|toʻgʻrisida|boʻyicha)\b|[ЎўҚқҒғҲҳ]")}


@node
def edition_titleaddon(children, context):
    """The title in the edition's own language, in square brackets, where ``titleaddon`` gives
    one and the title is in another language; never the English rendering, which is the
    English edition's (a Russian reader needs no English gloss of a Russian or German title)."""
    entry, lang = context["entry"], context["style"].language
    addon, title = bib.plain(entry.fields.get("titleaddon", "")), bib.plain(entry.fields.get("title", ""))
    match = _ADDON_IN[lang].search(addon) if lang in _ADDON_IN else None
    if not match or _SCRIPT[lang].search(title):
        raise FieldIsMissing("titleaddon", entry)
    return Text("[", match.group(1).strip().rstrip("."), "]")


#: The fields of references.bib written in English for the English edition (the book's notes on
#: what was read, how a work was published, a thesis's school when the citing article omits it),
#: translated in ``references.po``.
EDITION_FIELDS = ("note", "howpublished", "school")


@node
def edition_text(children, context, name, as_written=False):
    """An English field (``note``, ``howpublished``) in the edition's words
    (``locales/<lang>/LC_MESSAGES/references.po``). A note not yet translated is left out of the
    edition rather than shown in English (the English bibliography, one click away in the
    language switch, keeps every note); ``as_written`` keeps an untranslated field as it stands
    (``howpublished`` mostly names a publisher, a gazette or a place: "AustLII", "Bonn")."""
    from . import editions

    entry = context["entry"]
    text = bib.plain(entry.fields.get(name, ""))
    translated = editions.catalog(context["style"].language, "references").get(text) if text else None
    if not translated and as_written and text:
        return field(name).format_data(context)
    if not translated:
        raise FieldIsMissing(name, entry)
    return Text(translated)


def edition_messages() -> list[str]:
    """The English fields the editions translate (``references.pot``), in the order of the file."""
    return list(dict.fromkeys(bib.plain(e.fields[name]) for e in bib.entries().values()
                              for name in EDITION_FIELDS if e.fields.get(name)))


def _day_month_year(value: str) -> str:
    """GOST's form of a full date, ``26.10.2023``; a year or a month left as written."""
    parts = value.split("-")
    return ".".join(reversed(parts)) if len(parts) == 3 else value


def _long_date(value: str) -> str:
    """An English reader's form of a full date, ``26 October 2023`` (CLDR's words); a year or a
    month left as written."""
    import datetime

    from babel.dates import format_date

    try:
        return format_date(datetime.date.fromisoformat(value), "d MMMM y", locale="en")
    except ValueError:
        return value


class GostStyle(HouseStyle):
    """GOST R 7.0.100-2018-like references: elements separated by ". – ", "//" before the
    containing work, "URL: … (дата обращения: 01.12.2026)"; the edition's own fixed words."""

    default_name_style = "lastfirst"
    language = "ru"  # the Russian edition's; the Uzbek one's is UzbekGostStyle

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("abbreviate_names", True)
        super().__init__(*args, **kwargs)

    @property
    def words(self) -> dict:
        return GOST_WORDS[self.language]

    @staticmethod
    def date_form(iso: str) -> str:
        return _day_month_year(iso)

    def _url(self):
        w = self.words
        return optional[join["URL: ", _URL,
                             optional[join[" (", w["accessed"], ": ", field("urldate", raw=True, apply_func=_day_month_year),
                                           ")"]]]]

    def _dash(self, *parts):
        """GOST's areas: each ends with a period and the next follows after a dash."""
        return join(sep=" – ")[tuple(sentence(capfirst=False)[part] for part in parts)]

    def format_names(self, role, as_sentence=True):
        from pybtex.style.template import names

        formatted = names(role, sep=", ", sep2=", ", last_sep=", ")
        return sentence(capfirst=False)[formatted] if as_sentence else formatted

    def _head(self, e, title):
        return join(sep=" ")[optional[self.format_names("author")], title]

    def format_title(self, e, which_field, as_sentence=True):
        title = join(sep=" ")[field(which_field), optional[edition_titleaddon]] if which_field == "title" \
            else field(which_field)
        return sentence[title] if as_sentence else title

    def format_btitle(self, e, which_field, as_sentence=True):
        title = join(sep=" ")[tag("em")[field(which_field)], optional[edition_titleaddon]]
        return sentence[title] if as_sentence else title

    def get_misc_template(self, e):
        w = self.words
        return join[self._dash(
            self._head(e, self.format_title(e, "title", as_sentence=False)),
            optional[join(sep=" ")[w["number"], field("number")]],
            optional[field("date", raw=True, apply_func=_day_month_year)],
            optional[edition_text(name="howpublished", as_written=True)],
            optional[field("organization")],
            field("year") if "year" in e.fields and "date" not in e.fields else optional[field("__none__")],
            optional[edition_text(name="note")],
            self._url(),
        )]

    def get_unpublished_template(self, e):
        w = self.words
        return join[self._dash(
            self._head(e, self.format_title(e, "title", as_sentence=False)),
            optional[edition_text(name="howpublished", as_written=True)],
            field("year") if "year" in e.fields else w["nodate"],
            optional[edition_text(name="note")],
            self._url(),
        )]

    def get_article_template(self, e):
        w = self.words
        return join[self._dash(
            join(sep=" ")[self._head(e, self.format_title(e, "title", as_sentence=False)), "//",
                          tag("em")[field("journal")]],
            field("year"),
            optional[join(sep=", ")[optional[join(sep=" ")[w["volume"], field("volume")]],
                                    optional[join(sep=" ")[w["number"], field("number")]]]],
            optional[join(sep=" ")[w["pages"], field("pages")]],
            optional[edition_text(name="note")],
            optional[join["DOI: ", field("doi", raw=True)]],
            self._url(),
        )]

    def _monograph(self, e, publisher_field):
        return join[self._dash(
            self._head(e, self.format_btitle(e, "title", as_sentence=False)),
            optional[join(sep=", ")[optional[field("address")], optional[edition_text(name=publisher_field, as_written=True)],
                                    field("year")]],
            optional[edition_text(name="note")],
            self._url(),
        )]

    def get_book_template(self, e):
        return self._monograph(e, "publisher")

    def get_techreport_template(self, e):
        return self._monograph(e, "institution")

    def get_mastersthesis_template(self, e):
        return self._monograph(e, "school")

    def get_phdthesis_template(self, e):
        return self._monograph(e, "school")

    def get_incollection_template(self, e):
        w = self.words
        return join[self._dash(
            join(sep=" ")[self._head(e, self.format_title(e, "title", as_sentence=False)), "//",
                          tag("em")[field("booktitle")]],
            optional[join(sep=", ")[optional[field("publisher")], field("year")]],
            optional[join(sep=" ")[w["pages"], field("pages")]],
            optional[edition_text(name="note")],
            self._url(),
        )]


class UzbekGostStyle(GostStyle):
    language = "uz"


#: The reference style of each edition: the house style in English, GOST in Uzbek and Russian
EDITION_STYLES = {"en": ("ppp", HouseStyle), "ru": ("ppp-gost-ru", GostStyle),
                  "uz": ("ppp-gost-uz", UzbekGostStyle)}


def style_name(lang: str) -> str:
    """The pybtex plugin name of an edition's style (``bibtex_default_style``)."""
    return EDITION_STYLES[lang][0]


def style_for(lang: str):
    """The reference style of an edition (an instance)."""
    return EDITION_STYLES[lang][1]()


def register_style() -> None:
    """The house styles as pybtex plugins (sphinxcontrib-bibtex finds them by name)."""
    for group, name, klass in (
        ("pybtex.style.labels", "ppp-author-year", AuthorYearLabels),
        *(("pybtex.style.formatting", name, klass) for name, klass in EDITION_STYLES.values()),
    ):
        try:
            register_plugin(group, name, klass)
        except Exception:  # already registered in this process
            pass


def format_entries(keys: list[str], lang: str = "en") -> list[tuple[str, str]]:
    """(key, HTML) for each key, formatted with the house style, in author-year order."""
    register_style()
    known = bib.entries()
    data = BibliographyData({k: known[k] for k in keys if k in known})
    style = style_for(lang)
    return [(e.key, e.text.render_as("html")) for e in style.format_entries(data.entries.values())]


#: The fixed words of reference lists and "Cite this page" boxes (translated in ``ppp.po``).
WORDS = {
    "no_refs": "This page cites no works.", "in_full": "[in full bibliography]", "cite": "Cite this page",
    "address": "Stable address:", "copy": "Copy {label}", "copied": "Copied", "bib": "Download .bib", "apa": "APA-like",
    "gost": "GOST-like", "in": "In", "version": "version {version}", "note": "Version {version}, {license}",
}


def _same(text: str) -> str:
    return text


def reference_list_html(keys: list[str], bibliography_uri: str, tr=_same, lang: str = "en") -> str:
    if not keys:
        return f'<p class="ppp-no-refs">{html.escape(tr(WORDS["no_refs"]))}</p>'
    items = "".join(
        f'<li id="ref-{html.escape(key)}">{text} '
        f'<a class="ppp-ref-link" href="{html.escape(bibliography_uri)}#{html.escape(bib_anchor(key))}">'
        f"{html.escape(tr(WORDS['in_full']))}</a></li>"
        for key, text in format_entries(keys, lang)
    )
    return f'<ol class="ppp-references">{items}</ol>'


def bib_anchor(key: str) -> str:
    """The id sphinxcontrib-bibtex gives a key's entry (``bibtex_cite_id = "cite-{key}"``)."""
    from docutils.nodes import make_id

    return make_id(f"cite-{key}")


# --- cite this page -----------------------------------------------------------------


def page_entry(title: str, url: str, pagename: str, tr=_same) -> tuple[str, Entry]:
    meta = dict(config.book_metadata(), title=tr(config.book_metadata()["title"]))
    key = "PPPAtlas" + meta["date"][:4] + re.sub(r"[^A-Za-z0-9]", "", pagename.split("/")[-1].title())
    fields = {
        "title": title, "booktitle": meta["title"], "edition": meta["version"], "year": meta["date"][:4],
        "url": url, "note": tr(WORDS["note"]).format(version=meta["version"], license=meta["license"]),
    }
    persons = {"author": [Person(a) if "," in a else Person(last=f"{{{tr(a)}}}") for a in meta["authors"]]}
    return key, Entry("inbook" if title != meta["title"] else "book", fields=fields, persons=persons)


def bibtex(key: str, entry: Entry) -> str:
    return BibliographyData({key: entry}).to_string("bibtex")


def ris(entry: Entry) -> str:
    lines = ["TY  - CHAP" if entry.type == "inbook" else "TY  - BOOK"]
    lines += [f"AU  - {bib.plain(str(p))}" for p in entry.persons["author"]]
    lines += [f"TI  - {entry.fields['title']}", f"T2  - {entry.fields['booktitle']}", f"ET  - {entry.fields['edition']}",
              f"PY  - {entry.fields['year']}", f"UR  - {entry.fields['url']}", "ER  - "]
    return "\n".join(lines) + "\n"


def _authors(entry: Entry) -> str:
    return ", ".join(bib.plain(str(p)) for p in entry.persons["author"])


def apa(entry: Entry, tr=_same) -> Text:
    """APA-like: Authors (Year). Chapter title. In *Book* (version). URL"""
    f = entry.fields
    return Text(
        _authors(entry), " (", f["year"], "). ", f["title"], f". {tr(WORDS['in'])} ", Tag("em", f["booktitle"]),
        " (", tr(WORDS["version"]).format(version=f["edition"]), "). ", f["url"],
    )


def gost(entry: Entry, accessed: str, lang: str = "ru") -> Text:
    """GOST R 7.0.100-2018, a part of an electronic resource: Title / authors. – Текст : электронный //
    Book. – Version. – Year. – URL: … (accessed: …). The fixed words are Russian in the English and
    Russian editions, Uzbek in the Uzbek one."""
    f = entry.fields
    w = GOST_WORDS.get(lang, GOST_WORDS["ru"])
    return Text(
        f["title"], " / ", _authors(entry), f". – {w['electronic']} // ", f["booktitle"], f". – {w['version']} ",
        f["edition"], ". – ", f["year"], ". – URL: ", f["url"], f" ({w['accessed']}: {accessed}).",
    )


def cite_box_html(title: str, url: str, pagename: str, tr=_same, lang: str = "en") -> str:
    """The "Cite this page" box; in the Uzbek and Russian editions the GOST form comes first."""
    key, entry = page_entry(title, url, pagename, tr)
    meta = config.book_metadata()
    accessed = ".".join(reversed(meta["date"].split("-")))
    apa_text, gost_text = apa(entry, tr), gost(entry, accessed, lang)
    formats = [
        (tr(WORDS["apa"]), apa_text.render_as("html"), apa_text.render_as("text")),
        (tr(WORDS["gost"]), gost_text.render_as("html"), gost_text.render_as("text")),
        ("BibTeX", None, bibtex(key, entry)),
        ("RIS", None, ris(entry)),
    ]
    if lang != "en":
        formats[0], formats[1] = formats[1], formats[0]
    e = html.escape
    slug = re.sub(r"[^a-z0-9]+", "-", pagename.lower())
    parts = []
    for i, (label, rich, text) in enumerate(formats):
        block_id = f"ppp-cite-{slug}-{i}"
        shown = f"<p>{rich}</p>" if rich else f"<pre>{e(text)}</pre>"
        parts.append(
            f'<div class="ppp-cite-format"><h3>{label}</h3>'
            f'<div id="{block_id}" class="ppp-cite-text" data-copy="{e(text)}">{shown}</div>'
            f'<button type="button" class="ppp-copy" data-copy-target="{block_id}" data-copied="{e(tr(WORDS["copied"]))}">'
            f'{e(tr(WORDS["copy"]).format(label=label))}</button></div>'
        )
    bib_uri = "data:application/x-bibtex;charset=utf-8," + quote(bibtex(key, entry))
    return (
        f'<section class="ppp-cite-box" aria-labelledby="ppp-cite-{slug}">'
        f'<h2 id="ppp-cite-{slug}">{e(tr(WORDS["cite"]))}</h2>'
        f'<p>{e(tr(WORDS["address"]))} <a class="ppp-cite-url" href="{e(url)}">{e(url)}</a></p>'
        + "".join(parts)
        + f'<p><a class="ppp-bib-download" download="{e(slug)}.bib" href="{e(bib_uri)}">{e(tr(WORDS["bib"]))}</a></p></section>'
    )

