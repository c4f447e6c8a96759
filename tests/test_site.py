"""Checks of the built site in _build/html: pages, charts, offline assets, cite boxes."""
from __future__ import annotations

import datetime
import re
import zlib
from pathlib import Path

import pytest

from ppp_atlas import config, editions

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_ASSET = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
# <link rel="canonical"> and rel="alternate" name the editions' published addresses; browsers fetch neither
ADDRESS_LINK = re.compile(r'<link rel="(?:canonical|alternate)"[^>]*>')


def _html_pages(site):
    """Every page of every edition (not the files under _static, _sources ...)."""
    return [p for p in site.rglob("*.html") if not any(part.startswith("_") for part in p.relative_to(site).parts)]


EDITION_ROOTS = [""] + [f"{lang}/" for lang in editions.TRANSLATIONS]


@pytest.mark.parametrize("docname", sorted(config.toc_docnames()))
def test_every_toc_entry_is_built(site, docname):
    assert (site / f"{docname}.html").exists()


def test_no_page_loads_anything_from_another_host(site):
    offenders = {str(p.relative_to(site)): EXTERNAL_ASSET.findall(ADDRESS_LINK.sub("", p.read_text(encoding="utf-8")))
                 for p in _html_pages(site)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_page_inlines_plotly_or_names_a_cdn(site):
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "cdn.plot.ly" not in text and "unpkg.com" not in text and "cdn.jsdelivr" not in text, page
        # a page embeds its charts' figures and data; plotly.js itself (1.6 MB) must never be inlined
        assert len(text) < 1_200_000, f"{page} is suspiciously large ({len(text)} bytes)"
        assert "Plotly.newPlot" not in text.split("ppp-charts.js")[0] or "window.PlotlyConfig" not in text, page


def test_plotly_and_topojson_are_served_once_from_static(site):
    for root in EDITION_ROOTS:  # each edition is a complete site of its own, once
        assert (site / root / "_static/vendor/plotly-ppp.min.js").stat().st_size > 400_000
        assert (site / root / "_static/vendor/world_110m.json").exists()
        # the map code (d3-geo's paths and projections, the scattergeo trace) is in the map bundle
        # only, so pages without maps never load it
        main_code = (site / root / "_static/vendor/plotly-ppp.min.js").read_text(encoding="utf-8")
        map_code = (site / root / "_static/vendor/plotly-ppp-geo.min.js").read_text(encoding="utf-8")
        for marker in ("geoPath", "naturalEarth", "scattergeo"):
            assert marker in map_code and marker not in main_code, marker
    bundles = sorted(b.relative_to(site).as_posix() for b in site.rglob("plotly*.js"))
    assert bundles == sorted(f"{root}_static/vendor/{name}" for root in EDITION_ROOTS
                             for name in ("plotly-ppp-geo.min.js", "plotly-ppp.min.js"))


STATIC_LINK = re.compile(r'_static/(ppp[a-z-]*\.(?:js|css))\?v=([0-9a-f]{8})"')


def test_every_edition_serves_the_package_s_static_files_as_they_are_now(site):
    """A change to a file of ppp_atlas/static alone reaches every edition, and every page links it
    with the checksum of its new content (Sphinx copies static files only when it writes pages:
    sphinx_ext's ppp_static_digest makes such a change rewrite them)."""
    from ppp_atlas import sphinx_ext

    for root in EDITION_ROOTS:
        for source in sphinx_ext.STATIC.iterdir():
            assert (site / root / "_static" / source.name).read_bytes() == source.read_bytes(), f"{root}_static/{source.name}"
    # Sphinx's ?v= is the CRC-32 of the file
    checksums = {source.name: f"{zlib.crc32(source.read_bytes()):08x}" for source in sphinx_ext.STATIC.iterdir()}
    redirects = {f"{root}index.html" for root in EDITION_ROOTS}  # they only forward to book/index.html
    for page in _html_pages(site):
        where = page.relative_to(site).as_posix()
        links = dict(STATIC_LINK.findall(page.read_text(encoding="utf-8")))
        if where not in redirects:
            assert {"ppp-page.js", "ppp-charts.js", "ppp-print.css"} <= links.keys(), where
        for name, checksum in links.items():
            assert checksum == checksums[name], f"{where} links {name}?v={checksum}, not its content's"


FIGURE = re.compile(r'<figure class="ppp-chart" id="(chart-[a-z0-9-]+)" data-ppp-chart="(ppp-chart-[0-9a-f]{12})" lang="[a-z]{2}">(.*?)</figure>', re.S)


def test_every_chart_has_its_drawing_caption_link_table_csv_and_svg(site):
    charts = 0
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        figures = FIGURE.findall(text)
        assert len(figures) == text.count('class="ppp-plotly"'), page
        rel = page.relative_to(site).as_posix()
        # depth below the page's own edition root (uz/ and ru/ have their own _static)
        lang = rel.split("/")[0] if rel.split("/")[0] in editions.TRANSLATIONS else "en"
        depth = rel.count("/") - (0 if lang == "en" else 1)
        root = site / config.site_prefix(lang)
        w = editions.translator(lang, "ppp")  # the chart box's words in the page's edition
        data_summary = re.escape(w("Data behind this chart ({rows} rows)")).replace(re.escape("{rows}"), r"\d+")
        data_summary = data_summary.replace("rows\\)", "rows?\\)")
        for anchor, chart_id, body in figures:
            charts += 1
            where = (page.name, chart_id)
            name = anchor.removeprefix("chart-")
            heights = re.search(r'<div class="ppp-chart-box ppp-has-static" style="--ppp-h-wide:(\d+)px;--ppp-h-narrow:(\d+)px">', body)
            assert heights and all(int(h) >= 300 for h in heights.groups()), where
            for variant in ("wide", "narrow"):  # both drawings with their text as text: inline, or files (maps, heatmaps)
                label = f'<div class="ppp-static ppp-static-{variant}" role="img" aria-label="[^"]{{30,}}">'
                drawing = re.search(label + '<svg (.*?)</svg></div>', body, re.S)
                if drawing is None:  # a large drawing (every map and heatmap): files beside the page
                    base = f"{name}{'' if variant == 'wide' else '-narrow'}"
                    images = re.search(f'<div class="ppp-static ppp-static-{variant}"><img class="ppp-ink-light" '
                                       f'src="{"../" * depth}_static/charts/{base}.svg" alt="[^"]{{30,}}" width="\\d+" '
                                       f'height="\\d+" loading="lazy" decoding="async"><img class="ppp-ink-dark" '
                                       f'src="{"../" * depth}_static/charts/{base}-dark.svg" alt="[^"]{{30,}}"', body)
                    assert images, (where, variant)
                    light, dark = ((root / "_static" / "charts" / f"{base}{ink}.svg").read_text(encoding="utf-8") for ink in ("", "-dark"))
                    assert light.count("<text") >= 3 and dark.count("<text") == light.count("<text"), (where, variant)
                    assert "fill: #e6e6e6" in dark and "fill: #e6e6e6" not in light, (where, variant)
                    continue
                assert 'data-ppp-geo="1"' not in body and "heatmap" not in name, (where, "maps and heatmaps are files")
                assert drawing and drawing.group(1).count("<text") >= 3, (where, variant)
                assert f'id="{chart_id}-{variant}-' in drawing.group(1) or "id=" not in drawing.group(1), where
            src = "../" * depth + f"_static/charts/{name}.json"
            # the interactive chart's place: a tab stop only once drawn (ppp-charts.js), which the
            # button under the drawing asks for, in the edition's language
            assert re.search(f'<div class="ppp-plotly" id="{chart_id}" data-src="{re.escape(src)}"( data-ppp-geo="1")? data-ppp-hint="[^"]+" role="group" aria-roledescription="[^"]+" aria-label="', body), where
            assert (f'<div class="ppp-chart-tools"><button type="button" class="ppp-chart-open" aria-controls="{chart_id}">'
                    f'{w("Interactive chart")}</button></div>') in body, where
            assert (root / "_static" / "charts" / f"{name}.json").exists() and (root / "_static" / "charts" / f"{name}.svg").exists()
            assert re.search(r'<span class="ppp-chart-title">[^<]+</span>', body), where
            assert re.search(r'<span class="ppp-chart-alt">[^<]{20,}</span>', body), where
            assert re.search(rf'<span class="ppp-chart-source">{re.escape(w("Source:"))} [^<]+</span>', body), where
            assert f'<a class="ppp-chart-link" href="#{anchor}">{w("Link to this chart")}</a>' in body, where
            assert re.search(rf'<details class="ppp-chart-data"><summary>{data_summary}</summary>', body), where
            assert 'class="ppp-csv"' in body and 'href="data:text/csv' in body, where
            assert f'<a class="ppp-svg" download="{name}.svg" href="{"../" * depth}_static/charts/{name}.svg">' in body, where
            assert re.search(f'<p class="ppp-chart-cite">{re.escape(w("Cite this chart:"))} [^<]+ https://[^<]+/{re.escape(page.relative_to(site).as_posix())}#{anchor}</p>', body), where
            assert text.count(f'id="{anchor}"') == 1, where
        # no two elements share an id (the drawings' clip paths are named after their chart)
        ids = re.findall(r'\sid="([^"]+)"', text)
        assert len(ids) == len(set(ids)), (page.name, sorted({i for i in ids if ids.count(i) > 1})[:5])
    assert charts >= 20, f"only {charts} charts on the site"


def test_chart_drawings_are_vector_and_light(site):
    for drawing in (site / "_static" / "charts").glob("*.svg"):
        text = drawing.read_text(encoding="utf-8")
        assert text.startswith("<svg") and "<text" in text and "http://" not in text.replace("http://www.w3.org", ""), drawing.name


def test_every_page_has_a_cite_box_with_its_own_url(site):
    for page in _html_pages(site):
        rel = page.relative_to(site).as_posix()
        if rel.split("/", 1)[-1] in ("index.html", "genindex.html", "search.html") and rel.count("/") <= 1 \
                and not rel.startswith("book/"):
            continue
        text = page.read_text(encoding="utf-8")
        assert 'class="ppp-cite-box"' in text, rel
        assert re.search(rf'class="ppp-cite-url" href="https://[^"]+/{re.escape(rel)}"', text), rel


def test_data_page_lists_every_table_with_downloads(site):
    from ppp_atlas import data

    text = (site / "book/data.html").read_text(encoding="utf-8")
    for resource in data.read_descriptor()["resources"]:
        assert f'id="{resource["name"]}"' in text
        assert f'_static/data/{resource["path"]}' in text
        assert (site / "_static/data" / resource["path"]).exists()
    assert (site / "_static/data/ppp-atlas-data.zip").exists()


def test_chapter_reference_lists_are_filled(site):
    for md in (ROOT / "book").glob("*.md"):
        if "<!-- references -->" in md.read_text(encoding="utf-8"):
            html = (site / "book" / f"{md.stem}.html").read_text(encoding="utf-8")
            assert 'class="ppp-references"' in html, md.name


def test_launch_buttons_point_to_binder_jupyterlab(site):
    pages = list((site / "notebooks").glob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "mybinder.org/v2/gh/" in text and "urlpath=lab" in text, page.name


def test_every_page_declares_a_content_security_policy_first_in_head(site):
    for page in _html_pages(site) + [site / "search.html", site / "genindex.html"]:
        text = page.read_text(encoding="utf-8")
        head = text[:text.index("</head>")]
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert len(policies) == 1, page
        assert "default-src 'self'" in policies[0] and "object-src 'none'" in policies[0], page
        first_script = head.find("<script")
        assert first_script == -1 or head.index("Content-Security-Policy") < first_script, page


def test_every_external_link_opens_with_noopener(site):
    external = 0
    for page in _html_pages(site):
        for tag in re.findall(r"""<a\b(?:[^>"']|"[^"]*"|'[^']*')*>""", page.read_text(encoding="utf-8")):
            if re.search(r'\shref="(?:https?:)?//', tag):
                external += 1
                assert re.search(r'\srel="[^"]*\bnoopener\b', tag), (page.name, tag[:120])
    assert external > 100


def test_font_awesome_is_cut_to_the_icons_the_site_shows(site):
    assert not (site / "_static/scripts/fontawesome.js").exists()
    for page in _html_pages(site):
        assert "fontawesome.js" not in page.read_text(encoding="utf-8"), page
    fonts = site / "_static/vendor/fontawesome/webfonts"
    for font in fonts.glob("*.woff2"):
        assert font.stat().st_size < 10_000, f"{font.name} was not subset ({font.stat().st_size} B)"
    from fontTools.ttLib import TTFont

    solid = TTFont(fonts / "fa-solid-900.woff2").getBestCmap()
    assert {0xF0C9, 0xF002, 0xF019} <= set(solid)  # bars, magnifying-glass, download: used in the header
    assert len(solid) < 60


def test_site_root_forwards_to_the_first_page_as_a_complete_document(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text and "<title>" in text
    assert 'url=book/index.html' in text and '<a href="book/index.html">' in text
    assert '<link rel="icon" href="data:,">' in text  # no favicon request that the redirect would cut off


def test_every_article_has_one_h1_and_skips_no_heading_level(site):
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        if "<article" not in text:
            continue
        article = text[text.index("<article"):text.index("</article>")]
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", article)]
        assert levels.count(1) == 1 and levels[0] == 1, (page.name, levels[:5])
        skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert skips == [], (page.name, skips)


def test_every_image_has_alt_text_and_every_chart_states_its_finding(site):
    charts = 0
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", text):
            assert re.search(r'\salt="[^"]+"', tag), (page.name, tag)
        for label in re.findall(r'<div class="ppp-plotly"[^>]*aria-label="([^"]*)"', text):
            charts += 1
            title, _, finding = label.partition(". ")
            assert title and len(finding) >= 30, (page.name, label)
    assert charts >= 20


def test_every_page_holds_up_its_first_paint_for_one_stylesheet(site):
    """The pages' ten render-blocking stylesheets are one file per edition (postprocess.StyleBundle),
    holding every rule of each part in order, every url() in it leading to a file."""
    from ppp_atlas import postprocess

    pages = 0
    for page in _html_pages(site):
        if page.relative_to(site).as_posix() in {f"{root}index.html" for root in EDITION_ROOTS}:
            continue  # an edition's root only forwards to its first page
        tags = postprocess.parse(page.read_text(encoding="utf-8"))
        pages += 1
        blocking = [t.get("href") for t in tags if t.name == "link" and t.get("rel") == "stylesheet"
                    and (t.get("media") or "all") == "all"]
        assert len(blocking) == 1 and re.search(r"_static/styles/ppp-site\.css\?v=[0-9a-f]{8}$", blocking[0]), (page, blocking)
        assert (page.parent / blocking[0].split("?")[0]).is_file(), page
    assert pages >= 60
    for root in EDITION_ROOTS:
        bundle = site / root / "_static" / postprocess.StyleBundle.NAME
        css = bundle.read_text(encoding="utf-8")
        assert "@import" not in css
        assert 'html[data-theme="dark"] .highlight' in css  # the theme's own pygments.css, not Sphinx's first one
        order = [css.find(rule) for rule in (".headerlink", ".bd-header", ".ppp-chart-box", ".ppp-weights-row")]
        assert -1 not in order and order == sorted(order), (root, order)  # Sphinx's basic, the theme, the book's own
        for url in re.findall(r'url\("?([^")]+)"?\)', css):
            if not url.startswith(("data:", "#")):
                assert (bundle.parent / url.split("?")[0].split("#")[0]).is_file(), (root, url)


def test_the_theme_s_own_icons_survive_the_font_subset(site):
    """Admonition, version-note and link icons come from the theme's CSS (``--pst-icon-*``), not
    from class names in the pages: the cut-down webfonts still hold every one of them."""
    from fontTools.ttLib import TTFont

    from ppp_atlas import postprocess

    wanted = postprocess.theme_icon_codepoints(
        (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8"))
    assert len(wanted) >= 10
    fonts = site / "_static" / "vendor" / "fontawesome" / "webfonts"
    held = set()
    for font in fonts.glob("*.woff2"):
        held |= set(TTFont(font).getBestCmap())
    assert wanted <= held, sorted(hex(c) for c in wanted - held)


def test_code_keeps_its_colours_with_fewer_elements(site):
    """Highlighted code loses only the spans drawn in the text's own colour in both themes."""
    import html as html_module
    import json

    from ppp_atlas import postprocess

    css = ('html[data-theme="light"] .highlight { color: #080808 } html[data-theme="light"] .highlight .n { color: #080808 }'
           ' html[data-theme="light"] .highlight .k { color: #6730C5 } html[data-theme="dark"] .highlight { color: #F8F8F2 }'
           ' html[data-theme="dark"] .highlight .n { color: #f8f8f2 } html[data-theme="dark"] .highlight .k { color: #F8F8F2 }'
           ' .highlight .b { font-weight: bold } html[data-theme="light"] .highlight .b { color: #080808 }'
           ' html[data-theme="dark"] .highlight .b { color: #F8F8F2 }')
    assert postprocess.plain_token_classes(css) == {"n"}  # k is coloured in light mode, b is bold
    plain = postprocess.plain_token_classes((site / "_static" / "pygments.css").read_text(encoding="utf-8"))
    assert {"n", "p"} <= plain and "k" not in plain and "s2" not in plain
    page = (site / "notebooks" / "design-matrix.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="highlight"><pre>(.*?)</pre>', page, re.S)
    assert blocks and not any(re.search(rf'<span class="({"|".join(plain)})">', b) for b in blocks)
    assert '<span class="kn">import</span>' in blocks[0]  # keywords keep their colour
    cells = [c for c in json.loads((site.parent.parent / "notebooks" / "design-matrix.ipynb").read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", blocks[0])).strip()
    assert shown == "".join(cells[0]["source"]).strip()  # the code reads exactly as the notebook holds it


def test_one_release_date_everywhere(site):
    """The footer's copyright year and "last updated" date, the cite box and the books' PDFs all
    give the release of CITATION.cff (issue: the footer said 2025, the citations 2026)."""
    from babel.dates import format_date
    import pdfs

    meta = config.book_metadata()
    released = datetime.date.fromisoformat(meta["date"])
    words = {"en": format_date(released, "d MMMM y", locale="en"), "ru": format_date(released, "d MMMM y", locale="ru")}
    for lang in editions.LANGUAGES:
        page = (site / config.site_prefix(lang) / "book" / "germany.html").read_text(encoding="utf-8")
        copyright_line = re.search(r'<p class="copyright">(.*?)</p>', page, re.S).group(1)
        updated = re.sub(r"<[^>]+>", "", re.search(r'<p class="last-updated">(.*?)</p>', page, re.S).group(1))
        assert str(released.year) in copyright_line and "2025" not in copyright_line, (lang, copyright_line)
        assert str(released.year) in updated, (lang, updated)
        if lang in words:
            assert words[lang] in updated, (lang, updated, words[lang])
        assert f'content="{released.isoformat()}' in page or str(released.year) in re.search(
            r'name="docbuild:last-update" content="([^"]*)"', page).group(1), lang
        cite = re.search(r'data-copy="([^"]*)"', page).group(1)
        assert meta["version"] in cite and str(released.year) in cite, (lang, cite)
        book = site / config.site_prefix(lang) / "pdf" / f"ppp-atlas-{lang}.pdf"
        if book.exists():
            front = pdfs.page_text(book, 0)
            assert meta["version"] in front and str(released.year) in front and "2025" not in front, (lang, front[:300])
