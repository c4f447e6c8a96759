"""Reproducibility: a build from nothing gives byte-identical pages.

The build under test is `_build/html` (what `make book` produced just before the
tests, incrementally or not); the reference is a build from nothing in a temporary
folder, as from a fresh clone: its own Sphinx environments, jupyter-cache and chart
drawings (``PPP_SVG_CACHE``), so every notebook is executed again and every static chart
drawn again. To keep CI affordable it builds the English edition and one translated
edition (Uzbek: its own letters, apostrophe folding and number forms); Russian goes
through the same code.
"""
from __future__ import annotations

import filecmp
import re
from pathlib import Path

import build_from_nothing
from ppp_atlas import build, charts, editions, pdf, svg

#: The translated editions the build from nothing makes (see the module's docstring).
FROM_NOTHING = build_from_nothing.FROM_NOTHING


def _files(root: Path, skip=()) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
            and p.relative_to(root).parts[0] not in skip}


def test_a_chart_is_drawn_the_same_twice(tmp_path, monkeypatch):
    """plotly.js names each trace's group after its uid and makes one up at random when the figure
    has none: the drawings carry one derived from the figure, so two drawings are the same bytes."""
    monkeypatch.setattr(svg, "CACHE", tmp_path)
    figure = {"data": [{"type": "scatter", "x": ["a", "b"], "y": [1, 2]}, {"type": "scatter", "x": ["a", "b"], "y": [2, 1]}],
              "layout": {"height": 200}}
    other = {**figure, "data": figure["data"][:1]}  # another figure: other ids
    # one browser for the three drawings; compared as the site holds them (clean_svg renames
    # plotly's random clip-path ids after the chart)
    drawn = svg._run(lambda: svg._draw_all([(figure, 300, 200), (figure, 300, 200), (other, 300, 200)]))
    first, second, third = (charts.clean_svg(d, "c") for d in drawn)
    classes = re.findall(r'class="trace scatter (trace[0-9a-f]+)"', first)
    assert len(classes) == 2 and len(set(classes)) == 2, classes
    assert first == second
    assert classes[0] not in third


def test_a_build_from_nothing_is_byte_identical(site, tmp_path_factory, monkeypatch):
    # the build from nothing runs from the start of the session, in a process of its own
    # (tests/build_from_nothing.py); made here when the session did not start it
    output, made = build_from_nothing.collect(tmp_path_factory.mktemp("second-build"))
    # the no-change rebuild below reads the same drawings
    monkeypatch.setenv("PPP_SVG_CACHE", str(output / "svg-cache"))
    log = output / "build.log"
    assert "error" not in made, made.get("error")
    status, codes, drawn = made["status"], made["codes"], made["drawn"]
    assert status == 0, "the build from nothing failed:\n" + log.read_text(encoding="utf-8")[-3000:]
    assert set(codes.values()) == {0}, codes
    assert drawn >= (1 + len(FROM_NOTHING)) * 2 * 10, f"only {drawn} drawings made: the build reused drawings"
    pairs = {"en": (site, output / "_build" / "html")}
    pairs.update({lang: (site / lang, output / lang / "_build" / "html") for lang in FROM_NOTHING})
    for lang, (first, second) in pairs.items():
        skip = editions.TRANSLATIONS if lang == "en" else ()
        first_files, second_files = _files(first, skip), _files(second)
        # printed files (the books, chapters, teacher's guides and slide decks) come from the PDF step,
        # which a Sphinx build alone does not run: test_pdf.py checks that a page prints the same in any
        # tab or browser and is assembled into the same bytes, and that its print is kept for exactly
        # what it is printed from (the page and every file it loads)
        second_files -= {f for f in second_files if f.endswith(".pdf")}
        first_files -= {f for f in first_files if f.endswith(".pdf")}
        assert first_files == second_files, {"edition": lang, "only in _build/html": sorted(first_files - second_files)[:20],
                                             "only in the second build": sorted(second_files - first_files)[:20]}
        pages = sorted(f for f in first_files if f.endswith(".html"))
        assert len(pages) > 20
        _, mismatch, errors = filecmp.cmpfiles(first, second, sorted(first_files), shallow=False)
        # the PDF links' sizes are written once the PDFs are printed, which a Sphinx build alone does not do
        mismatch = [f for f in mismatch if not f.endswith(".html") or
                    pdf.page_for_digest((first / f).read_bytes()) != (second / f).read_bytes()]
        assert (mismatch, errors) == ([], []), f"{lang}: {len(mismatch)} files differ, e.g. {mismatch[:15]}"
    # a translated page's saved doctree holds the page alone (Sphinx left each translated message's
    # nodes tied to a document of its own, with the whole build environment in its settings)
    import pickle

    english = {p.relative_to(output / "_build" / ".doctrees"): p.stat().st_size
               for p in (output / "_build" / ".doctrees").rglob("*.doctree")}
    for lang in FROM_NOTHING:
        doctrees = output / lang / "_build" / ".doctrees"
        for path in sorted(doctrees.rglob("*.doctree")):
            doctree = pickle.loads(path.read_bytes())
            foreign = [n for n in doctree.findall(include_self=False) if n._document not in (None, doctree)]
            assert not foreign, f"{lang}: {path.name}: {len(foreign)} nodes belong to another document"
            assert path.stat().st_size < 3 * english[path.relative_to(doctrees)] + 100_000, path
    # built again with nothing changed, no page is read again in any edition (a page that depends
    # on a file that does not exist would be re-read on every build)
    status = build.run_jupyter_book(output, log=log)
    assert status == 0
    codes = build.build_translations(output, FROM_NOTHING)
    assert set(codes.values()) == {0}, codes
    for lang, text in [("en", log.read_text(encoding="utf-8")),
                       *((lang, (output / f"{lang}.log").read_text(encoding="utf-8")) for lang in FROM_NOTHING)]:
        assert "0 added, 0 changed, 0 removed" in text, f"{lang}: a no-change rebuild read pages again"
