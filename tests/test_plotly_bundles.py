"""The site's two plotly.js bundles (assets/plotly-bundle*.js): each page's charts need only what
the bundle it loads carries, and the rebuilt core (assets/plotly-core.js) still matches the
plotly.js it was written against."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import browser

ROOT = browser.ROOT
ASSETS = ROOT / "assets"
PLOTLY = ROOT / "node_modules" / "plotly.js"
#: the plotly.js version assets/plotly-core.js copies its component list from
WRITTEN_AGAINST = "4.1.1"
#: components plotly.js/src/core.js registers and assets/plotly-core.js leaves out, and what in a
#: figure would need each of them
LEFT_OUT = {
    "annotations3d": lambda fig: any("annotations" in v for k, v in fig["layout"].items() if k.startswith("scene")),
    "images": lambda fig: bool(fig["layout"].get("images")),
    "updatemenus": lambda fig: bool(fig["layout"].get("updatemenus")),
    "sliders": lambda fig: bool(fig["layout"].get("sliders")),
    "rangeslider": lambda fig: any(isinstance(v, dict) and v.get("rangeslider") for v in fig["layout"].values()),
    "rangeselector": lambda fig: any(isinstance(v, dict) and v.get("rangeselector") for v in fig["layout"].values()),
    "grid": lambda fig: bool(fig["layout"].get("grid")),
    "errorbars": lambda fig: any(t.get("error_x") or t.get("error_y") for t in fig["data"]),
}


def _required(path: Path, pattern: str) -> list[str]:
    return re.findall(pattern, path.read_text(encoding="utf-8"))


def test_the_rebuilt_core_matches_the_installed_plotly():
    version = json.loads((PLOTLY / "package.json").read_text(encoding="utf-8"))["version"]
    assert version == WRITTEN_AGAINST, (
        f"plotly.js {version} is installed; assets/plotly-core.js copies the core of {WRITTEN_AGAINST}: "
        "compare its component list with node_modules/plotly.js/src/core.js and update both")
    upstream = list(dict.fromkeys(_required(PLOTLY / "src" / "core.js", r"require\('\./components/(\w+)'\)")))
    ours = _required(ASSETS / "plotly-core.js", r'require\("plotly\.js/src/components/(\w+)"\)')
    assert set(ours) | set(LEFT_OUT) == set(upstream), "plotly.js's core registers other components"
    assert [c for c in upstream if c in ours] == ours, "components registered in another order than plotly.js's"
    assert not set(ours) & set(LEFT_OUT)


def _figures(site: Path):
    for path in sorted((site / "_static" / "charts").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield path.name, [data[k] for k in ("wide", "narrow") if k in data] or [data]


def test_no_chart_needs_a_component_the_core_leaves_out(site):
    named = list(_figures(site))
    assert len(named) > 20
    needing = [(name, component) for name, figs in named for fig in figs
               for component, needs in LEFT_OUT.items() if needs(fig)]
    assert needing == []


def _bundle_types(name: str) -> set[str]:
    return {"scatter"} | set(_required(ASSETS / name, r'require\("plotly\.js/lib/(\w+)"\)'))


@pytest.mark.parametrize("edition", ["", "uz/", "ru/"])
def test_every_chart_on_a_page_is_in_the_bundle_the_page_loads(site, edition):
    """ppp-charts.js loads the map bundle on a page with a map, the other one elsewhere."""
    bundles = {True: _bundle_types("plotly-bundle-geo.js"), False: _bundle_types("plotly-bundle.js")}
    assert {"choropleth", "scattergeo"} <= bundles[True] and not {"choropleth", "scattergeo"} & bundles[False]
    checked, missing = 0, []
    for page in sorted((site / edition).glob("*/*.html")):
        text = page.read_text(encoding="utf-8")
        sources = re.findall(r'<div class="ppp-plotly[^"]*"[^>]*data-src="([^"]+)"', text)
        if not sources:
            continue
        has_map = "data-ppp-geo" in text
        for src in sources:
            data = json.loads((page.parent / src).read_text(encoding="utf-8"))
            for fig in [data[k] for k in ("wide", "narrow") if k in data] or [data]:
                for trace in fig["data"]:
                    checked += 1
                    if trace.get("type", "scatter") not in bundles[has_map]:
                        missing.append((page.name, src, trace.get("type")))
    assert checked > 100
    assert missing == []


def _stand_ins() -> dict[str, str]:
    """The modules the map bundle swaps for a stand-in (Makefile's esbuild --alias)."""
    rule = re.search(r"^_build/vendor/plotly-ppp-geo\.min\.js:.*?\n\n", (ROOT / "Makefile").read_text(encoding="utf-8"),
                     re.S | re.M).group(0)
    return dict(re.findall(r"--alias:([\w-]+)=\./(assets/[\w.-]+)", rule))


def _map_figures(site: Path):
    for name, figs in _figures(site):
        for fig in figs:
            if any(t.get("type") in ("choropleth", "scattergeo") for t in fig["data"]):
                yield name, fig


def _geo_layouts(fig: dict) -> list[dict]:
    """Each map's geo settings as plotly.js reads them: its template's under its own."""
    layout = fig["layout"]
    base = ((layout.get("template") or {}).get("layout") or {}).get("geo") or {}
    keys = [k for k in layout if k.startswith("geo") and isinstance(layout[k], dict)] or ["geo"]
    return [{**base, **layout.get(k, {})} for k in keys]


def test_the_maps_draw_only_the_outlines_the_site_serves(site):
    """The site serves world_110m with only the layers in assets/world-outlines.py's KEEP
    (countries, land): every map shows no coastline, ocean, lake, river or subunit (plotly.js
    would read a layer the file does not hold), and the served file has exactly those layers."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("world_outlines", ASSETS / "world-outlines.py")
    outlines = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(outlines)
    served = json.loads((site / "_static" / "vendor" / "world_110m.json").read_text(encoding="utf-8"))
    assert sorted(served["objects"]) == sorted(outlines.KEEP)
    layers = {"showcoastlines": "coastlines", "showocean": "ocean", "showlakes": "lakes", "showrivers": "rivers",
              "showsubunits": "subunits", "showland": "land", "showcountries": "countries"}
    maps, drawn = 0, set()
    for name, fig in _map_figures(site):
        maps += 1
        for layout in _geo_layouts(fig):
            assert layout.get("showcoastlines") is False, (name, "plotly.js draws coastlines unless told not to")
            drawn |= {layer for flag, layer in layers.items() if layout.get(flag)}
    assert maps >= 2
    assert drawn <= set(outlines.KEEP), drawn


def test_the_map_bundle_swaps_only_what_no_map_uses(site):
    """The map bundle carries stand-ins for plotly.js's country-name lookup and for
    d3-geo-projection: every map gives its countries as ISO-3 codes and uses a projection that
    d3-geo or the stand-in provides, under the name plotly.js 4.1.1 looks up."""
    assert _stand_ins() == {"country-iso-search": "assets/country-iso-search-stub.js",
                            "d3-geo-projection": "assets/d3-geo-projection-stub.js"}
    proj_names = dict(re.findall(r"^\s+'?([\w ]+?)'?: '(\w+)',", (PLOTLY / "src/plots/geo/constants.js")
                                 .read_text(encoding="utf-8").split("exports.projNames", 1)[1].split("};", 1)[0], re.M))
    assert proj_names["natural earth"] == "naturalEarth"
    provided = set(re.findall(r"as (geo\w+)", (ROOT / "node_modules/d3-geo/src/index.js").read_text(encoding="utf-8")))
    provided |= set(re.findall(r"(geo\w+):", (ASSETS / "d3-geo-projection-stub.js").read_text(encoding="utf-8")))
    geo_code = (PLOTLY / "src/plots/geo/geo.js").read_text(encoding="utf-8")
    assert "geo[projName] || geoProjection[projName]" in geo_code, "plotly.js looks projections up another way"
    maps, problems = 0, []
    for name, fig in _map_figures(site):
        maps += 1
        for layout in _geo_layouts(fig):
            projection = (layout.get("projection") or {}).get("type", "equirectangular")
            method = "geo" + proj_names[projection][0].upper() + proj_names[projection][1:]
            if method not in provided:
                problems.append((name, "projection", projection))
        for trace in fig["data"]:
            if trace.get("locations") is not None and trace.get("locationmode") != "ISO-3":
                problems.append((name, "locationmode", trace.get("locationmode")))
    assert maps >= 2
    assert problems == []
