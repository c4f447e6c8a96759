"""`make bench`: build times and page weights, printed as a table against the targets.

* clean build: `python -m ppp_atlas.build --clean`, as on a fresh clone (every notebook executed,
  every chart drawn, every page printed);
* no-change rebuild: the same command again, nothing changed; ratio = rebuild / clean;
* first view of each page, read top to bottom: its HTML plus every same-origin asset
  Chromium loads while the page is scrolled through with every chart in view (charts are
  static drawings in the page; plotly.js loads only when a reader asks for an interactive chart), gzip bytes;
* repeat view: what the page adds once the assets that other pages share are cached
  (its HTML plus the assets no other page loads), gzip bytes;
* using every chart: the first view plus what pressing every chart's "Interactive chart" button
  loads (plotly.js, the charts' figures, the map's topojson), gzip bytes, for information;
* a reader on a phone on slow mobile data (benchmarks/slow_network.py): per edition, the first
  paint of its heaviest page and of its slowest, and the time from pressing the button of its
  heaviest chart to the chart drawn, on Slow 4G at 360 px, against the targets (1.5 s, 3 s).
Every edition under _build/html (uz/, ru/ ...) is measured; the heaviest page is named.
* the test time: `make test`'s two steps (tests, then notebooks; the site already built) as a ratio
  to the clean build, wall and CPU seconds, read from the last `make test` run's record
  (`_build/test-timings.json`, written by benchmarks/timed.py, with when and at which commit it was
  measured); `--run-tests` times them now instead.
`--no-build` measures the site as it is (the ratio then takes the last clean build this script measured).
Lighthouse scores are printed too when `npx lighthouse` is available (see issue 8).
"""
from __future__ import annotations

import gzip
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402

TARGETS = {"first_view": 350_000, "repeat_view": 80_000, "ratio": 0.15}


def timed_build(*flags: str) -> tuple[float, float]:
    """Seconds of ``python -m ppp_atlas.build`` with ``flags``, and of its PDF step (from its last line)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ppp_atlas.build", *flags], cwd=ROOT, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seconds = time.perf_counter() - started
    found = re.search(r"PDFs ([0-9.]+) s\)", done.stdout)
    return seconds, float(found.group(1)) if found else float("nan")


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def page_assets(chromium, base: str, page_path: str, use_charts: bool = False) -> list[str]:
    """Same-origin paths Chromium requests to show ``page_path`` (the page itself first), read
    top to bottom with every chart scrolled into view (and, with ``use_charts``, made interactive)."""
    page = chromium.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(urlparse(r.url).path) if urlparse(r.url).netloc == urlparse(base).netloc else None)
    page.goto(f"{base}/{page_path}", wait_until="load")
    if 'http-equiv="refresh"' in (browser.SITE / page_path).read_text(encoding="utf-8"):
        page.wait_for_load_state("load")  # the root page leads on to the landing page: nothing to scroll
    elif use_charts:
        browser.draw_all_charts(page)
    else:
        for chart in page.locator("figure.ppp-chart").all():
            chart.scroll_into_view_if_needed()
            browser.wait_for_shown_drawing(chart, 3000)  # a large drawing loads when near the screen
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(300)
    page.close()
    return list(dict.fromkeys(seen))


BUILD_RECORD = ROOT / "_build" / "bench-timings.json"  # the last clean build this script measured
TEST_RECORD = ROOT / "_build" / "test-timings.json"  # the last `make test` (benchmarks/timed.py)
TEST_STEPS = {"tests": ["-m", "pytest", "-n", "2", "--durations=60", "tests"], "notebooks": ["-m", "pytest", "notebooks"]}


def test_time(clean: float, run: bool = False) -> None:
    """`make test`'s time (its two pytest steps, the site already built) as a ratio to the clean
    build: read from the last `make test` run's record, or measured now with ``--run-tests``."""
    if run:
        for step, args in TEST_STEPS.items():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "timed.py"), step, "--", sys.executable, *args], cwd=ROOT)
    if math.isnan(clean) and BUILD_RECORD.exists():
        last = json.loads(BUILD_RECORD.read_text(encoding="utf-8"))
        clean = last["clean_s"]
        print(f"\nclean build: {clean:.1f} s, measured {last['ended']} at {last['commit']} (--no-build: not measured now)")
    if math.isnan(clean):
        print("\nclean build: not measured yet (run `make bench` without --no-build): no ratio")
    if not TEST_RECORD.exists():
        print("\ntest time: not measured yet (run `make test`, or `make bench BENCH_FLAGS=--run-tests`)")
        return
    record = json.loads(TEST_RECORD.read_text(encoding="utf-8"))
    steps = [record[s] for s in TEST_STEPS if s in record]
    wall, cpu = sum(s["wall_s"] for s in steps), sum(s["cpu_s"] for s in steps)
    print(f"\n{'make test, site built (tests + notebooks)':<44}{'wall s':>10}{'CPU s':>10}{'/ clean build':>15}  measured")
    for name in TEST_STEPS:
        if name in record:
            s = record[name]
            print(f"{'  ' + name:<44}{s['wall_s']:>10.0f}{s['cpu_s']:>10.0f}{s['wall_s'] / clean:>15.2f}  "
                  f"{s['ended']} at {s['commit']} (exit {s['status']}, load {s['load_average'][0]})")
    print(f"{'  together':<44}{wall:>10.0f}{cpu:>10.0f}{wall / clean:>15.2f}")
    if len(steps) < len(TEST_STEPS):
        print("  (a step has no record yet: the ratio is of the steps recorded)")


def main() -> int:
    build = "--no-build" not in sys.argv
    clean, clean_pdfs = timed_build("--clean") if build else (float("nan"), float("nan"))
    if build:
        BUILD_RECORD.write_text(json.dumps({"clean_s": round(clean, 1), "commit": _commit(),
                                            "ended": time.strftime("%Y-%m-%dT%H:%M:%S%z")}) + "\n", encoding="utf-8")
    rebuild = timed_build()[0] if build else float("nan")
    ratio = rebuild / clean
    from playwright.sync_api import sync_playwright

    with browser.serve() as base, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        loads = {page: page_assets(chromium, base, page) for page in browser.pages()}
        used = {page: page_assets(chromium, base, page, use_charts=True) for page in browser.pages()
                if 'class="ppp-chart"' in (browser.SITE / page).read_text(encoding="utf-8")}
        chromium.close()
    usage = Counter(asset for assets in loads.values() for asset in set(assets[1:]))
    size = {}
    rows = []
    for assets in [*loads.values(), *used.values()]:  # every asset's size first: a row sums both
        for asset in assets:
            local = browser.SITE / asset.lstrip("/")
            if local.is_dir():
                local = local / "index.html"
            size.setdefault(asset, gz(local) if local.exists() else 0)
    for page, assets in [*loads.items(), *used.items()]:
        first = sum(size[a] for a in assets)
        repeat = size[assets[0]] + sum(size[a] for a in assets[1:] if usage[a] == 1)
        if page in loads and assets is loads[page]:
            rows.append((page, len(assets), first, repeat, sum(size[a] for a in used.get(page, assets))))
    print(f"\n{'measure':<44}{'value':>14}{'target':>14}  ok")
    print(f"{'clean build (s)':<44}{clean:>14.1f}")
    print(f"{'no-change rebuild (s)':<44}{rebuild:>14.1f}")
    if build:
        print(f"{'rebuild / clean':<44}{ratio:>14.3f}{TARGETS['ratio']:>14}  {'yes' if ratio <= TARGETS['ratio'] else 'NO'}")
    test_time(clean, run="--run-tests" in sys.argv)
    print(f"\n{'page':<44}{'requests':>9}{'first view B':>14}{'repeat view B':>15}{'using every chart B':>21}")
    for page, count, first, repeat, using in sorted(rows, key=lambda r: -r[2]):
        print(f"{page:<44}{count:>9}{first:>14,}{repeat:>15,}{using:>21,}")
    heaviest_first = max(r[2] for r in rows)
    heaviest_repeat = max(r[3] for r in rows)
    print(f"\nheaviest page read top to bottom: {max(rows, key=lambda r: r[2])[0]}")
    print(f"heaviest repeat view: {max(rows, key=lambda r: r[3])[0]}")
    print(f"{'heaviest first view (gzip B)':<44}{heaviest_first:>14,}{TARGETS['first_view']:>14,}  {'yes' if heaviest_first <= TARGETS['first_view'] else 'NO'}")
    print(f"{'heaviest repeat view (gzip B)':<44}{heaviest_repeat:>14,}{TARGETS['repeat_view']:>14,}  {'yes' if heaviest_repeat <= TARGETS['repeat_view'] else 'NO'}")
    import slow_network  # this folder is on the path: the script's own

    slow_network.main([])
    pdf_bench(clean, clean_pdfs)
    lighthouse = ROOT / "benchmarks" / "lighthouse.py"
    if lighthouse.exists():
        heaviest = max(rows, key=lambda r: r[2])[0]
        subprocess.run([sys.executable, str(lighthouse), "book/index.html", heaviest], cwd=ROOT)
    return 0


PDF_TARGETS = {"share": 0.30, "book_bytes": 15_000_000}


def pdf_bench(clean: float, clean_pdfs: float) -> None:
    """The PDF editions (issue 16): the PDF step of the clean build above (every page printed, as
    on a fresh clone) against the rest of that build, the step with nothing changed, and the size
    of every PDF."""
    sys.path.insert(0, str(ROOT))
    from ppp_atlas import config, editions, pdf

    if pdf.available():
        print(f"\nPDFs: not measured ({pdf.available()})")
        return
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ppp_atlas.pdf"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    unchanged = time.perf_counter() - started
    print(f"\n{'PDF step, nothing changed (s)':<44}{unchanged:>14.1f}")
    if not math.isnan(clean_pdfs):  # a clean build was measured (no --no-build)
        share = clean_pdfs / max(clean - clean_pdfs, 1e-9)
        print(f"{'PDF step of the clean build, every page (s)':<44}{clean_pdfs:>14.1f}")
        print(f"{'rest of the clean build (s)':<44}{clean - clean_pdfs:>14.1f}")
        print(f"{'PDF step / rest of a clean build':<44}{share:>14.3f}{PDF_TARGETS['share']:>14}  "
              f"{'yes' if share <= PDF_TARGETS['share'] else 'NO'}")
    print(f"\n{'PDF':<44}{'pages':>9}{'bytes':>14}")
    from pypdf import PdfReader

    for lang in editions.LANGUAGES:
        folder = browser.SITE / config.site_prefix(lang) / pdf.PDF_DIR
        whole = folder / pdf.book_file(lang)
        size = whole.stat().st_size
        ok = "yes" if size <= PDF_TARGETS["book_bytes"] else "NO"
        print(f"{str(whole.relative_to(browser.SITE)):<44}{len(PdfReader(whole).pages):>9}{size:>14,}"
              f"{PDF_TARGETS['book_bytes']:>14,}  {ok}")
        chapters = [folder / pdf.chapter_file(doc) for doc in config.toc_order()]
        print(f"{'  + ' + str(len(chapters)) + ' chapter PDFs':<44}{sum(len(PdfReader(c).pages) for c in chapters):>9}"
              f"{sum(c.stat().st_size for c in chapters):>14,}")


if __name__ == "__main__":
    sys.exit(main())
