"""Reproducibility: a second clean build of the same sources gives byte-identical pages, in
every edition.

The build under test is `_build/html` (what `make book` produced just before the
tests, incrementally or not); the reference is a clean build from scratch in a
temporary folder, with its own Sphinx environments and jupyter-cache, so every
notebook is executed again, and the Uzbek and Russian editions are built from it.
"""
from __future__ import annotations

import filecmp
from pathlib import Path

from ppp_atlas import build, editions, pdf


def _files(root: Path, skip=()) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
            and p.relative_to(root).parts[0] not in skip}


def test_a_second_clean_build_is_byte_identical(site, tmp_path_factory):
    output = tmp_path_factory.mktemp("second-build")
    log = output / "build.log"
    status = build.run_jupyter_book(output, log=log)
    assert status == 0, "the second clean build failed:\n" + log.read_text(encoding="utf-8")[-3000:]
    codes = build.build_translations(output)
    assert set(codes.values()) == {0}, codes
    pairs = {"en": (site, output / "_build" / "html")}
    pairs.update({lang: (site / lang, output / lang / "_build" / "html") for lang in editions.TRANSLATIONS})
    for lang, (first, second) in pairs.items():
        skip = editions.TRANSLATIONS if lang == "en" else ()
        first_files, second_files = _files(first, skip), _files(second)
        second_files -= {f for f in second_files if f.startswith(("pdf/", "_static/pdf/"))}
        first_files -= {f for f in first_files if f.startswith(("pdf/", "_static/pdf/"))}
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
    for lang in editions.TRANSLATIONS:
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
    codes = build.build_translations(output)
    assert set(codes.values()) == {0}, codes
    for lang, text in [("en", log.read_text(encoding="utf-8")),
                       *((lang, (output / f"{lang}.log").read_text(encoding="utf-8")) for lang in editions.TRANSLATIONS)]:
        assert "0 added, 0 changed, 0 removed" in text, f"{lang}: a no-change rebuild read pages again"
