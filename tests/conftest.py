"""Fixtures shared by the tests: the built site, a loopback server and Debian's Chromium."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import browser  # noqa: E402

ROOT = browser.ROOT
SITE = browser.SITE


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("no built site: run `make book` first (make test does)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site):
    with browser.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from ppp_atlas import chromium as chosen

    try:
        chosen.executable()
    except FileNotFoundError as exc:
        pytest.fail(f"{exc} (.ci/run installs Debian's chromium)")
    with sync_playwright() as p:
        instance = chosen.launch(p)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def visits(chromium, base_url):
    """Each built page visited once per screen, every check of that screen made on the visit
    (tests/visits.py); the tests of a page read what their own check found."""
    import visits as shared

    return shared.Visits(chromium, base_url)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of data/ and references.bib, for tests that break things on purpose."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path

