"""Fixtures shared by the tests: the built site, a loopback server and Debian's Chromium."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import browser  # noqa: E402

ROOT = browser.ROOT
SITE = browser.SITE
REPRODUCIBLE = Path(__file__).resolve().parent / "test_reproducible.py"


def _runs_the_build_from_nothing(config) -> bool:
    """Whether this session will run test_reproducible's build from nothing (then it is started at
    once, in the background: tests/build_from_nothing.py); with -k or -m the test builds by itself."""
    if hasattr(config, "workerinput") or config.option.collectonly or config.option.keyword or config.option.markexpr:
        return False
    if not (SITE / "index.html").exists():
        return False
    for arg in config.args:
        path, _, name = arg.partition("::")
        path = Path(path).resolve()
        if (path == REPRODUCIBLE and name in ("", "test_a_build_from_nothing_is_byte_identical")) or path in REPRODUCIBLE.parents:
            return True
    return False


def pytest_configure(config):
    if _runs_the_build_from_nothing(config):
        import tempfile

        import build_from_nothing

        config._ppp_builds = Path(tempfile.gettempdir()) / f"ppp-atlas-tests-{os.getpid()}"
        config._ppp_build_job = build_from_nothing.start(config._ppp_builds)


def pytest_unconfigure(config):
    job = getattr(config, "_ppp_build_job", None)
    if job is not None:
        if job.poll() is None:  # the session ended first (-x, an interrupt): end the build this session started,
            os.killpg(job.pid, signal.SIGTERM)  # with its Sphinx processes and kernels (its own process group)
            try:
                job.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(job.pid, signal.SIGKILL)
                job.wait()
        shutil.rmtree(config._ppp_builds, ignore_errors=True)


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
        instance = chosen.launch(p, executable_path=chosen.headless())  # the headless shell where installed
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

