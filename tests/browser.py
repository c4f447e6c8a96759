"""Shared helpers for the browser tests: serve _build/html on loopback, drive Debian's Chromium."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
from ppp_atlas import chromium as _chromium  # noqa: E402

try:  # PPP_CHROMIUM or a known path; see ppp_atlas/chromium.py
    CHROMIUM = _chromium.executable()
except FileNotFoundError:
    CHROMIUM = _chromium.KNOWN[0]
CHROMIUM_ARGS = _chromium.ARGS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _GzipHandler(_QuietHandler):
    """Compresses text files as static hosts such as GitHub Pages do (for Lighthouse)."""
    TEXT = (".html", ".css", ".js", ".json", ".svg", ".txt", ".csv", ".bib")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in self.TEXT and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(directory: Path = SITE, compress: bool = False):
    handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def pages(site: Path = SITE) -> list[str]:
    """Every content page of the built site, in every edition, as paths relative to its root."""
    skip = {"genindex.html", "search.html"}
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.name not in skip and not any(part.startswith("_") for part in p.relative_to(site).parts))


def visit(page, url: str, settle_ms: int = 300) -> dict:
    """Load ``url``; return console errors, failed requests and requests to other hosts."""
    origin = urlparse(url).netloc
    errors, failed, foreign = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != origin else None)
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(settle_ms)
    status = response.status if response else None
    return {"status": status, "errors": errors, "failed": failed, "foreign": foreign}


def draw_all_charts(page, timeout_ms: int = 20000) -> int:
    """Scroll to each chart in turn (charts are drawn only when about to be seen) and wait
    until it is drawn; return how many charts the page has."""
    charts = page.locator("div.ppp-plotly")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for(state="attached", timeout=timeout_ms)
    return count
