"""Lighthouse performance and accessibility scores for built pages, against the goals (both >= 95).

    python benchmarks/lighthouse.py [PAGE ...]      # paths relative to _build/html; default book/index.html

Each page is served from _build/html on loopback (tests/browser.py), gzip-compressed as static
hosts such as GitHub Pages serve it, and audited twice with
node_modules/.bin/lighthouse and Debian's Chromium (or $CHROME_PATH): mobile with simulated
throttling (Lighthouse's default) and `--preset=desktop`. Prints scores and key metrics, a goal line
per run, and for a score under 95 the top performance opportunities and the failing accessibility audits.

Nothing leaves the machine: Chromium resolves no host name but 127.0.0.1, Lighthouse's error
reporting is off, and any request to another host found in a report is printed.
Never fails the caller: if Lighthouse cannot run, prints "lighthouse: not run: <reason>" and exits 0.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ["--headless=new", *browser.CHROMIUM_ARGS, '--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"']
CHROME = os.environ.get("CHROME_PATH", browser.CHROMIUM)
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}
GOAL = 95
RUN_TIMEOUT_S = 150
METRICS = [("FCP s", "first-contentful-paint", 1000, ".1f"), ("LCP s", "largest-contentful-paint", 1000, ".1f"),
           ("TBT ms", "total-blocking-time", 1, ",.0f"), ("CLS", "cumulative-layout-shift", 1, ".3f"),
           ("SI s", "speed-index", 1000, ".1f")]


def missing_tool() -> str | None:
    if not shutil.which("node"):
        return "node not found"
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE.relative_to(ROOT)} missing (npm ci)"
    if not shutil.which(CHROME):
        return f"Chromium not found at {CHROME}"
    return None


def run_lighthouse(url: str, form_flags: list[str], report: Path) -> dict:
    """Audit ``url``; return the Lighthouse report. Raises RuntimeError with a one-line reason."""
    command = [str(LIGHTHOUSE), url, f"--chrome-path={CHROME}",
               f"--chrome-flags={' '.join(CHROME_FLAGS)}", "--only-categories=performance,accessibility",
               "--output=json", f"--output-path={report}", "--quiet", "--no-enable-error-reporting", *form_flags]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)  # Lighthouse's Chrome launcher kills Chromium on SIGINT
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        raise RuntimeError(f"timed out after {RUN_TIMEOUT_S} s")
    if process.returncode != 0 or not report.exists():
        lines = stderr.strip().splitlines() or [f"exit code {process.returncode}"]
        raise RuntimeError(lines[-1])
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise RuntimeError(result["runtimeError"]["message"])
    return result


def score(result: dict, category: str) -> int | None:
    value = result["categories"][category]["score"]
    return None if value is None else round(value * 100)


def verdict(value: int | None) -> str:
    return "yes" if value is not None and value >= GOAL else "NO"


def describe_items(audit: dict, limit: int = 2) -> str:
    """The first few offending files (path and KiB) or elements (selector) of an audit."""
    described = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        if "node" in item:
            described.append(item["node"].get("selector", "?"))
        elif "url" in item:
            size = item.get("wastedBytes") or item.get("totalBytes") or item.get("transferSize")
            ms = item.get("wastedMs") or item.get("total")
            cost = f" {size / 1024:,.0f} KiB" if size else f" {ms:,.0f} ms" if ms else ""
            described.append(f"{urlparse(item['url']).path or item['url'][:60]}{cost}")
    return "; ".join(described)


def failing_audits(result: dict, category: str) -> list[dict]:
    """Audits of ``category`` that do not pass, the costliest first (metrics, shown or hidden, left out)."""
    audits = result["audits"]
    failing = [audits[ref["id"]] for ref in result["categories"][category]["auditRefs"]
               if ref.get("group") not in ("metrics", "hidden") and audits[ref["id"]]["score"] is not None
               and audits[ref["id"]]["score"] < 0.9
               and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")]
    return sorted(failing, key=lambda a: -sum((a.get("metricSavings") or {}).values()))


def foreign_hosts(result: dict) -> set[str]:
    """Hosts other than 127.0.0.1 that the page asked for (Chromium cannot resolve them, but they should not be there)."""
    items = (result["audits"].get("network-requests", {}).get("details") or {}).get("items", [])
    urls = [urlparse(item["url"]) for item in items]
    return {url.netloc for url in urls if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1"}


def errored_audits(result: dict) -> dict[str, str]:
    """Audits Lighthouse could not evaluate (e.g. its trace parser against a newer Chromium), with the error."""
    return {name: audit.get("errorMessage", "") for name, audit in result["audits"].items() if audit["scoreDisplayMode"] == "error"}


def main(pages: list[str]) -> int:
    reason = missing_tool() or next((f"_build/html/{p} missing (make book)" for p in pages if not (browser.SITE / p).exists()), None)
    if reason:
        print(f"lighthouse: not run: {reason}")
        return 0
    results = {}
    with browser.serve(compress=True) as base, tempfile.TemporaryDirectory(prefix="lighthouse-") as reports:
        for page in pages:
            for form, flags in FORM_FACTORS.items():
                try:
                    results[page, form] = run_lighthouse(f"{base}/{page}", flags, Path(reports) / f"{len(results)}.json")
                except (RuntimeError, OSError, ValueError) as error:
                    print(f"lighthouse: {page} ({form}) not run: {error}")
    if not results:
        return 0
    width = max(len(page) for page, _ in results) + 2
    print(f"\n{'page':<{width}}{'form':<9}{'perf':>5}{'a11y':>6}" + "".join(f"{label:>9}" for label, *_ in METRICS))
    for (page, form), result in results.items():
        cells = "".join(f"{result['audits'][audit]['numericValue'] / scale:>9{spec}}" for _, audit, scale, spec in METRICS)
        print(f"{page:<{width}}{form:<9}{score(result, 'performance')!s:>5}{score(result, 'accessibility')!s:>6}{cells}")
    print()
    for (page, form), result in results.items():
        performance, accessibility = score(result, "performance"), score(result, "accessibility")
        print(f"goal {page} ({form}): performance {performance} >= {GOAL} {verdict(performance)}, "
              f"accessibility {accessibility} >= {GOAL} {verdict(accessibility)}")
        for category, value in (("performance", performance), ("accessibility", accessibility)):
            if value is None or value < GOAL:
                for audit in failing_audits(result, category)[:6]:
                    print(f"    {category[:4]} {audit['id']}: {audit.get('displayValue', '')} {describe_items(audit)}".rstrip())
    errored = {name: message for result in results.values() for name, message in errored_audits(result).items()}
    if errored:
        print(f"\nnot evaluated by Lighthouse: {', '.join(sorted(errored))} ({min(errored.values(), key=len)[:100]})")
    foreign = set().union(*(foreign_hosts(r) for r in results.values()))
    print(f"\noffline: {'NO, requests to ' + ', '.join(sorted(foreign)) if foreign else 'yes, every request went to 127.0.0.1'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["book/index.html"]))
