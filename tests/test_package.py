"""Unit tests of the ppp_atlas package: charts, labels, citation style, build bookkeeping."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pandas as pd
import plotly.express as px
import pytest

from ppp_atlas import bib, build, charts, citations, config, patches, postprocess, table_style

FRAME = pd.DataFrame({"year": [2017, 2018], "killed": [147, 91]})


def _chart(**overrides):
    arguments = dict(name="unit-test-chart", data=FRAME, title="People killed", x_title="Year",
                     y_title="People (count)", sources=["ISO3166"], alt="Deaths fell.", glue=False)
    arguments.update(overrides)
    return charts.chart(px.bar(FRAME, x="year", y="killed"), **arguments)


def test_chart_bundle_has_plotly_json_and_a_small_script_free_html_part():
    bundle, metadata = _chart()._repr_mimebundle_()
    assert set(bundle) == {charts.MIME_PLOTLY, "text/html", "text/plain"}
    html = bundle["text/html"]
    assert "<script" not in html and len(html) < 5000
    assert re.search(r'id="ppp-chart-[0-9a-f]{12}"', html)
    assert metadata["text/html"]["ppp_chart"]["figure"]["data"][0]["type"] == "bar"


def test_chart_id_is_deterministic_and_follows_the_figure():
    assert _chart().chart_id == _chart().chart_id
    assert _chart().chart_id != _chart(title="Another title").chart_id


def test_chart_carries_axes_and_theme_and_keeps_title_and_source_out_of_the_plot():
    made = _chart()
    layout = made.figure_json["layout"]
    assert layout["xaxis"]["title"]["text"] == "Year"
    assert layout["yaxis"]["title"]["text"] == "People (count)"
    assert layout["template"]["layout"]["colorway"] == charts.PALETTE
    assert not (layout.get("title") or {}).get("text") and not layout.get("annotations")  # both are in the caption
    meta = made.meta()
    assert meta["title"] == "People killed" and meta["anchor"] == "chart-unit-test-chart"
    assert meta["data"] == {"columns": ["year", "killed"], "rows": [[2017, 147], [2018, 91]]}
    html = made.to_html()
    assert '<figure class="ppp-chart" id="chart-unit-test-chart"' in html
    assert f'<span class="ppp-chart-source">Source: {"; ".join(meta["source_labels"])}.</span>' in html
    assert meta["source_labels"] == [bib.short_label(k) for k in meta["sources"]]
    assert '<a class="ppp-chart-link" href="#chart-unit-test-chart">Link to this chart</a>' in html


def _longer(text: str) -> str:
    """A stand-in translation: every string 40 % longer, marked so it can be found."""
    return f"«{text}{'x' * (len(text) * 2 // 5)}»"


def test_render_chart_html_translates_every_visible_string_and_identity_changes_nothing():
    meta = _chart().meta()
    assert charts.render_chart_html(meta) == charts.render_chart_html(meta, lambda s: s, "en") == _chart().to_html()
    translated = charts.render_chart_html(meta, _longer, "uz", svg_href="c.svg", cite="Book. url")
    for word in ("source", "data", "csv", "svg", "link", "cite"):
        assert html.escape(_longer(charts.WORDS[word]).split("{")[0]) in translated, word
    assert html.escape(_longer("People killed")) in translated and html.escape(_longer(meta["alt"])) in translated
    figures = charts.chart_figures(meta, _longer, "uz")
    for fig in figures.values():
        assert fig["layout"]["xaxis"]["title"]["text"].replace("<br>", " ").startswith("«Year")
        assert fig["layout"]["separators"] == ",\u00a0"
    assert charts.chart_figures(meta)["wide"]["layout"].get("separators") is None


def test_chart_strings_are_exactly_what_translate_is_asked_for():
    frame = pd.DataFrame({"kind": ["Private security firms", "Police forces"], "people": [1.5, 2.0]})
    figure = px.bar(frame, y="kind", x="people", orientation="h", text="people")
    figure.update_traces(name="Staff", hovertemplate="%{y}: %{x} people<extra></extra>")
    made = charts.chart(figure, name="strings-test", data=frame, title="Staff", sources=["ISO3166"],
                        alt="More private guards than police.", x_title="People", glue=False)
    asked = []
    charts.render_chart_html(made.meta(), lambda s: asked.append(s) or s, svg_href="c.svg", cite="Book")
    strings = charts.chart_strings(made.meta())
    assert set(strings) == set(asked) and len(strings) == len(set(strings))
    for expected in ("Private security firms", "Police forces", "People", "%{y}: %{x} people<extra></extra>",
                     "Staff", "More private guards than police.", charts.WORDS["link"], "kind"):
        assert expected in strings, expected
    assert "1.5" not in strings  # numbers are not words


def test_lay_out_wraps_long_labels_and_gives_long_translations_room():
    frame = pd.DataFrame({"element": ["Surveillance, data protection and cybersecurity", "Risk allocation"], "code": [1, 3]})
    made = charts.chart(px.bar(frame, y="element", x="code", orientation="h"), name="wrap-test", data=frame,
                        title="Codes", sources=["ISO3166"], alt="Risk allocation is coded highest.", glue=False)
    wide, narrow = (charts.chart_figures(made.meta())[v]["layout"]["yaxis"] for v in ("wide", "narrow"))
    assert all(len(line) <= charts.WRAP["narrow"] for t in narrow["ticktext"] for line in t.split("<br>"))
    assert narrow["tickvals"] == list(frame["element"])  # the data keep the full label (hover, table)
    assert max(t.count("<br>") for t in narrow["ticktext"]) > max(t.count("<br>") for t in wide["ticktext"])
    longer = charts.chart_figures(made.meta(), _longer)["narrow"]
    assert longer["layout"]["height"] >= charts.chart_figures(made.meta())["narrow"]["layout"]["height"]


def test_clean_svg_names_ids_after_the_chart():
    raw = ('<?xml version="1.0"?><svg class="main-svg" width="300" height="200" viewBox="0 0 300 200"><defs>'
           '<clipPath id="clip1a2b3cxy"><rect/></clipPath></defs><g clip-path="url(#clip1a2b3cxy)"></g>'
           '<path d="M1.23456,2.5L3.14159,4"/></svg>')
    svg = charts.clean_svg(raw, "ppp-chart-abc-wide")
    assert 'id="ppp-chart-abc-wide-0"' in svg and "url(#ppp-chart-abc-wide-0)" in svg and "1a2b3c" not in svg
    assert 'width="300"' not in svg and 'viewBox="0 0 300 200"' in svg and svg.startswith("<svg ")
    assert 'd="M1.2,2.5L3.1,4"' in svg


def test_chart_table_and_csv_hold_exactly_the_plotted_data():
    result = _chart()
    assert result.csv() == "year,killed\n2017,147\n2018,91\n"
    assert "data:text/csv;charset=utf-8,year%2Ckilled%0A2017%2C147" in result.to_html()


def test_chart_escapes_markup_in_data_and_text():
    frame = pd.DataFrame({"label": ["<script>alert(1)</script>"], "value": [1]})
    html = charts.chart(px.bar(frame, x="label", y="value"), name="escape-test", data=frame, title="<b>T</b>",
                        sources=["ISO3166"], alt="<img src=x>", glue=False).to_html()
    assert "<script>" not in html and "<img src=x>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("bad", [dict(name="Bad Name"), dict(alt=" "), dict(sources=[]), dict(sources=["Nobody2099x"]),
                                 dict(data=pd.DataFrame())])
def test_chart_refuses_incomplete_charts(bad):
    with pytest.raises((ValueError, KeyError)):
        _chart(**bad)


def test_labels_keep_cyrillic_names_whole():
    assert bib.short_label("Tojieva2019davlat").startswith("Тожиева")
    labels = list(citations.AuthorYearLabels().format_labels(
        [bib.entries()[k] for k in ("Tojieva2019davlat", "ISO3166")]))
    assert labels[0].startswith("Тожиева2019")


def test_house_style_formats_web_pages_and_translations():
    formatted = dict(citations.format_entries(["Seed2025jamoat"]))
    assert "[Public–private partnership in public safety" in formatted["Seed2025jamoat"]


def test_formatted_references_are_kept_by_content_between_builds(tmp_path, monkeypatch):
    from pybtex.database import Entry

    store = citations.FormattedEntries()
    monkeypatch.setattr(citations, "FORMATTED", store)
    store.load(tmp_path / "refs.pickle")  # no file yet: nothing kept
    assert store.entries == {}
    citations.register_style()  # as the Sphinx extension does: the style finds its label style by name
    style = citations.HouseStyle()
    entry = bib.entries()["Seed2025jamoat"]
    retitled = Entry(entry.type, fields={**entry.fields, "title": "Another title"}, persons=entry.persons)
    retitled.key = entry.key
    first = style.format_entry("A2025", entry).text.render_as("html")
    assert "Another title" in style.format_entry("A2025", retitled).text.render_as("html")
    assert "Another title" not in first and len(store.entries) == 2  # a changed entry is formatted anew
    assert style.format_entry("A2025", entry).text.render_as("html") == first and len(store.entries) == 2
    store.used = {k for k in store.entries if k[3] == citations._entry_content(entry)}
    store.save()
    kept = citations.FormattedEntries()
    kept.load(tmp_path / "refs.pickle")
    assert [e.text.render_as("html") for e in kept.entries.values()] == [first]  # only what the build used
    monkeypatch.setattr(citations.FormattedEntries, "_version", staticmethod(lambda: "another version"))
    stale = citations.FormattedEntries()
    stale.load(tmp_path / "refs.pickle")
    assert stale.entries == {}  # the style's code changed: nothing is reused


def test_cite_box_has_four_formats_and_the_page_url():
    box = citations.cite_box_html("Germany", "https://example.org/book/germany.html", "book/germany")
    for label in ("APA-like", "GOST-like", "BibTeX", "RIS"):
        assert f"Copy {label}" in box
    assert box.count("https://example.org/book/germany.html") >= 4
    assert 'download="book-germany.bib"' in box


def test_notebook_inputs_follow_the_tables_a_notebook_loads(tmp_path, monkeypatch):
    digests = build.notebook_inputs()
    assert digests and all(len(d) == 64 for d in digests.values())
    assert build._LOAD.findall('x = load("attack-statistics")') == ["attack-statistics"]
    assert build._LOAD.findall('x = load(\\"countries\\")') == ["countries"]


def test_the_modules_a_notebook_runs_are_derived_from_the_imports():
    """A change to a module a notebook's kernel imports re-executes the notebooks; the set is read
    from the notebooks' and the modules' imports, so a new import cannot be missed."""
    modules = build.notebook_modules()
    assert {"__init__", "charts", "countries", "data", "matrix", "bib", "paths"} <= modules
    assert {"sphinx_ext", "build", "pdf", "postprocess", "editions"}.isdisjoint(modules)
    assert build._package_imports("countries") >= {"data", "paths"}  # data: imported inside a function


# --- post-processing of the built pages ---------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8" />
<script defer src="../_static/scripts/fontawesome.js?digest=abc"></script>
<script>document.documentElement.dataset.mode = "auto";</script>
<script type="application/json" class="ppp-chart-json">{"data": []}</script>
</head><body>
<a class="reference external" href="https://example.org/a">out</a>
<a href="https://example.org/b" rel="license">licence</a>
<a href="//example.org/c" rel="noopener">already</a>
<a class="reference internal" href="../book/data.html#countries">in</a>
<button onclick="window.print()">print</button>
</body></html>
"""


def test_postprocess_drops_fontawesome_script_and_adds_noopener_to_external_links_only():
    out = postprocess.process_page(PAGE)
    assert "fontawesome.js" not in out
    assert '<a class="reference external" href="https://example.org/a" rel="noopener">' in out
    assert '<a href="https://example.org/b" rel="license noopener">' in out
    assert '<a href="//example.org/c" rel="noopener">' in out
    assert '<a class="reference internal" href="../book/data.html#countries">' in out


def test_postprocess_csp_allows_exactly_the_inline_code_on_the_page():
    def sha(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    out = postprocess.process_page(PAGE)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', out).group(1)
    assert out.index("Content-Security-Policy") < out.index("<script")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    scripts = directives["script-src"].split()
    assert scripts == ["'self'", sha('document.documentElement.dataset.mode = "auto";')]  # JSON data is not code
    assert "onclick" not in out and '<button data-ppp-action="print">' in out
    assert directives["default-src"] == directives["connect-src"] == directives["font-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "http" not in policy and "'unsafe-eval'" not in policy


def test_postprocess_refuses_an_inline_handler_it_cannot_replace():
    with pytest.raises(ValueError, match="onmouseover"):
        postprocess.process_page(PAGE.replace("<button ", '<button onmouseover="x()" '))


def test_postprocess_is_idempotent():
    once = postprocess.process_page(PAGE)
    assert postprocess.process_page(once) == once
    assert once.count("Content-Security-Policy") == 1


def test_chart_escapes_text_from_data_in_the_figure_but_keeps_line_breaks():
    frame = pd.DataFrame({"label": ["A & B", "<b>x</b>"], "note": ["line one<br>line two", "<i>y</i>"], "value": [1, 2]})
    made = charts.chart(px.bar(frame, x="label", y="value", hover_data=["note"]), name="escape-figure-test", data=frame,
                        title="T", x_title="Label", y_title="Value", sources=["ISO3166"], alt="Escaped.", glue=False)
    trace = made.figure_json["data"][0]
    assert trace["x"] == ["A &amp; B", "&lt;b&gt;x&lt;/b&gt;"]
    assert trace["customdata"] == [["line one<br>line two"], ["&lt;i&gt;y&lt;/i&gt;"]]
    assert "<b>" in trace["hovertemplate"] or "%{" in trace["hovertemplate"]  # the notebook's template is kept


def test_notebook_tables_escape_markup_in_data():
    frame = pd.DataFrame({"note": ["<script>alert(1)</script>"]})
    assert "<script>alert(1)" not in table_style(frame).to_html() and "&lt;script&gt;" in table_style(frame).to_html()


def test_rebuild_prunes_outputs_of_removed_pages_and_renamed_static_files(tmp_path):
    for name in ("book/index.html", "book/removed-chapter.html", "search.html", "_sources/book/index.md",
                 "_sources/book/removed-chapter.md", "_static/ppp-charts.js", "_static/ppp-old-name.js",
                 "_static/basic.css"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    removed = build.prune_stale_outputs(tmp_path)
    assert sorted(removed) == ["_sources/book/removed-chapter.md", "_static/ppp-old-name.js", "book/removed-chapter.html"]
    assert (tmp_path / "book/index.html").exists() and (tmp_path / "_static/basic.css").exists()


def test_plain_text_fast_path_gives_what_full_latex_decoding_gives():
    from pybtex.richtext import Text

    patches.fast_plain_text()
    full = Text.from_latex.__func__.full
    values = [v for entry in bib.entries().values() for v in entry.fields.values()]
    values += ["Bundesministerium für Wirtschaft", "A -- B", "``q''", "x~y", "{Protected} text", "50\\%", ""]
    assert len(values) > 1000
    for value in values:
        assert Text.from_latex(value) == full(Text, value), value


# --- editions: the words of data tables, downloads, tables and references ------------------

def test_chart_data_table_and_csv_download_carry_the_edition_s_titles_and_labels():
    from urllib.parse import unquote

    frame = pd.DataFrame({"country": ["United Kingdom", "Uzbekistan"], "best_in": ["United Kingdom, Germany", "x"],
                          "level_label": ["national framework", "none"], "index": [87.9, 48.1]})
    made = charts.chart(px.bar(frame, x="country", y="index"), name="csv-test", data=frame, title="Index",
                        sources=["ISO3166"], alt="The UK ranks first.", glue=False)
    words = {"country": "davlat", "best_in": "eng yuqori kod kimda", "level_label": "daraja", "index": "indeks",
             "United Kingdom": "Buyuk Britaniya", "Germany": "Germaniya", "Uzbekistan": "Oʻzbekiston",
             "national framework": "milliy asos"}
    page = charts.render_chart_html(made.meta(), lambda s: words.get(s, s), "uz")
    csv_text = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', page).group(1))
    assert csv_text.splitlines() == ["davlat,eng yuqori kod kimda,daraja,indeks",
                                     'Buyuk Britaniya,"Buyuk Britaniya, Germaniya",milliy asos,87.9',
                                     "Oʻzbekiston,x,none,48.1"]
    assert "<th>daraja</th>" in page and "<td>milliy asos</td>" in page and "<td>87.9</td>" in page
    english = charts.render_chart_html(made.meta())
    assert "country,best_in,level_label,index" in unquote(english)  # the English download unchanged
    assert charts.chart_figures(made.meta(), lambda s: s, "uz")["wide"]["config"]["locale"] == "uz"
    assert "locale" not in charts.chart_figures(made.meta())["wide"].get("config", {})


def test_notebook_tables_are_rewritten_in_the_edition_s_words_and_unchanged_in_english():
    from ppp_atlas import tables

    styler = table_style(pd.DataFrame({"Status": ["confirmed", "it's <b>"], "Count": [3, 4]})).hide(axis="index")
    markup = styler.to_html()
    assert tables.is_table(markup) and tables.translate_table_html(markup, lambda s: s) == markup
    assert tables.table_strings(markup) == ["Status", "Count", "confirmed", "it's <b>"]
    words = {"Status": "Holati", "confirmed": "tasdiqlangan"}
    translated = tables.translate_table_html(markup, lambda s: words.get(s, s))
    assert ">Holati</th>" in translated and ">tasdiqlangan</td>" in translated and ">it&#39;s &lt;b&gt;</td>" in translated


def test_short_labels_and_references_in_the_edition_s_words():
    entry = bib.entries()["Seed2025jamoat"]
    assert bib.year(entry) == "n.d." and bib.year(entry, "ru") == "б. г."
    assert bib.short_label("Seed2025jamoat", lang="uz").endswith("(yili koʻrsatilmagan)")
    law = dict(citations.format_entries(["Uzbekistan2019ppp", "Weber1919politik"], "ru"))
    law_uz = dict(citations.format_entries(["Uzbekistan2019ppp"], "uz"))
    assert "[Закон Республики Узбекистан" in law["Uzbekistan2019ppp"]  # the title in the edition's language
    assert "On public" not in law["Uzbekistan2019ppp"] and "Politics as a vocation" not in law["Weber1919politik"]
    assert "[" not in law_uz["Uzbekistan2019ppp"].split("–")[0]  # an Uzbek title needs no gloss in Uzbek
    english = dict(citations.format_entries(["Weber1919politik"]))["Weber1919politik"]
    assert "[Politics as a vocation]" in english


@pytest.mark.parametrize("lang, words", [("ru", "Текст : электронный"), ("uz", "Matn : elektron")])
def test_gost_cite_form_names_the_electronic_text_before_the_containing_book(lang, words):
    """GOST R 7.0.100-2018 for a part of an electronic resource: «Title / authors. – Текст : электронный // Book. – …»"""
    box = citations.cite_box_html("Германия", "https://example.org/ru/book/germany.html", "book/germany", lang=lang)
    gost = re.search(r'class="ppp-cite-text" data-copy="([^"]*)"', box).group(1)  # the first format in uz and ru
    gost = html.unescape(gost)
    title, rest = gost.split(" / ", 1)
    assert title == "Германия"
    authors, rest = rest.split(f". – {words} // ", 1)
    assert authors and rest.startswith(config.book_metadata()["title"])
    assert rest.endswith(").") and "URL: https://example.org/ru/book/germany.html" in rest


def test_no_module_of_the_package_hides_an_import():
    """The layer contract (``make layers``, .importlinter) sees every import, also inside functions,
    but not one made by name at run time: the package makes none."""
    import re

    found = [f"{path.name}:{n}" for path in sorted((build.paths.ROOT / "ppp_atlas").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\bimport_module\(|\b__import__\(|importlib\.import_module", line)]
    assert found == []


def test_importing_the_package_changes_no_other_library():
    """``import ppp_atlas`` (as every notebook does) leaves pandas as it was: the book's tables
    are made by ``ppp_atlas.table``, a Styler of its own."""
    import subprocess
    import sys

    code = ("import pandas as pd; from pandas.io.formats.style import Styler; before = dict(vars(Styler)); "
            "escape = pd.get_option('styler.format.escape'); import ppp_atlas; "
            "assert dict(vars(Styler)) == before and pd.get_option('styler.format.escape') == escape; "
            "t = ppp_atlas.table_style(pd.DataFrame({'a': ['<b>']})); "
            "assert isinstance(t, Styler) and '&lt;b&gt;' in t.to_html() and repr(t) == '<Styler: 1 rows x 1 columns>'; "
            "assert t.uuid.startswith('ppp') and t.uuid == ppp_atlas.table_style(pd.DataFrame({'a': ['<b>']})).uuid[:-1] + '1'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_search_index_keeps_no_word_of_a_removed_page(tmp_path):
    """An incremental build leaves ``"word":[]`` in searchindex.js, a clean build none: the
    rebuild's index is made the clean build's, byte for byte."""
    import json

    clean = {"docnames": ["a"], "terms": {"kept": 0, "also": [0]}, "titleterms": {"title": 0}}
    stale = {"docnames": ["a"], "terms": {"kept": 0, "also": [0], "gone": []}, "titleterms": {"title": 0, "old": []}}
    (tmp_path / "searchindex.js").write_text("Search.setIndex(" + json.dumps(stale, sort_keys=True) + ")")
    assert postprocess.prune_search_index(tmp_path) == 2
    assert (tmp_path / "searchindex.js").read_text() == "Search.setIndex(" + json.dumps(clean, sort_keys=True) + ")"
    assert postprocess.prune_search_index(tmp_path) == 0


def test_a_change_to_the_code_that_makes_pages_reads_every_page_again(tmp_path):
    """sphinx_ext's ppp_code_digest (rebuild "env"): a change to a module of the Sphinx extension's
    layer or any layer below it (.importlinter) reads every page again; a change to the tools or the
    printing does not. The modules are the contract's, so a new module is covered once placed."""
    import shutil
    from pathlib import Path

    from ppp_atlas import sphinx_ext

    package = Path(sphinx_ext.__file__).parent
    modules = sphinx_ext.page_modules()
    assert {"sphinx_ext", "sphinx_domain", "sphinx_title", "citations", "charts", "theme_fixes", "config"} <= set(modules)
    assert not {"build", "translations", "pdf", "teaching_pdf", "chromium"} & set(modules)
    top_level = {p.stem for p in package.glob("*.py")} - {"__init__"}
    tools_and_printing = {"build", "translations", "notebooks", "register", "serve", "validate", "terms",
                          "pdf", "chromium", "teaching_pdf"}
    assert top_level - tools_and_printing == set(modules)  # every other module shapes pages, and is listed

    copy = tmp_path / "ppp_atlas"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    before = sphinx_ext.code_digest(copy)
    (copy / "build.py").write_text((copy / "build.py").read_text(encoding="utf-8") + "\n# a tool\n", encoding="utf-8")
    assert sphinx_ext.code_digest(copy) == before
    (copy / "citations.py").write_text((copy / "citations.py").read_text(encoding="utf-8") + "\n# a style\n", encoding="utf-8")
    assert sphinx_ext.code_digest(copy) != before
