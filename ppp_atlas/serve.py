"""`make serve`: the built site on loopback, compressed as its host serves it.

GitHub Pages sends HTML, CSS, JavaScript, JSON and SVG gzip-compressed to a browser that
accepts it; a plain ``python -m http.server`` does not, and a page then looks three to five
times heavier and slower than readers see it. :class:`GzipHandler` compresses those files
(each once, kept until it changes); the browser tests and ``make bench`` use it too::

    python -m ppp_atlas.serve [--port 8000] [--directory _build/html]
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
from pathlib import Path

from . import paths
from .pdf.loopback import LoopbackServer, QuietHandler

SITE = paths.ROOT / "_build" / "html"


@functools.lru_cache(maxsize=512)
def _compressed(path: str, mtime_ns: int, size: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class GzipHandler(QuietHandler):
    """Compresses text files as static hosts such as GitHub Pages do."""
    TEXT = (".html", ".css", ".js", ".json", ".svg", ".txt", ".csv", ".bib", ".xml", ".map")
    MAX_AGE = 600

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().do_GET()  # the standard redirect to the folder's address with a slash
            path = path / "index.html"
        if not (path.suffix in self.TEXT and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        stat = path.stat()
        body = _compressed(str(path), stat.st_mtime_ns, stat.st_size)
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if etag in self.headers.get("If-None-Match", ""):  # as GitHub Pages: the copy the browser has is current
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", f"max-age={self.MAX_AGE}")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", f"max-age={self.MAX_AGE}")  # GitHub Pages: ten minutes
        self.end_headers()
        self.wfile.write(body)


class Server(LoopbackServer):
    """``directory`` on loopback (``port`` 0: any free port), gzip-compressed or not."""

    def __init__(self, directory: Path = SITE, compress: bool = True, port: int = 0):
        handler = GzipHandler if compress else QuietHandler
        # LoopbackServer's own constructor always takes a free port; `make serve` asks for a known one
        http.server.ThreadingHTTPServer.__init__(self, ("127.0.0.1", port),
                                                 functools.partial(handler, directory=str(directory)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", type=Path, default=SITE)
    parser.add_argument("--no-gzip", action="store_true", help="serve files as they are, uncompressed")
    args = parser.parse_args(argv)
    if not (args.directory / "index.html").exists():
        parser.error(f"no built site in {args.directory}: run `make book` first")
    with Server(args.directory, compress=not args.no_gzip, port=args.port) as base:
        print(f"Serving {args.directory} on {base}/ ({'uncompressed' if args.no_gzip else 'gzip, as GitHub Pages'});"
              " Ctrl-C stops", flush=True)
        try:
            import threading

            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
