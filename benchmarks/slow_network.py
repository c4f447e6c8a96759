"""`make bench` (slow networks, issue 24 item 6): a reader on a phone on slow mobile data.

Every page of every edition is loaded with an empty cache in Chromium at 360 x 740 (a phone's
screen, touch), over Lighthouse's "Slow 4G" (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up,
emulated through the DevTools protocol, Network.emulateNetworkConditions), from a server that
compresses as GitHub Pages does (ppp_atlas/serve.py). Printed per edition, against the targets:

* first paint: the first contentful paint of the edition's heaviest page (the most bytes on its
  first view) and the slowest of its pages (target: at most 1.5 s on every page; the slowest three
  and the heaviest are loaded three times and given their median);
* interactive chart: on the page with the edition's heaviest chart figure, the time from
  pressing that chart's "Interactive chart" button to plotly's chart drawn in place of the
  static drawing (target: at most 3 s after the request), with an empty cache (plotly.js
  fetched too) and, for information, the same once plotly.js is in the cache; the same for
  the heaviest map (the larger bundle and the world's outlines); each the median of three;
* the bytes (on the wire, gzip) that pressing the button fetched, and those that scrolling through
  that page with a finger landing on every chart's drawing fetches (target: none).

``--cpu 4`` adds Lighthouse's 4x CPU slowdown (Emulation.setCPUThrottlingRate); off by default
(the machine's own CPU is shared). ``--site DIR`` measures another built site (e.g. a copy built
before a change). A site whose charts have no button (before issue 24) is asked for its
interactive chart the way it then was: a pointer entering the chart.

    python benchmarks/slow_network.py [--cpu 4] [--site _build/html] [--pages N]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
import browser  # noqa: E402

from ppp_atlas import editions  # noqa: E402

#: Lighthouse's mobile "Slow 4G" (lighthouse-core/config/constants.js: throttling.mobileSlow4G),
#: throughput in Kbit/s of 1024 bits.
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8,
           "uploadThroughput": 750 * 1024 / 8, "connectionType": "cellular4g"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TARGETS = {"first_paint_s": 1.5, "interactive_s": 3.0}

FIRST_PAINT_JS = """() => new Promise(done => {
  const found = () => performance.getEntriesByName("first-contentful-paint")[0];
  if (found()) { done(found().startTime); return; }
  new PerformanceObserver(list => { const e = found(); if (e) done(e.startTime); })
    .observe({type: "paint", buffered: true});
})"""

#: Presses the chart's button (or, on a site from before the button, points at the chart as a
#: reader then did) and resolves with the ms until the interactive chart replaced the drawing.
ASK_FOR_CHART_JS = """(id) => new Promise(done => {
  const figure = document.getElementById(id);
  const box = figure.querySelector(".ppp-chart-box");
  const button = figure.querySelector("button.ppp-chart-open");
  const started = performance.now();
  const check = () => box.classList.contains("ppp-live") && figure.querySelector(".plot-container .main-svg");
  new MutationObserver((changes, observer) => {
    if (check()) { observer.disconnect(); done(performance.now() - started); }
  }).observe(box, {attributes: true, attributeFilter: ["class"], subtree: false});
  if (button) { button.click(); }
  else { box.dispatchEvent(new PointerEvent("pointerenter", {bubbles: false})); }
})"""


def throttled_page(context, cpu: float):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    if cpu > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    return page, cdp


def first_paint(chromium, base: str, path: str, cpu: float) -> float:
    """Seconds to the first contentful paint of ``path``, empty cache."""
    context = chromium.new_context(**PHONE)
    try:
        page, _ = throttled_page(context, cpu)
        page.goto(f"{base}/{path}", wait_until="commit")
        return page.evaluate(FIRST_PAINT_JS) / 1000
    finally:
        context.close()


def interactive_chart(chromium, base: str, path: str, anchor: str, cpu: float, runs: int = 3) -> tuple[float, float, int]:
    """Seconds from asking for chart ``anchor`` on ``path`` to its interactive chart drawn, the median
    of ``runs`` browsers: with an empty cache, and again in the same browser (plotly.js cached);
    bytes fetched the first time."""
    timed = [_interactive_chart(chromium, base, path, anchor, cpu) for _ in range(runs)]
    return (statistics.median(t[0] for t in timed), statistics.median(t[1] for t in timed),
            int(statistics.median(t[2] for t in timed)))


def _interactive_chart(chromium, base: str, path: str, anchor: str, cpu: float) -> tuple[float, float, int]:
    context = chromium.new_context(**PHONE)
    try:
        times = []
        fetched = 0
        for attempt in range(2):
            page, cdp = throttled_page(context, cpu)
            sizes: dict[str, float] = {}
            cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            page.goto(f"{base}/{path}", wait_until="load")
            page.locator(f"#{anchor}").scroll_into_view_if_needed()
            before = sum(sizes.values())
            times.append(page.evaluate(ASK_FOR_CHART_JS, anchor) / 1000)
            page.wait_for_load_state("networkidle")
            if attempt == 0:
                fetched = int(sum(sizes.values()) - before)
            page.close()
        return times[0], times[1], fetched
    finally:
        context.close()


#: What an interactive chart needs: plotly.js, a chart's figure, a map's outlines.
INTERACTIVE = re.compile(r"/_static/vendor/(plotly-ppp[^/]*\.js|world_110m\.json)|/_static/charts/[^/]+\.json")


def touched_bytes(chromium, base: str, path: str, cpu: float) -> int:
    """Bytes (on the wire) of plotly.js, figures and outlines fetched while a reader scrolls through
    ``path`` and a finger lands on every chart's drawing, as at the start of a swipe (target: none;
    the drawings' own images, loaded as they come near, are not counted)."""
    context = chromium.new_context(**PHONE)
    try:
        page, cdp = throttled_page(context, cpu)
        urls: dict[str, str] = {}
        sizes: dict[str, float] = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(f"{base}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        for figure in page.locator("figure.ppp-chart").all():
            figure.locator(".ppp-chart-box").evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the header
            box = figure.locator(".ppp-chart-box").bounding_box()
            middle = min(box["y"] + box["height"] / 2, page.viewport_size["height"] / 2)
            page.touchscreen.tap(box["x"] + box["width"] / 2, middle)
        # whatever the touches asked for, drawn (a site from before the button drew a chart on a touch)
        page.wait_for_function("""() => document.querySelectorAll(".ppp-chart-box.ppp-live").length
                                        >= document.querySelectorAll("[data-ppp-requested]").length""", timeout=120000)
        return int(sum(size for rid, size in sizes.items() if INTERACTIVE.search(urls.get(rid, ""))))
    finally:
        context.close()


def edition_of(path: str) -> str:
    first = path.split("/", 1)[0]
    return first if first in editions.LANGUAGES and first != "en" else "en"


def heaviest_chart(site: Path, pages: list[str], only: str | None = None, maps: bool = False) -> tuple[str, str, int]:
    """(page, chart anchor, figure bytes gzip) of the chart with the heaviest figure among ``pages``
    (or of the chart ``only``; with ``maps``, among the maps, which need the larger plotly bundle)."""
    import gzip

    best = ("", "", -1)
    for path in pages:
        text = (site / path).read_text(encoding="utf-8")
        found = re.findall(r'<figure class="ppp-chart" id="([^"]+)"((?:(?!<figure ).)*?)data-src="([^"]+)"([^>]*)>', text, re.S)
        for anchor, _, src, rest in found:
            local = (site / path).parent / src
            size = len(gzip.compress(local.read_bytes(), 6)) if local.is_file() else 0
            if (only is None or anchor == only) and (not maps or "data-ppp-geo" in rest) and size > best[2]:
                best = (path, anchor, size)
    return best


def first_view_bytes(site: Path, path: str) -> int:
    """A quick weight of a page's first view (its HTML and the same-origin CSS, JS and inline
    drawings it names), gzip: enough to pick the heaviest page of an edition."""
    import gzip

    html = (site / path).read_text(encoding="utf-8")
    total = len(gzip.compress(html.encode(), 6))
    for ref in set(re.findall(r'(?:src|href)="([^"#?]+\.(?:css|js))(?:\?[^"]*)?"', html)):
        local = ((site / path).parent / ref).resolve()
        if local.is_file() and not urlparse(ref).netloc:
            total += len(gzip.compress(local.read_bytes(), 6))
    return total


def measure(chromium, base: str, site: Path, cpu: float = 1, limit: int | None = None, chart: str | None = None) -> dict:
    """Per edition: {"heaviest", "heaviest_fp", "slowest", "slowest_fp", "chart_page", "chart", "chart_bytes",
    "interactive", "interactive_cached", "fetched"}."""
    results = {}
    every = [p for p in browser.pages(site) if 'http-equiv="refresh"' not in (site / p).read_text(encoding="utf-8")]
    for lang in editions.LANGUAGES:
        pages = [p for p in every if edition_of(p) == lang]
        heaviest = max(pages, key=lambda p: first_view_bytes(site, p))
        measured = pages if limit is None else sorted(pages, key=lambda p: -first_view_bytes(site, p))[:limit]
        paints = {p: first_paint(chromium, base, p, cpu) for p in measured}
        # a busy machine can delay one load: the slowest pages and the heaviest are loaded twice more
        # and given the median of their three loads
        again = sorted(paints, key=paints.get)[-3:] + ([heaviest] if heaviest in paints else [])
        for path in dict.fromkeys(again):
            paints[path] = statistics.median([paints[path], *(first_paint(chromium, base, path, cpu) for _ in range(2))])
        slowest = max(paints, key=paints.get)
        chart_page, anchor, chart_bytes = heaviest_chart(site, pages, chart)
        interactive, cached, fetched = interactive_chart(chromium, base, chart_page, anchor, cpu)
        results[lang] = {"heaviest": heaviest, "heaviest_fp": paints.get(heaviest, float("nan")), "slowest": slowest,
                         "slowest_fp": paints[slowest], "pages": len(paints), "chart_page": chart_page, "chart": anchor,
                         "chart_bytes": chart_bytes, "interactive": interactive, "interactive_cached": cached,
                         "fetched": fetched}
        results[lang]["touched"] = touched_bytes(chromium, base, chart_page, cpu)
        map_page, map_anchor, _ = heaviest_chart(site, pages, maps=True)
        if map_anchor and chart is None:
            results[lang]["map"] = map_anchor
            results[lang]["map_interactive"], _, results[lang]["map_fetched"] = interactive_chart(
                chromium, base, map_page, map_anchor, cpu)
    return results


def report(results: dict, cpu: float = 1) -> None:
    ok = lambda value, target: "yes" if value <= target else "NO"  # noqa: E731
    print(f"\nSlow 4G (150 ms, 1.6 Mbit/s down, 750 kbit/s up), 360 x 740 touch, gzip, empty cache"
          f"{f', CPU {cpu:g}x slower' if cpu > 1 else ''}")
    print(f"{'measure':<64}{'value':>10}{'target':>10}  ok")
    for lang, r in results.items():
        fp, target = TARGETS["first_paint_s"], TARGETS["interactive_s"]
        print(f"{lang}: first paint, heaviest page {r['heaviest']:<34}"[:64].ljust(64)
              + f"{r['heaviest_fp']:>9.2f}s{fp:>9.1f}s  {ok(r['heaviest_fp'], fp)}")
        print(f"{lang}: first paint, slowest of {r['pages']} pages ({r['slowest']})"[:64].ljust(64)
              + f"{r['slowest_fp']:>9.2f}s{fp:>9.1f}s  {ok(r['slowest_fp'], fp)}")
        print(f"{lang}: interactive chart after the request ({r['chart']})"[:64].ljust(64)
              + f"{r['interactive']:>9.2f}s{target:>9.1f}s  {ok(r['interactive'], target)}")
        print(f"{lang}:   same, plotly.js already cached"[:64].ljust(64) + f"{r['interactive_cached']:>9.2f}s")
        print(f"{lang}:   bytes fetched for it (on the wire; its figure {r['chart_bytes']:,} B gzip)"[:64].ljust(64)
              + f"{r['fetched']:>10,}")
        print(f"{lang}: plotly/figure bytes a finger on every chart of {r['chart_page']}"[:64].ljust(64)
              + f"{r['touched']:>10,}{0:>10}  {ok(r['touched'], 0)}")
        if "map" in r:
            print(f"{lang}: interactive map after the request ({r['map']})"[:64].ljust(64)
                  + f"{r['map_interactive']:>9.2f}s{target:>9.1f}s  {ok(r['map_interactive'], target)}")
            print(f"{lang}:   bytes fetched for it (map bundle, outlines, figure)"[:64].ljust(64) + f"{r['map_fetched']:>10,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", type=float, default=1, help="CPU slowdown (Lighthouse's mobile: 4)")
    parser.add_argument("--site", type=Path, default=browser.SITE)
    parser.add_argument("--pages", type=int, default=None, help="first paint of the N heaviest pages only")
    parser.add_argument("--chart", default=None, help="the chart (its anchor, e.g. chart-design-rank-sensitivity) "
                                                      "to ask for, instead of the heaviest")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from ppp_atlas import chromium as chosen

    with browser.serve(args.site, compress=True) as base, sync_playwright() as p:
        instance = chosen.launch(p)
        try:
            results = measure(instance, base, args.site, args.cpu, args.pages, args.chart)
        finally:
            instance.close()
    report(results, args.cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
