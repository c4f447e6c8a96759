"""The three editions: catalogs complete and in step with the English, markup kept, every page
with its twins, interface words translated, Uzbek search folding apostrophes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ppp_atlas import build, config, editions, interface, postprocess, sphinx_editions, translations, uzbek

SITE = build.SITE


# --- catalogs ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_parity_gate(lang):
    """Every message translated and none fuzzy, except pages listed in editions.PENDING."""
    problems, pending = [], []
    for row in editions.coverage(lang):
        if row.translated == row.total:
            continue
        first = (row.untranslated + row.fuzzy_ids)[:3]
        line = (f"{lang}/{row.file}: {row.total - row.translated} of {row.total} messages untranslated or fuzzy "
                f"({len(row.fuzzy_ids)} fuzzy), first: " + "; ".join(repr(m[:60]) for m in first))
        (pending if row.file in editions.PENDING.get(lang, set()) else problems).append(line)
    if pending:
        print("\n".join(["still being translated:", *pending]))
    assert not problems, "\n".join(problems)


def test_pending_holds_only_chapters_and_notebooks():
    front = {"book/index.po", "book/glossary.po", "book/data.po", "book/bibliography.po"}
    for lang, files in editions.PENDING.items():
        assert not files & front, f"{lang}: the front pages may never be pending"
        assert all(f.startswith(("book/", "notebooks/")) or f in ("data.po", "charts.po", "references.po") for f in files)
        rows = {row.file: row for row in editions.coverage(lang)}
        assert files <= set(rows), f"{lang}: pending catalogs that do not exist: {sorted(files - set(rows))}"
        # a catalog whose translation is done leaves the list, so the gate covers it again
        done = sorted(f for f in files if rows[f].translated == rows[f].total)
        assert not done, f"{lang}: pending catalogs that are complete (take them out of editions.PENDING): {done}"


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_data_page_fixed_words_are_translated(lang):
    from ppp_atlas import datadocs

    words = editions.catalog(lang, "data")
    missing = [w for w in datadocs.WORDS.values() if w not in words]
    assert not missing, f"{lang}/data.po: the Data page's own words are untranslated: {missing}"


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_translations_keep_markup(lang):
    """Roles (citations, glue, cross-references), link targets, code and placeholders survive."""
    problems = editions.markup_problems(lang)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_every_page_has_a_catalog(lang):
    pages = {f"{name}.po" for name in config.toc_docnames()}
    catalogs = {row.file for row in editions.coverage(lang)}
    assert pages <= catalogs, f"{lang}: pages with no catalog: {sorted(pages - catalogs)} (run make translations)"
    for domain in ("sphinx", "booktheme", "ppp"):
        assert f"{domain}.po" in catalogs


def test_catalogs_carry_the_current_english(tmp_path):
    """Re-extract the English messages (as make translations does) and compare: a changed
    English paragraph that is not in both catalogs fails here, naming the page."""
    if not (build.cache_dir() / "global.db").exists():
        pytest.fail("no execution cache: run make book first")
    settings = editions.edition_config("en", tmp_path, build.cache_dir())
    assert build.run_jupyter_book(tmp_path / "gettext", log=tmp_path / "gettext.log", config=settings,
                                  builder="gettext") == 0, (tmp_path / "gettext.log").read_text()[-3000:]
    pot_dir = tmp_path / "gettext" / "_build" / "gettext"
    translations.write_templates(pot_dir)
    problems = []
    for pot in sorted(pot_dir.rglob("*.pot")):
        name = pot.relative_to(pot_dir).with_suffix(".po").as_posix()
        wanted = {m.id for m in editions.read_catalog(pot) if m.id}
        for lang in editions.TRANSLATIONS:
            po = editions.LOCALES / lang / "LC_MESSAGES" / name
            have = {m.id for m in editions.read_catalog(po) if m.id} if po.exists() else set()
            missing = sorted(wanted - have)
            if missing:
                problems.append(f"{lang}/{name}: {len(missing)} English messages not in the catalog, "
                                f"first {missing[0][:70]!r} (run make translations)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_one_termbase(lang):
    """Every glossary link in a translation uses the glossary table's form of its term
    (inflected as the sentence needs), so no term has two renderings."""
    table = editions.termbase()
    assert len(table) > 30 and all(table[t]["uz"] and table[t]["ru"] for t in table)
    problems = editions.termbase_problems(lang)
    assert not problems, "\n".join(problems[:20])


def test_uzbek_catalogs_use_uzbek_letters():
    """oʻ and gʻ with U+02BB, the tutuq belgisi with U+02BC: no other apostrophe between letters."""
    bad = []
    for path in editions.catalog_files("uz"):
        for message in editions.read_catalog(path):
            if message.string and isinstance(message.string, str):
                if uzbek.uzbek_apostrophes(message.string) != message.string:
                    bad.append(f"{path.name}: {message.string[:60]!r}")
    assert not bad, "\n".join(bad[:10])


# --- units ---------------------------------------------------------------------------

def test_uzbek_apostrophes():
    assert uzbek.uzbek_apostrophes("o'zbek ta’lim g‘oya O'zbekiston") == "oʻzbek taʼlim gʻoya Oʻzbekiston"
    assert uzbek.uzbek_apostrophes("{cite:p}`O'Brien2019x` ‘quoted’") == "{cite:p}`O'Brien2019x` ‘quoted’"
    # an English name keeps its possessive; an Uzbek word never ends in ’s
    assert uzbek.uzbek_apostrophes("Martyn’s Law, Tesco’s; qo’shimcha") == "Martyn’s Law, Tesco’s; qoʻshimcha"


def test_search_folds_apostrophes():
    uz = sphinx_editions.SearchUzbek({})
    forms = ["qoʻriqlash", "qo'riqlash", "qo‘riqlash", "qo’riqlash"]
    assert {uz.stem(w) for word in forms for w in uz.split(word)} == {"qoriqlash"}
    assert uz.split("Oʻzbekiston Respublikasi") == ["Ozbekiston", "Respublikasi"]


@pytest.mark.parametrize(("value", "spec", "lang", "expected"), [
    (62.5, "", "uz", "62,5"), (62.5, ".1f", "ru", "62,5"), (1234, ",d", "ru", "1\xa0234"),
    (1234, ",d", "uz", "1\xa0234"), (2017, "d", "ru", "2017"), (2017, "", "uz", "2017"),
    (0.835, ".0%", "ru", "84\xa0%"), (3, "d", "en", None), ("x", "s", "uz", None),
    (170000, "s", "ru", "170\xa0000"), (4000, "s", "uz", "4000"), (12.5, "s", "uz", "12,5"),
    # a whole float keeps the decimal the English page shows (the design index: 40.0 beside 84.8)
    (40.0, "", "uz", "40,0"), (40.0, "s", "ru", "40,0"),
])
def test_numbers_per_edition(value, spec, lang, expected):
    assert sphinx_editions.localise_number(value, spec, lang) == expected


def test_markup_of_finds_roles_links_and_placeholders():
    text = "See {cite:p}`A2019b` and [the law](https://x.uz/1) in {term}`PPP` for {language} `code`."
    assert editions.markup_of(text) == sorted(["{cite:p}`A2019b`", "](https://x.uz/1)", "{term}", "{language}",
                                               "`code`"])


# --- the built site ------------------------------------------------------------------------

def _pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if p.relative_to(root).parts[0] not in ("_static", "_sources", *editions.TRANSLATIONS))


def test_every_english_page_has_both_twins(site):
    english = _pages(site)
    assert len(english) > 20
    for lang in editions.TRANSLATIONS:
        assert _pages(site / lang) == english, f"{lang}/ differs from the English pages"


@pytest.mark.parametrize("lang", editions.LANGUAGES)
def test_language_alternates_and_switch(site, lang):
    root = site / config.site_prefix(lang) if lang != "en" else site
    for name in _pages(site):
        if name in ("index.html",):  # the root redirect page
            redirect = BeautifulSoup((root / name).read_text(encoding="utf-8"), "html.parser")
            assert redirect.html["lang"] == lang and redirect.title.string.strip()
            continue
        soup = BeautifulSoup((root / name).read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == lang, f"{lang}/{name}: html lang {soup.html.get('lang')}"
        alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate")}
        assert set(alternates) == {"en", "uz-Latn", "ru", "x-default"}, name
        for other in editions.LANGUAGES:
            assert alternates[editions.BCP47[other]].endswith("/" + config.site_prefix(other) + name)
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical.endswith("/" + config.site_prefix(lang) + name)
        switch = soup.select("nav.ppp-languages a[hreflang]")
        assert len(switch) == 2, f"{lang}/{name}: language switch has {len(switch)} links"
        for link in switch:
            target = (root / name).parent / link["href"]
            assert target.resolve().is_file(), f"{lang}/{name}: switch link {link['href']} is broken"
            assert target.resolve().relative_to(site.resolve()).as_posix().endswith(name)


ENGLISH_INTERFACE = sorted(set(interface.SPHINX + interface.BOOKTHEME + interface.CHROME) - {
    "Search", "Go", "Index", "Error", "Contents"} | {"Search"})


@pytest.mark.parametrize("lang", editions.TRANSLATIONS)
def test_interface_words_are_translated(site, lang):
    """No English interface word in the page chrome (header, sidebars, footer, attributes)."""
    words = {w for w in interface.SPHINX + interface.BOOKTHEME + interface.CHROME if re.search("[a-z]{3}", w)
             and "%" not in w and "$" not in w}
    words -= {"Sphinx Book Theme"}
    found = {}
    for name in _pages(site / lang):
        soup = BeautifulSoup((site / lang / name).read_text(encoding="utf-8"), "html.parser")
        for part in soup.select("article.bd-article, script, style"):
            part.decompose()
        texts = set(soup.stripped_strings)
        for element in soup.find_all(True):
            texts.update(element.get(a, "") for a in ("title", "aria-label", "placeholder", "alt"))
        for word in words & {t.strip() for t in texts}:
            found.setdefault(word, name)
    assert not found, f"{lang}: English interface words: {found}"


def test_uzbek_search_finds_words_typed_with_a_plain_apostrophe(site, base_url, chromium):
    """Pick a word written with ʻ on an Uzbek page, type it with ', and find that page."""
    word, page = None, None
    for name in _pages(site / "uz"):
        soup = BeautifulSoup((site / "uz" / name).read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article")
        if article is None or name.startswith(("search", "genindex")):
            continue
        for candidate in re.findall(r"\b\w{2,}ʻ\w{3,}\b", article.get_text(" ")):
            word, page = candidate, name
            break
        if word:
            break
    assert word, "no Uzbek word with ʻ on any page"
    typed = word.replace("ʻ", "'")
    browser_page = chromium.new_page()
    try:
        browser_page.goto(f"{base_url}/uz/search.html?q={typed}")
        browser_page.wait_for_selector("#search-results .search-summary", timeout=20000)
        browser_page.wait_for_function(
            "() => !document.querySelector('#search-results .search-summary').textContent.includes('...')",
            timeout=20000)
        hrefs = browser_page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    finally:
        browser_page.close()
    assert any(h.split("?")[0].endswith(page) for h in hrefs), f"{typed!r} ({word}) did not find {page}: {hrefs}"


def test_citation_ids_are_made_unique_in_translated_pages():
    page = ('<html><head><meta charset="utf-8"></head><body><p><span class="bibtex-citation" id="id26">[a]</span></p>'
            '<p><span class="bibtex-citation" id="id26">[b]</span><span class="bibtex-citation" id="id27">[c]</span>'
            '<span id="id26">not a citation</span></p></body></html>')
    fixed = postprocess.process_page(page)
    assert fixed.count('id="id26"') == 2 and 'id="id26-2"' in fixed and 'id="id27"' in fixed
    for lang in ("uz", "ru"):  # every built page of the translated editions
        for built in (SITE / lang).rglob("*.html"):
            if "_static" in built.parts:
                continue
            ids = [t.get("id") for t in postprocess.parse(built.read_text(encoding="utf-8")) if t.get("id")]
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            assert not duplicated, f"{built.relative_to(SITE)}: ids used twice: {duplicated[:5]}"


def test_theme_words_are_translated_in_attributes_only():
    chrome = {"Search": "Qidirish", "Toggle navigation": "Navigatsiyani ochish"}
    page = ('<html><head><meta charset="utf-8"></head><body><button class="btn" title="Search" aria-label="Search">'
            '</button><p title="Toggle navigation">Search and title="Search" stay text</p></body></html>')
    done = postprocess.process_page(page, chrome=chrome)
    assert 'title="Qidirish" aria-label="Qidirish"' in done and 'title="Navigatsiyani ochish"' in done
    assert 'Search and title="Search" stay text' in done

def test_every_catalog_passes_msgfmt_check():
    """gettext's own validity check (`msgfmt --check`): a message flagged as a Python format keeps
    the same placeholders in its translation. A percentage ("56% of") is not a format: its flag goes
    (interface.drop_percentage_formats), so a translation may write "56 % из"."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install gettext (make test does, tools/system-packages.sh)"
    problems = []
    for lang in editions.TRANSLATIONS:
        for path in editions.catalog_files(lang):
            result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
            if result.returncode or result.stderr.strip():  # a warning too (a header left at its default)
                problems.append(result.stderr.strip())
            text = path.read_text(encoding="utf-8")
            assert interface.drop_percentage_formats(text) == text, f"{path}: a percentage flagged as a Python format"
    assert not problems, "\n".join(problems)


def test_every_catalog_has_the_book_s_header():
    """Real headers: the book's title and version, where to report, the edition's team; none of the
    placeholders the gettext tools write (FIRST AUTHOR, Project name not set, YEAR-MO-DA ...)."""
    title, version = config.book_metadata()["title"], config.book_metadata()["version"]
    for lang in editions.TRANSLATIONS:
        for path in editions.catalog_files(lang):
            head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
            assert not [p for p in interface.HEADER_PLACEHOLDERS if p in head], path
            assert f'"Project-Id-Version: {title} {version}\\n"' in head, path
            assert f'"Language: {lang}\\n"' in head and "#, fuzzy" not in head, path
    placeholder = '# SOME DESCRIPTIVE TITLE.\n# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n' \
                  '"Project-Id-Version: Project name not set \\n"\n"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    fixed = interface.catalog_header(placeholder, "uz", Path("book/x.po"))
    assert not [p for p in interface.HEADER_PLACEHOLDERS if p in fixed] and fixed.endswith('\n\nmsgid "a"\nmsgstr "b"\n')


def test_a_percentage_is_not_a_python_format_but_a_placeholder_is():
    flagged = '#, python-format\nmsgid "in 56% of draws, 65 % door"\nmsgstr "в 56 % случаев"'
    assert "python-format" not in interface.drop_percentage_formats(flagged)
    real = '#, python-format\nmsgid "© Copyright %(copyright)s, 2026."\nmsgstr ""'
    assert interface.drop_percentage_formats(real) == real


def test_every_module_with_interface_words_is_extracted():
    """``ppp.pot`` takes the ``WORDS`` of the modules :data:`translations.WORD_MODULES` names: a
    module that shows fixed words and is not named would leave them out of the catalogs."""
    named = {module.__name__.rsplit(".", 1)[1] for module in translations.WORD_MODULES}
    # datadocs: data.pot; teaching (the teacher's pack): teaching.pot (tests/test_teaching.py)
    assert translations.modules_with_words() - {"datadocs", "teaching"} == named
    assert set(translations.ppp_messages()) >= set(interface.EDITION_WORDS)
