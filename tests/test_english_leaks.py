"""The Uzbek and Russian editions speak their own language (issue 24, item 4).

Each built page of ``uz/`` and ``ru/`` is read beside its English twin. The reader-visible
text of the translated page is cut into blocks (paragraphs, list items, table cells, captions,
the ``title``/``aria-label``/``alt`` texts a reader hears or sees on hover), after dropping
what may rightly stay as written:

* elements marked with another language (``lang="en"``, the language switch's endonyms);
* code (``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``), titles of works (``<cite>``, and the
  titles, journals, publishers and authors of ``references.bib`` as written), quotations
  (``<q>``, ``<blockquote>`` and text in «», “”, „“ or "" quotes) and URLs;
* the proper names of :data:`ALLOWED`, each with its reason.

A block is English when it holds a run of four or more English words (ASCII letters) of
which some four in a row also stand in the English twin page: Uzbek, itself in Latin
letters, never shares a four-word run with the English text unless it was left untranslated.
A run counts only with one of English's small words in it ("the", "of", "and" ...), none of
German's, and a word in lower case besides them: the names of bodies, places and works that a
translation gives in the original beside its own words ("Committee of Public Accounts") are
not sentences.

Besides the pages: the strings plotly shows (each chart's figures, ``_static/charts/*.json``:
hover templates, labels, legends, axis titles; and plotly's own words through
``config.locale``), each chart's data table and CSV download (titles and labels must not be
the English ones), and the PDF book's front matter, footer and metadata (read with pypdf).

``python tests/test_english_leaks.py [site]`` prints the counts per edition and kind.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import pdfs  # noqa: E402 - the books, each read once per session

EDITIONS = ("uz", "ru")
RUN = 4  # English words in a row that make a block English

#: Proper names and fixed forms a translated page may show in English, with the reason.
ALLOWED = {
    "CC BY 4.0": "the licence's own name",
    "Creative Commons": "the licence's own name",
    "Binder": "the service's name",
    "National PPP Policy Framework and Guidelines": "title of a work (Australia's PPP guidelines) in a chart's hover",
    "Standardisation of PFI Contracts": "title of a work (HM Treasury's guidance) in a chart's hover",
    "Infrastructure UK": "a British body's own name (kept in the Russian and Uzbek texts)",
    "End of Term Web Archive": "the name of a web archive a reference was read in",
    "van Steden": "an author's name (van Steden and Nalla 2010)",
    "police and crime commissioners": "the English name of the office, given in brackets after its translation",
    "UNT End of Term": "the name of a web archive a reference was read in",
    "JupyterLab": "the program's name",
    "R (Bridges) v Chief Constable of South Wales Police": "the name of an English case, cited as the law report names it",
    "v Chief Constable of South Wales Police": "the name of an English case (R (Bridges) v …), cited as the law report names it",
}

_SKIP_TAGS = ("script", "style", "noscript", "template", "code", "pre", "kbd", "samp", "cite", "q", "blockquote")
_BLOCK_TAGS = {"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption",
               "summary", "button", "label", "option", "title", "div", "section", "article", "nav", "header",
               "footer", "aside", "table", "tr", "ul", "ol", "dl", "figure", "details", "form", "br", "text",
               "tspan", "main", "body", "select"}
_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-roledescription")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+/\S*|\S+@\S+\.\w+|\b[\w.-]+\.(?:uz|ru|org|com|gov|gv\.at|int|net|html|pdf|csv|bib)\b")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]", re.UNICODE)
_ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
#: A run counts as an English sentence only with one of English's small words in it: the names
#: of bodies and laws ("Private Security Industry Act") and Uzbek quoted in the English text
#: (in Latin letters) have none.
_FUNCTION_WORDS = {"the", "of", "and", "to", "in", "is", "for", "on", "by", "with", "as", "at", "from", "that",
                   "this", "was", "are", "be", "or", "an", "not", "its", "which", "were", "has", "have", "it",
                   "these", "their", "but", "only", "into", "than", "who", "what", "how", "when", "where", "can",
                   "could", "there", "this", "those", "each", "all", "any", "no", "a"}


# --- text of a page ---------------------------------------------------------------

@lru_cache(maxsize=1)
def _titles_pattern() -> re.Pattern | None:
    """Titles of works, journals, publishers and authors as written in references.bib."""
    from ppp_atlas import bib

    names: set[str] = set()
    for entry in bib.entries().values():
        for field in ("title", "booktitle", "journal", "series", "organization", "institution", "publisher",
                      "howpublished", "number"):
            if field in entry.fields:
                value = bib.plain(entry.fields[field])
                # the whole title, and its main title as a text names it ("Closing the Infrastructure Gap")
                names.update(v.strip() for v in {value, re.split(r":| – ", value)[0]} if len(v.strip()) >= 8)
        for people in entry.persons.values():
            names.update(bib.plain(str(p)) for p in people)
    names = sorted((n for n in names if n.strip()), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names)) if names else None


def _clean(text: str) -> str:
    pattern = _titles_pattern()
    if pattern is not None:  # first: a title may hold a slash ("2019/20") or quotes
        text = pattern.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _QUOTED.sub(" ", text)
    for name in ALLOWED:
        text = text.replace(name, " ")
    return re.sub(r"\s+", " ", text).strip()


def visible_blocks(page: str, lang: str | None = None) -> list[str]:
    """The reader-visible text blocks of a page; with ``lang``, elements marked with another
    language, code, titles of works and quotations are left out."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(page, "lxml")
    for tag in soup(_SKIP_TAGS):
        tag.decompose()
    if lang is not None:
        for tag in soup.find_all(lang=True):
            if tag.name != "html" and not str(tag["lang"]).lower().startswith(lang):
                tag.decompose()
    blocks = []
    for tag in soup.find_all(True):
        for attribute in _ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and value.strip():
                blocks.append(value)
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.append(NavigableString("\n"))
    root = soup.body or soup
    title = soup.title.get_text() if soup.title else ""
    blocks += [title, *root.get_text().split("\n")]
    return [b for b in (re.sub(r"\s+", " ", b).strip() for b in blocks) if b]


#: German names of statutes and gazettes stay German ("In der Fassung der Bekanntmachung vom").
_GERMAN_WORDS = {"der", "die", "das", "des", "dem", "den", "vom", "von", "und", "zur", "zum", "für", "im", "über"}


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _grams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _words(text)]
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def english_runs(text: str, twin_grams: set) -> list[str]:
    """Runs of RUN or more English words in ``text`` that share RUN words in a row with the twin."""
    runs, current = [], []
    for token in _words(_clean(text)) + ["|"]:
        if _ENGLISH_WORD.fullmatch(token):
            current.append(token)
            continue
        if len(current) >= RUN:  # report the words shared with the twin, not the whole run
            lowered = [w.lower() for w in current]
            covered = sorted({i + k for i in range(len(lowered) - RUN + 1)
                              if tuple(lowered[i:i + RUN]) in twin_grams for k in range(RUN)})
            span: list[int] = []
            for i in covered + [-2]:
                if span and i != span[-1] + 1:
                    words = current[span[0]:span[-1] + 1]
                    lowered = {w.lower() for w in words}
                    content = [w for w in words if w.lower() not in _FUNCTION_WORDS]
                    proper = all(w[0].isupper() for w in content)  # a name: "Committee of Public Accounts"
                    if lowered & _FUNCTION_WORDS and not lowered & _GERMAN_WORDS and not proper:
                        runs.append(" ".join(words))
                    span = []
                span.append(i)
        current = []
    return runs


def page_leaks(page: str, twin: str, lang: str) -> list[str]:
    grams = set().union(*(_grams(b) for b in visible_blocks(twin))) if twin else set()
    found: list[str] = []
    for block in visible_blocks(page, lang):
        for run in english_runs(block, grams):
            if run not in found:
                found.append(run)
    return found


# --- charts -----------------------------------------------------------------------

_FIGURE_SKIP = {"type", "mode", "orientation", "hoverinfo", "xaxis", "yaxis", "legendgroup", "locationmode",
                "ids", "parents", "locations", "color", "bgcolor", "family", "colorscale", "colorway", "uid",
                "textposition", "locale", "topojsonURL", "geojson", "featureidkey", "side", "anchor", "xanchor",
                "yanchor", "symbol", "dash", "shape", "categoryorder", "autorange", "tickmode", "boxpoints",
                "projection_type", "separators", "barmode", "valign", "align", "fillcolor", "bordercolor",
                "gridcolor", "zerolinecolor", "linecolor", "plot_bgcolor", "paper_bgcolor", "landcolor",
                "countrycolor", "lakecolor", "tickformat", "hoverformat", "offsetgroup", "alignmentgroup",
                "mode", "tickangle", "ticklabelposition", "constraintext", "insidetextanchor", "branchvalues",
                "textinfo", "hovermode", "dragmode", "scope", "pattern", "visible", "entrywidthmode"}


def figure_strings(value, key: str = "") -> list[str]:
    """The strings of a figure that plotly shows (templates without their placeholders)."""
    if key in _FIGURE_SKIP:
        return []
    if isinstance(value, str):
        text = re.sub(r"<extra>.*?</extra>|%\{[^}]*\}|<[^>]+>", " ", value)
        return [text] if re.search(r"[^\W\d_]{2}", text) else []
    if isinstance(value, list):
        return [s for v in value for s in figure_strings(v, key)]
    if isinstance(value, dict) and "bdata" not in value:
        return [s for k, v in value.items() for s in figure_strings(v, k)]
    return []


def _figures(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def chart_leaks(site: Path, lang: str) -> list[str]:
    english = _figures(site / "_static" / "charts")
    found: list[str] = []
    for bundle in sorted((site / lang / "_static" / "vendor").glob("plotly-ppp*.js")):
        if f'name:"{lang}"' not in bundle.read_text(encoding="utf-8"):  # the locale config.locale names
            found.append(f"{bundle.name}: registers no {lang} dictionary")
    for name, figures in _figures(site / lang / "_static" / "charts").items():
        twin = english.get(name, {})
        grams = set().union(*(_grams(s) for s in figure_strings(twin))) if twin else set()
        for variant, figure in figures.items():
            locale = (figure.get("config") or {}).get("locale")
            if locale != lang:
                found.append(f"{name} ({variant}): plotly's own words in {locale or 'English'} (config.locale)")
            for text in figure_strings(figure):
                for run in english_runs(text, grams):
                    item = f"{name}: {run}"
                    if item not in found:
                        found.append(item)
    return found


_CODE = re.compile(r"[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*(?: \([A-Z]{3}\))?|[\w-]+\d{4}[a-z0-9]+(?:; [\w-]+\d{4}[a-z0-9]+)*|[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+(?:_[a-z0-9]+)+|(?:[\w-]+\d{4}[a-z]+)(?:; [\w-]+\d{4}[a-z]+)*|[\d.,\s%–-]*")


def _csv_tables(page: str) -> dict[str, list[list[str]]]:
    tables = {}
    for name, uri in re.findall(r'class="ppp-csv" download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]+)"', page):
        tables[name] = list(csv.reader(io.StringIO(unquote(uri.replace("&amp;", "&")))))
    return tables


def _kept_on_purpose(value: str, lang: str) -> bool:
    """A label the edition writes as the English does by decision: its catalog (or CLDR, for a
    country) gives the same words ("element" and "transport" are Uzbek too; German names of
    statutes stay German)."""
    from ppp_atlas import editions

    return editions.data_words(lang).get(value) == value


def _english_cell(value: str, twin: str, lang: str) -> bool:
    """A title or label of a chart's data left as the English edition writes it."""
    if value != twin or _CODE.fullmatch(value.strip()) or not re.search(r"[A-Za-z]{3}", value):
        return False
    return value not in ALLOWED and not _kept_on_purpose(value, lang)


def data_leaks(page: str, twin: str, lang: str) -> list[str]:
    """Column titles and labels of a chart's CSV download (the same data as its table) that are
    the English edition's."""
    english = _csv_tables(twin)
    found: list[str] = []
    for name, rows in _csv_tables(page).items():
        for number, (row, twin_row) in enumerate(zip(rows, english.get(name, []))):
            for value, twin_value in zip(row, twin_row):
                item = f"{name}: {value}"
                title = (number == 0 and value == twin_value and re.search(r"[A-Za-z]{2}", value)
                         and value not in ALLOWED and not _kept_on_purpose(value, lang))
                if (title or _english_cell(value, twin_value, lang)) and item not in found:
                    found.append(item)
    return found


# --- PDFs ---------------------------------------------------------------------------

def pdf_leaks(site: Path, lang: str) -> list[str]:
    english_path, path = site / "pdf" / "ppp-atlas-en.pdf", site / lang / "pdf" / f"ppp-atlas-{lang}.pdf"
    if not path.exists() or not english_path.exists():
        return []
    english, edition = pdfs.reader(english_path), pdfs.reader(path)

    def front(file) -> list[str]:
        # the title page, the contents, and a chapter's page with its running header and footer
        reader = pdfs.reader(file)
        numbers = sorted({*range(min(3, len(reader.pages))), len(reader.pages) // 2})
        pages = [pdfs.page_text(file, i) for i in numbers]
        meta = reader.metadata or {}
        return [line for text in pages for line in text.splitlines()] + [str(meta.get(k) or "") for k in
                                                                          ("/Author", "/Title", "/Subject")]

    grams = set().union(*(_grams(s) for s in front(english_path)))
    found: list[str] = []
    for line in front(path):
        for run in english_runs(line, grams):
            if run not in found:
                found.append(run)
    # the fixed words of the title page and of a footer's citation ("version", "In", the authors)
    # are short: any English word of the English title page or footer left in the edition's
    english_words = {w for line in _title_and_footer(english_path) for w in _words(_clean(line)) if _ENGLISH_WORD.fullmatch(w)}
    own = {w.lower() for w in _words(str((edition.metadata or {}).get("/Title") or ""))}  # "atlas" is Uzbek too
    for line in _title_and_footer(path):
        for word in _words(_clean(line)):
            if (word in english_words and word.lower() not in own and len(word) > 1 and not word.isupper()
                    and f"word: {word}" not in found):
                found.append(f"word: {word}")
    author, english_author = (str((r.metadata or {}).get("/Author") or "") for r in (edition, english))
    if author == english_author:
        found.append(f"/Author: {author}")
    return found


def _title_and_footer(file: Path) -> list[str]:
    """The title page's lines and the running footer of a chapter's page (its last lines)."""
    middle = pdfs.page_text(file, len(pdfs.reader(file).pages) // 2).splitlines()
    return pdfs.page_text(file, 0).splitlines() + middle[-4:]


# --- the gate -----------------------------------------------------------------------

def leaks(site: Path, lang: str) -> dict[str, list[str]]:
    """Every English string of one edition, by kind: ``pages`` (page: run), ``charts``, ``data``, ``pdf``."""
    result: dict[str, list[str]] = {"pages": [], "charts": [], "data": [], "pdf": []}
    for path in sorted((site / lang).rglob("*.html")):
        relative = path.relative_to(site / lang)
        twin_path = site / relative
        if relative.parts[0] in ("_static", "_sources") or not twin_path.exists():
            continue
        page, twin = path.read_text(encoding="utf-8"), twin_path.read_text(encoding="utf-8")
        result["pages"] += [f"{relative}: {run}" for run in page_leaks(page, twin, lang)]
        result["data"] += [f"{relative}: {item}" for item in data_leaks(page, twin, lang)]
    result["charts"] = chart_leaks(site, lang)
    result["pdf"] = pdf_leaks(site, lang)
    return result


@pytest.mark.parametrize("lang", pdfs.by_edition(EDITIONS))  # its PDF part reads the book of pdf:<lang>
def test_translated_editions_show_no_english_outside_quotations_titles_and_code(site, lang):
    found = leaks(site, lang)
    report = [f"{kind}: {item}" for kind, items in found.items() for item in items]
    assert not report, f"{len(report)} English strings in the {lang} edition:\n" + "\n".join(report[:80])


def test_the_detector_flags_an_untranslated_block_and_spares_quotes_titles_code_and_marked_spans():
    twin = "<p>The State Duma adopted the law on private security in 2024.</p>"
    page = ("<p>Davlat Dumasi 2024-yilda qonun qabul qildi.</p>"
            "<p>Bu yerda the law on private security qoldi.</p>"
            '<p><span lang="en">The State Duma adopted the law</span> — belgilangan.</p>'
            "<p>«The State Duma adopted the law» deb yozilgan.</p>"
            "<p><code>the law on private security</code></p>")
    assert page_leaks(page, twin, "uz") == ["the law on private security"]
    assert page_leaks("<p>Bu yerda qonun xususiy qoʻriqlash toʻgʻrisida.</p>", twin, "uz") == []


def test_the_detector_reads_chart_data_titles_and_labels():
    def page(rows):
        from urllib.parse import quote

        text = "\n".join(",".join(r) for r in rows) + "\n"
        return f'<a class="ppp-csv" download="x.csv" href="data:text/csv;charset=utf-8,{quote(text)}">x</a>'

    english = page([["iso3", "level_label"], ["UZB", "national framework"]])
    assert data_leaks(page([["iso3", "level_label"], ["UZB", "national framework"]]), english, "xx") == \
        ["x.csv: iso3", "x.csv: level_label", "x.csv: national framework"]
    assert data_leaks(page([["ISO3 kodi", "daraja"], ["UZB", "milliy asos"]]), english, "xx") == []


if __name__ == "__main__":
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    for edition in EDITIONS:
        counts = leaks(site, edition)
        total = sum(len(v) for v in counts.values())
        print(f"{edition}: {total} English strings (" + ", ".join(f"{k} {len(v)}" for k, v in counts.items()) + ")")
        if "-v" in sys.argv:
            for kind, items in counts.items():
                for item in items:
                    print(f"  {kind}: {item}")


# --- in a browser: what plotly and the cite box show --------------------------------

#: plotly.js's English mode-bar titles that a translated page must not show.
PLOTLY_ENGLISH = {"Download plot as a PNG", "Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale", "Reset axes",
                  "Box Select", "Lasso Select"}


@pytest.mark.parametrize("lang", EDITIONS)
def test_plotly_and_the_copy_button_speak_the_edition_s_language(chromium, base_url, lang):
    import browser

    page = chromium.new_page()
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        browser.visit(page, f"{base_url}/{lang}/notebooks/design-matrix.html")
        assert browser.draw_all_charts(page) > 0
        titles = page.eval_on_selector_all("div.ppp-plotly .modebar-btn", "bs => bs.map(b => b.getAttribute('data-title'))")
        assert titles and not set(titles) & PLOTLY_ENGLISH, titles
        locale = page.evaluate("document.querySelector('div.ppp-plotly')._context.locale")
        assert locale == lang
        button = page.locator("button.ppp-copy").first
        copied = button.get_attribute("data-copied")
        assert copied and copied != "Copied"
        button.click()
        page.wait_for_function("([b, w]) => b.textContent === w", arg=[button.element_handle(), copied])
    finally:
        page.close()
