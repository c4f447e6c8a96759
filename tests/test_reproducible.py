"""Reproducibility: a second clean build of the same sources gives byte-identical pages.

The build under test is `_build/html` (what `make book` produced just before the
tests, incrementally or not); the reference is a clean build from scratch in a
temporary folder, with its own Sphinx environment and jupyter-cache, so every
notebook is executed again.
"""
from __future__ import annotations

import filecmp
from pathlib import Path

from ppp_atlas import build


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_a_second_clean_build_is_byte_identical(site, tmp_path_factory):
    output = tmp_path_factory.mktemp("second-build")
    log = output / "build.log"
    status = build.run_jupyter_book(output, log=log)
    assert status == 0, "the second clean build failed:\n" + log.read_text(encoding="utf-8")[-3000:]
    second = output / "_build" / "html"
    first_files, second_files = _files(site), _files(second)
    assert first_files == second_files, {"only in _build/html": sorted(first_files - second_files)[:20],
                                         "only in the second build": sorted(second_files - first_files)[:20]}
    pages = sorted(f for f in first_files if f.endswith(".html"))
    assert len(pages) > 20
    _, mismatch, errors = filecmp.cmpfiles(site, second, sorted(first_files), shallow=False)
    assert (mismatch, errors) == ([], []), f"{len(mismatch)} files differ, e.g. {mismatch[:15]}"
