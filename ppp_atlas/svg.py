"""Static SVG drawings of the charts, made at build time with kaleido and cached on disk.

Kaleido 1.x drives a Chromium (Debian's is found automatically, or set ``BROWSER_PATH``)
with plotly.py's own plotly.js (the same version as the site's bundle). MathJax is off and
the world topojson is the site's local copy, so drawing makes no network request.

Each drawing is cached in ``_build/svg-cache/<sha256>.svg``, keyed by the figure JSON and
its size, so a rebuild with no change starts no browser at all; the drawings a build needs
are made in one batch (one browser start for all of them).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path

from . import paths

#: ``PPP_SVG_CACHE`` points a build at another cache (the reproducibility test draws from nothing)
CACHE = Path(os.environ.get("PPP_SVG_CACHE") or paths.ROOT / "_build" / "svg-cache")
TOPOJSON_DIR = paths.ROOT / "_build" / "vendor"  # world_110m.json, copied from node_modules by `make assets`
INK = "#222222"  # text colour of the drawings; the site's CSS turns it light in dark mode
#: Bumped when a drawing made from the same figure would come out different (the cache key holds it)
DRAWING = 2  # 2: traces carry a uid derived from the figure (plotly.js otherwise draws a random one)


def key(figure: dict, width: int, height: int) -> str:
    blob = json.dumps({"figure": figure, "width": width, "height": height, "drawing": DRAWING},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def cached(figure: dict, width: int, height: int) -> str | None:
    path = CACHE / f"{key(figure, width, height)}.svg"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _for_drawing(figure: dict) -> dict:
    figure = json.loads(json.dumps(figure))
    figure.pop("config", None)
    layout = figure.setdefault("layout", {})
    layout["font"] = {**layout.get("font", {}), "color": INK}
    # plotly.js names each trace's group after the trace's uid (``class="trace scatter trace95354b"``)
    # and makes one up at random when the figure has none: derive it from the figure and the trace's place
    digest = hashlib.sha256(json.dumps(figure, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    for number, trace in enumerate(figure.get("data", [])):
        trace.setdefault("uid", hashlib.sha256(f"{digest}:{number}".encode()).hexdigest()[:6])
    return figure


def draw(jobs: list[tuple[dict, int, int]]) -> list[str]:
    """SVG markup for each (figure, width, height), from the cache or drawn in one batch."""
    results: list[str | None] = [cached(*job) for job in jobs]
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        drawn = _run(lambda: _draw_all([jobs[i] for i in missing]))
        CACHE.mkdir(parents=True, exist_ok=True)
        for i, svg in zip(missing, drawn):
            path = CACHE / f"{key(*jobs[i])}.svg"
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(svg, encoding="utf-8")
            tmp.replace(path)
            results[i] = svg
    return results  # type: ignore[return-value]


def _run(make_coroutine):
    """Run a coroutine to the end, also from code that already runs an event loop (Playwright's
    sync API in the tests does): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


async def _draw_all(jobs):
    import kaleido
    import plotly.io as pio

    pio.defaults.mathjax = False
    if not os.environ.get("BROWSER_PATH") and Path("/usr/bin/chromium").exists():
        os.environ["BROWSER_PATH"] = "/usr/bin/chromium"
    topojson = (TOPOJSON_DIR.as_uri() + "/") if (TOPOJSON_DIR / "world_110m.json").exists() else None
    out = []
    async with kaleido.Kaleido(n=1, mathjax=False) as k:
        for figure, width, height in jobs:
            data = await k.calc_fig(_for_drawing(figure), opts={"format": "svg", "width": width, "height": height},
                                    topojson=topojson)
            out.append(data.decode("utf-8"))
    return out
