"""`make linkcheck`: check the external links of the built site (needs the network; not part of `make test`).

    python benchmarks/linkcheck.py [SITE]        # SITE defaults to _build/html

Collects every unique http(s) URL in an href, src or srcset of the site's pages (the #fragment dropped),
asks each host for it (HEAD, then GET when HEAD gets 403, 405 or 501; redirects followed; a browser's
User-Agent; 15 s timeout; 8 at a time) and prints the counts of ok / redirected / blocked / broken /
unreachable links, then one line per link that is not plainly ok, with its status and the first page
that uses it. "Blocked" is a 403 or 429: the host turns robots away, which says nothing about the link.

Exit status: 1 when some link is broken (any other 4xx or 5xx), else 0. Without a network the check
prints "linkcheck: offline — N external links not checked" and exits 0, so CI without a network passes.
"""
from __future__ import annotations

import http.client
import queue
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urldefrag
from urllib.request import Request, getproxies, urlopen

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15
WORKERS = 8
PROBE_HOSTS = ("www.wikipedia.org", "www.google.com", "github.com")
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en;q=0.9, *;q=0.5",
}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name not in ("href", "src", "srcset") or not value:
                continue
            for url in [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value.strip()]:
                url = "https:" + url if url.startswith("//") else url
                if url.lower().startswith(("http://", "https://")):
                    self.urls.append(urldefrag(url).url)


def external_links(site: Path) -> dict[str, list[str]]:
    """Every external URL of the site → the pages that use it, in order."""
    used: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("_"):
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for url in dict.fromkeys(parser.urls):
            used.setdefault(url, []).append(rel)
    return used


def online(timeout: float = 5.0) -> bool:
    """Whether any well-known host answers on port 443 (True when a proxy is set: the checks will tell)."""
    if getproxies():
        return True
    answers: queue.Queue[bool] = queue.Queue()

    def probe(host):
        try:
            socket.create_connection((host, 443), timeout=timeout).close()
            answers.put(True)
        except OSError:
            answers.put(False)

    for host in PROBE_HOSTS:  # daemon threads: a resolver that hangs cannot keep us waiting
        threading.Thread(target=probe, args=(host,), daemon=True).start()
    try:
        return any(answers.get(timeout=timeout + 1) for _ in PROBE_HOSTS)
    except queue.Empty:
        return False


def check(url: str) -> tuple[str, str]:
    """(ok | redirected | blocked | broken | unreachable, detail) for one URL."""
    for method in ("HEAD", "GET"):
        try:
            with urlopen(Request(url, method=method, headers=HEADERS), timeout=TIMEOUT) as response:
                final = response.geturl()
                return ("ok", str(response.status)) if final == url else ("redirected", f"{response.status} → {final}")
        except HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return ("blocked" if error.code in (403, 429) else "broken"), f"{error.code} {error.reason}"
        except (URLError, OSError, http.client.HTTPException, ValueError) as error:
            return "unreachable", str(getattr(error, "reason", error))
    raise AssertionError("unreachable code")


def main(site: Path) -> int:
    if not (site / "index.html").exists():
        print(f"linkcheck: no built site in {site}: run `make book` first", file=sys.stderr)
        return 2
    used = external_links(site)
    if not online():
        print(f"linkcheck: offline — {len(used)} external links not checked")
        return 0
    with ThreadPoolExecutor(WORKERS) as pool:
        results = dict(zip(used, pool.map(check, used)))
    kinds = ("ok", "redirected", "blocked", "broken", "unreachable")
    if used and all(kind == "unreachable" for kind, _ in results.values()):
        print(f"linkcheck: offline — {len(used)} external links not checked (no host answered)")
        return 0
    counts = {k: sum(kind == k for kind, _ in results.values()) for k in kinds}
    print(f"linkcheck: {len(used)} external links used on {len({p for ps in used.values() for p in ps})} pages — "
          + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for kind in kinds[1:]:
        for url, (k, detail) in sorted(results.items()):
            if k == kind:
                more = f" (+{len(used[url]) - 1} more)" if len(used[url]) > 1 else ""
                print(f"  {kind:<11} {url}  [{detail}]  on {used[url][0]}{more}")
    return 1 if counts["broken"] else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"))
