"""The build from nothing of test_reproducible.py, started when the test session starts.

It needs no browser and spends most of its time executing notebooks and waiting for Sphinx, so it
runs in a process of its own beside the browser tests from the start of the session (conftest.py
starts it with ``python tests/build_from_nothing.py <folder>`` when the session will run the test),
instead of blocking an xdist worker for minutes late in the run. The test collects what it made
(``collect``); when nothing started it (a run of that test alone, or with ``-k``), it builds here,
in the test, as before.

What it makes in ``<folder>``: the English build and the editions of ``FROM_NOTHING`` from nothing
(their own Sphinx environments, jupyter-cache and chart drawings, ``PPP_SVG_CACHE``), ``build.log``
and ``<lang>.log``, and ``result.json`` last (the exit codes and how many drawings were made).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = "PPP_TEST_BUILD_FROM_NOTHING"  # the folder of the build started with the session
#: The translated editions the build from nothing makes (see test_reproducible.py)
FROM_NOTHING = ("uz",)
RESULT = "result.json"


def build(output: Path) -> dict:
    """Build from nothing into ``output``; the exit codes and the number of drawings made."""
    from ppp_atlas import build as ppp_build

    # nothing reused: the drawings too are made anew (the Sphinx processes read this)
    before = os.environ.get("PPP_SVG_CACHE")
    os.environ["PPP_SVG_CACHE"] = str(output / "svg-cache")
    try:
        status = ppp_build.run_jupyter_book(output, log=output / "build.log")
        codes = ppp_build.build_translations(output, FROM_NOTHING) if status == 0 else {}
    finally:  # as it was (a test that builds here must not leave it set for the next)
        if before is None:
            del os.environ["PPP_SVG_CACHE"]
        else:
            os.environ["PPP_SVG_CACHE"] = before
    drawn = len(list((output / "svg-cache").glob("*.svg")))
    result = {"status": status, "codes": codes, "drawn": drawn}
    _write_result(output, result)
    return result


def _write_result(output: Path, result: dict) -> None:
    (output / "result.tmp").write_text(json.dumps(result), encoding="utf-8")
    (output / "result.tmp").replace(output / RESULT)  # whole or not at all: the test waits for it


def start(root: Path) -> subprocess.Popen:
    """Start the build in a process of its own, in a new folder under ``root``; conftest.py keeps
    the process and ends it if the session ends first."""
    root.mkdir(parents=True, exist_ok=True)
    output = Path(tempfile.mkdtemp(prefix="build-from-nothing-", dir=root))
    os.environ[ENV] = str(output)  # the xdist workers, started after this, inherit it
    log = (output / "job.log").open("w", encoding="utf-8")
    return subprocess.Popen([sys.executable, str(Path(__file__)), str(output)], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, PPP_SVG_CACHE=str(output / "svg-cache")), start_new_session=True)


def collect(fallback: Path, timeout_s: float = 3600) -> tuple[Path, dict]:
    """The build started with the session, once it has ended (its ``result.json`` written), or,
    when no build was started, one made now in ``fallback``. Returns its folder and result."""
    started = os.environ.get(ENV)
    if not started or not Path(started).is_dir():
        return fallback, build(fallback)
    output = Path(started)
    deadline = time.monotonic() + timeout_s
    while not (output / RESULT).exists():  # the condition: the job has written its result
        assert time.monotonic() < deadline, f"the build from nothing in {output} did not end: {output / 'job.log'}"
        time.sleep(0.5)
    return output, json.loads((output / RESULT).read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    folder = Path(sys.argv[1])
    try:
        print(build(folder))
    except BaseException as exc:  # the test is waiting: tell it
        import traceback

        _write_result(folder, {"status": -1, "codes": {}, "drawn": 0, "error": traceback.format_exc()})
        raise SystemExit(1) from exc
