"""How each edition writes what the English writes in its own way: figure references with Uzbek case
suffixes, dates in English prose, Binder's launch address (issue 24, items 10 and 12)."""
from __future__ import annotations

import re

import pytest


# an Uzbek case or possessive suffix written apart from the figure or table number it belongs to
_APART = re.compile(r'<span class="std std-numref">[^<]*-(?:rasm|jadval)</span></a>\s+'
                    r'(?:dagi|da|ga|ni|ning|dan|lar|larda|dek)\b')


def test_uzbek_figure_references_take_their_case_suffix_without_a_space(site):
    pages = [p for p in (site / "uz").rglob("*.html") if "_static" not in p.parts]
    apart = {p.relative_to(site).as_posix(): _APART.findall(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v for k, v in apart.items() if v} == {}
    germany = (site / "uz/book/germany.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="std std-numref">\d+-rasm</span></a>dagi ', germany)


# --- item 10: the re-weighting table writes numbers as its edition does ------------------------

DECIMAL = {"": ".", "uz/": ",", "ru/": ","}


@pytest.mark.parametrize("edition", list(DECIMAL))
def test_the_reweighting_table_uses_the_editions_decimal_sign_after_a_slider_moves(chromium, base_url, edition):
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(f"{base_url}/{edition}notebooks/design-matrix.html", wait_until="load")
        tab.wait_for_selector(".ppp-weights-row input[type=range]", state="attached")
        before = tab.eval_on_selector_all(".ppp-weights-table tbody .ppp-weights-index", "cells => cells.map(c => c.textContent)")
        # a reader drags the first control to its top
        tab.evaluate("""() => { const input = document.querySelector('.ppp-weights-row input[type=range]');
            input.value = input.max; input.dispatchEvent(new Event('input', {bubbles: true})); }""")
        tab.wait_for_function("""before => [...document.querySelectorAll('.ppp-weights-table tbody .ppp-weights-index')]
            .map(c => c.textContent).join('|') !== before.join('|')""", arg=before)
        after = tab.eval_on_selector_all(".ppp-weights-table tbody .ppp-weights-index", "cells => cells.map(c => c.textContent)")
        bars = tab.eval_on_selector_all(".ppp-weights-bar-value", "cells => cells.map(c => c.textContent)")
    finally:
        tab.close()
    numbers = [t for t in after + bars if re.fullmatch(r"\d+\D\d", t)]
    assert len(numbers) >= 10, after
    wrong = "," if DECIMAL[edition] == "." else "."
    assert all(DECIMAL[edition] in t and wrong not in t for t in numbers), (edition, numbers)


# --- item 12: glued dates in English prose are dates, as in the Uzbek and Russian editions -------

_GLUED_ISO = re.compile(r'<span class="pasted-text">\d{4}-\d{2}-\d{2}</span>')


def test_glued_dates_read_as_dates_in_every_edition(site):
    pages = [p for p in site.rglob("*.html") if not any(part.startswith("_") for part in p.relative_to(site).parts)]
    iso = {p.relative_to(site).as_posix(): len(_GLUED_ISO.findall(p.read_text(encoding="utf-8"))) for p in pages}
    assert {k: v for k, v in iso.items() if v} == {}
    germany = " ".join(re.sub(r"<[^>]+>", "", (site / "book/germany.html").read_text(encoding="utf-8")).split())
    assert "opened on 3 April 2017" in germany
    assert "from 1 September 2018 to 30 November 2022" in germany
    russian = " ".join(re.sub(r"<[^>]+>", "", (site / "ru/book/germany.html").read_text(encoding="utf-8")).split())
    assert "3 апреля 2017 г." in russian


_PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


@pytest.mark.parametrize("lang", ["uz", "ru"])
def test_glued_numbers_are_written_as_each_edition_writes_them(site, lang):
    """A number a chapter pastes from a notebook is written as the edition writes numbers: 84.8 is
    84,8; 170,000 is 170 000 (CLDR's group sign); a year stays 2017 (ppp_atlas/sphinx_glue.py)."""
    from babel.numbers import get_group_symbol

    from collections import Counter

    group = get_group_symbol(lang)
    decimals = grouped = 0
    for english_page in sorted((site / "book").glob("*.html")):
        english = _PASTED.findall(english_page.read_text(encoding="utf-8"))
        edition = _PASTED.findall((site / lang / "book" / english_page.name).read_text(encoding="utf-8"))
        assert len(english) == len(edition), english_page.name  # the same values, in the edition's word order
        wanted = Counter()
        for ours in english:
            if re.fullmatch(r"\d+\.\d+", ours):  # 40.0 beside 84.8 too: the decimal the English shows
                wanted[ours.replace(".", ",")] += 1
                decimals += 1
            elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", ours) and int(ours.replace(",", "")) >= 10000:
                wanted[ours.replace(",", group)] += 1
                grouped += 1
            elif re.fullmatch(r"(?:19|20)\d\d", ours):
                wanted[ours] += 1
        missing = wanted - Counter(edition)
        assert not missing, (english_page.name, dict(missing))
        assert not [t for t in edition if re.fullmatch(r"\d+\.\d+|\d{1,3}(?:,\d{3})+", t)], english_page.name
    assert decimals >= 10 and grouped >= 3, (decimals, grouped)


def test_english_dates_are_written_day_month_year_with_babel():
    from ppp_atlas import sphinx_editions

    assert sphinx_editions.localise_date("2017-04-03", "en") == "3 April 2017"
    assert sphinx_editions.localise_date("2017-04-03", "uz") == "2017-yil 3-aprel"
    assert sphinx_editions.localise_date("2017-13-03", "en") is None


# --- item 12: Binder launches the released book -----------------------------------------------

def test_binder_launch_buttons_open_the_release_tag_from_citation_cff(site):
    import yaml

    from ppp_atlas import paths

    version = yaml.safe_load(paths.CITATION.read_text(encoding="utf-8"))["version"]
    launches = []
    for edition in ("", "uz/", "ru/"):
        page = (site / edition / "notebooks/design-matrix.html").read_text(encoding="utf-8")
        launches += re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', page)
    assert len(launches) == 3, launches
    assert all(f"/atlas/v{version}?urlpath=" in url for url in launches), launches
