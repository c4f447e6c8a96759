"""Charts laid out for the editions: every chart of the book rendered, through the same code
the site uses, with a stand-in translation that makes every word 40 % longer (Uzbek and
Russian labels are longer than English ones) and decimal commas, then drawn in Chromium at
360, 768 and 1280 px: no label outside its box, none overlapping another, none under 11 px,
in the static drawing and in the interactive chart."""
from __future__ import annotations

import json
import re

import pytest

import browser
from ppp_atlas import charts, paths, sphinx_ext


def longer(text: str) -> str:
    """Every word 40 % longer; templates, markup and numbers untouched."""
    if "%{" in text or "<" in text or "{" in text:
        return text
    return re.sub(r"[^\W\d_]{2,}", lambda m: m.group(0) + m.group(0)[: max(1, round(len(m.group(0)) * 0.4))], text)


def book_charts() -> list[dict]:
    metas = {}
    for notebook in sorted((paths.ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                meta = output.get("metadata", {}).get("text/html", {}).get("ppp_chart")
                if meta and meta.get("version", 1) >= 2:
                    metas[meta["id"]] = meta
    return list(metas.values())


def test_longer_is_a_fair_stand_in():
    assert longer("Private security staff") == "PrivatePri securitysec staffst"
    assert longer("%{y}: %{x}<extra></extra>") == "%{y}: %{x}<extra></extra>"
    assert longer("2017") == "2017"


@pytest.fixture(scope="module")
def translated_pages(site, tmp_path_factory):
    """Two pages, as the site has them: one with the maps (which load the map bundle) and one
    with every other chart (which load the main bundle)."""
    metas = book_charts()
    assert len(metas) >= 20
    folder = tmp_path_factory.mktemp("translated")
    (folder / "_static").symlink_to(site / "_static", target_is_directory=True)
    pages = {}
    for name, group in (("charts", [m for m in metas if not charts.is_map(m)]),
                        ("maps", [m for m in metas if charts.is_map(m)])):
        assert group, name
        body = "".join(sphinx_ext.standalone_chart_html(meta, longer, "uz") for meta in group)
        (folder / f"{name}.html").write_text(
            '<!DOCTYPE html><html lang="uz"><head><meta charset="utf-8"><title>charts</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="_static/styles/theme.css"><link rel="stylesheet" href="_static/ppp.css">'
            '<script defer src="_static/ppp-charts.js"></script></head>'
            f'<body><main class="bd-article" style="padding: 0 1rem; max-width: 760px">{body}</main></body></html>',
            encoding="utf-8")
        pages[name] = len(group)
    with browser.serve(folder) as base:
        yield base, pages


# one worker for the three widths: the fixture (every chart drawn again with longer labels) is made once
@pytest.mark.parametrize("width", [pytest.param(w, marks=pytest.mark.xdist_group("chart-translation")) for w in (360, 768, 1280)])
def test_charts_with_longer_labels_stay_legible(chromium, translated_pages, width):
    base, pages = translated_pages
    for name, expected in pages.items():
        page = chromium.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(f"{base}/{name}.html", wait_until="load")
            static = browser.chart_text_problems(page)
            assert browser.draw_all_charts(page) == expected, name
            browser.wait_for_charts_settled(page)
            interactive = browser.chart_text_problems(page)
            assert static == [], f"{name}, static drawings: {len(static)} problems, e.g. {static[:6]}"
            assert interactive == [], f"{name}, interactive charts: {len(interactive)} problems, e.g. {interactive[:6]}"
            separators = page.evaluate("document.querySelector('div.ppp-plotly').layout.separators")
            assert separators == ",\u00a0"
        finally:
            page.close()


def test_a_named_colour_key_becomes_a_legend_on_a_phone():
    """The permitted-functions heatmap names its colours; on a phone they are legend rows (one per
    status, in the status's colour) rather than upright names under a colour bar."""
    meta = next(m for m in book_charts() if m["name"] == "permitted-functions-heatmap")
    figures = charts.chart_figures(meta)
    heat = next(t for t in meta["figure"]["data"] if t["type"] == "heatmap")
    names, values = heat["colorbar"]["ticktext"], heat["colorbar"]["tickvals"]
    wide = next(t for t in figures["wide"]["data"] if t["type"] == "heatmap")
    assert wide.get("showscale") is not False and len(figures["wide"]["data"]) == 1
    narrow = figures["narrow"]
    assert next(t for t in narrow["data"] if t["type"] == "heatmap")["showscale"] is False
    keys = [t for t in narrow["data"] if t["type"] == "scatter"]
    assert [k["name"] for k in keys] == [charts.wrap_label(n, 28) for n in names]
    low, high = heat["zmin"], heat["zmax"]
    for key, value in zip(keys, values):  # the square has the colour the heatmap gives that status
        assert key["marker"]["color"] == charts._colour_at(heat["colorscale"], (value - low) / (high - low))
    assert len({k["marker"]["color"] for k in keys}) == len(keys)
    assert narrow["layout"]["legend"]["title"] == {"text": heat["colorbar"]["title"]["text"], "side": "top"}
