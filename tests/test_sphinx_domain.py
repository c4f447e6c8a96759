"""The per-page data domain (ppp_atlas.sphinx_domain) on a tiny project (tests/roots/test-domain),
with sphinx.testing: what a page notes is kept between builds, forgotten when the page is read
again or removed, and joined from parallel readers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ppp_atlas.sphinx_domain import page_data

pytest_plugins = ["sphinx.testing.fixtures"]
ROOT = Path(__file__).parent / "roots" / "test-domain"


@pytest.fixture
def source(tmp_path) -> Path:
    shutil.copytree(ROOT, tmp_path / "src")
    return tmp_path / "src"


def _state(app) -> dict:
    data = page_data(app.env)
    return {"cited": {d: data.cited(d) for d in ("a", "b", "book/c", "f", "index")},
            "weights": sorted(d for d in ("a", "b", "book/c") if data.has_weights_form(d)),
            "charts": sorted(m["id"] for m in data.charts())}


@pytest.mark.parametrize("parallel", [0, 2])
def test_each_page_s_data_is_kept_replaced_and_forgotten_with_the_page(make_app, source, parallel):
    app = make_app("html", srcdir=source, parallel=parallel)
    app.build()
    assert "WARNING" not in app._warning.getvalue()  # none says "not safe for parallel reading"
    # seven pages: more than Sphinx reads in one process when it may read in parallel (5)
    assert _state(app) == {"cited": {"a": ["alpha", "beta"], "b": ["gamma"], "book/c": ["delta"], "f": ["ff"],
                                     "index": []},
                           "weights": ["a"], "charts": [f"{d}-chart" for d in ("a", "b", "book/c", "d", "e", "f", "index")]}

    # a page changed: what it noted before is replaced, the other pages' data kept
    (source / "a.rst").write_text("A\n=\n\ncites:epsilon\n", encoding="utf-8")
    # a page removed: its data goes with it (and a chapter's slides with the chapter)
    (source / "book" / "c.rst").unlink()
    (source / "index.rst").write_text("Index\n=====\n\n.. toctree::\n\n   a\n   b\n   d\n   e\n   f\n", encoding="utf-8")
    again = make_app("html", srcdir=source, parallel=parallel)
    again.build()
    state = _state(again)
    assert state["cited"] == {"a": ["epsilon"], "b": ["gamma"], "book/c": [], "f": ["ff"], "index": []}
    assert state["weights"] == []
    assert state["charts"] == [f"{d}-chart" for d in ("a", "b", "d", "e", "f", "index")]


def test_a_chapter_s_slides_go_with_its_page(make_app, source):
    app = make_app("html", srcdir=source)
    app.build()
    data = page_data(app.env)
    data.note_slides("c", {"title": "C"})       # book/c is the chapter "c"
    data.note_slide_charts("book/c", {"map": {"title": "Map"}})
    data.note_slides("b", {"title": "not a chapter's docname"})
    data.clear_doc("book/c")
    assert data.slides() == {"b": {"title": "not a chapter's docname"}}
    assert data.slide_charts("book/c") == {} and data.cited("book/c") == []
