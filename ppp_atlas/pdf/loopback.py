"""A folder served on loopback while a ``with`` block runs: the PDF step prints the site from it,
the teaching PDFs too, and ``make serve`` and the browser tests (``tests/browser.py``) build on it."""
from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder's files without a log line per request."""

    def log_message(self, *args):
        pass


class LoopbackServer(http.server.ThreadingHTTPServer):
    """``directory`` served on loopback from a thread of its own while the ``with`` block runs,
    which is given the base URL (the printing, and the browser tests, use it). Says nothing when
    a browser drops a connection: a tab that moved on mid-download."""

    def __init__(self, directory: Path, handler: type = QuietHandler):
        super().__init__(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __enter__(self) -> str:
        import threading

        threading.Thread(target=self.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
