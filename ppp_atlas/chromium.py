"""Which Chromium the book's tools drive (browser tests, chart images, PDFs).

Set ``PPP_CHROMIUM`` to a browser executable to choose one; set it to ``playwright`` to use
the browser that ``playwright install chromium`` downloaded (GitHub's Ubuntu runners, where
the ``chromium`` package is only a snap stub). Otherwise the first of the known paths that
exists is used: Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it) and a few others.

The PDFs are printed, and the browser tests run, by :func:`headless`: Chromium's headless shell where it is installed (Debian's
``chromium-headless-shell``, which ``.ci/run`` installs too), else the same browser as above.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Chromium's headless shell (Debian's chromium-headless-shell): the same engine without the
#: browser around it; it prints a page with about a fifth less work than the full browser.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
KNOWN = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable")
#: Flags for a headless Chromium on a machine with no network but loopback.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]


def executable() -> str:
    """The browser's path (Playwright's own with ``PPP_CHROMIUM=playwright``); raises
    FileNotFoundError, saying what to install, when there is none."""
    chosen = _chosen()
    if chosen.lower() == "playwright":
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        if not Path(path).exists():
            raise FileNotFoundError(f"PPP_CHROMIUM=playwright but {path} is missing: run `playwright install chromium`")
        return path
    if chosen:
        if not Path(chosen).exists() and not shutil.which(chosen):
            raise FileNotFoundError(f"PPP_CHROMIUM={chosen} does not exist")
        return shutil.which(chosen) or chosen
    for path in KNOWN:
        if Path(path).exists() and not _is_snap_stub(path):
            return path
    raise FileNotFoundError(
        "no Chromium found: install Debian's `chromium` package (apt-get install chromium), or set "
        "PPP_CHROMIUM to a Chromium executable, or to `playwright` after `playwright install chromium`")


def headless() -> str | None:
    """The browser for work nobody watches, the PDFs and the browser tests: the one ``PPP_CHROMIUM``
    names, else the headless shell where it exists (the same Blink as the full browser, without the
    browser around it; a page visit of the tests costs about an eighth less work in it), else
    :func:`executable`. None with ``PPP_CHROMIUM=playwright``: Playwright's own choice for a headless
    browser (the headless shell that ``playwright install chromium`` downloads)."""
    chosen = _chosen()
    if chosen.lower() == "playwright":
        return None
    if not chosen and Path(HEADLESS_SHELL).exists():
        return HEADLESS_SHELL
    return executable()


def _chosen() -> str:
    return os.environ.get("PPP_CHROMIUM", "").strip()


def _is_snap_stub(path: str) -> bool:
    """Ubuntu's chromium-browser package is a shell script that asks for the snap."""
    try:
        head = Path(path).read_bytes()[:4096]
    except OSError:
        return True
    return head.startswith(b"#!") and b"snap" in head


def launch(playwright, **options):
    """``playwright.chromium.launch`` (sync or async) with the book's flags and the chosen browser,
    unless ``executable_path`` names another (None: Playwright's own)."""
    if "executable_path" not in options:  # not asked for otherwise: with PPP_CHROMIUM=playwright
        options["executable_path"] = executable()  # it uses the sync API, which fails in an event loop
    return playwright.chromium.launch(args=ARGS, **options)
