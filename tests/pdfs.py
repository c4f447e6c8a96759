"""The printed files, each read once per test session.

Reading a 400-page book with pypdf takes seconds, its text layer about a minute: the readers, the
pages' texts and the link annotations are kept here for the session, for every test that opens a
PDF (test_pdf.py, test_pdf_links.py, test_english_leaks.py, test_site.py, test_teaching_site.py).
The tests of one edition's book carry ``group_mark(lang)``, so under ``--dist loadgroup`` one
xdist worker reads each book.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from ppp_atlas import config, pdf


def group_mark(lang: str):
    """The mark that keeps the tests of ``lang``'s book on one xdist worker."""
    return pytest.mark.xdist_group("pdf:" + lang)


def by_edition(langs) -> list:
    """``langs`` as pytest params, each in its book's xdist group."""
    return [pytest.param(lang, marks=group_mark(lang)) for lang in langs]


def book(site: Path, lang: str) -> Path:
    return site / config.site_prefix(lang) / pdf.PDF_DIR / pdf.book_file(lang)


@lru_cache(maxsize=None)
def reader(path: Path) -> PdfReader:
    if not path.exists():
        pytest.fail(f"{path} is missing: `make book` prints the PDFs (or `make pdf` after installing Chromium)")
    return PdfReader(path)


@lru_cache(maxsize=None)
def page_text(path: Path, index: int) -> str:
    """The text layer of one page (0-based ``index``)."""
    return reader(path).pages[index].extract_text() or ""


@lru_cache(maxsize=None)
def text_of(path: Path, every: int = 1) -> str:
    """The text layer of the PDF: the title page and contents, then every ``every``-th page
    (reading 400 pages takes pypdf a minute)."""
    indices = list(range(len(reader(path).pages)))
    return "\n".join(page_text(path, i) for i in indices[:3] + indices[3::every])


@lru_cache(maxsize=None)
def links(path: Path) -> list[dict]:
    """Every link annotation of the PDF: its page, rectangle and where it leads (a page index, or a URI)."""
    r = reader(path)
    index = {page.indirect_reference.idnum: i for i, page in enumerate(r.pages)}
    named = r.named_destinations
    found = []
    for number, page in enumerate(r.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            item = {"page": number, "rect": [float(v) for v in annot["/Rect"]], "uri": None, "to": None}
            action = annot.get("/A")
            dest = annot.get("/Dest")
            if action is not None and action.get("/S") == "/URI":
                item["uri"] = str(action["/URI"])
            elif action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is not None:
                if not isinstance(dest, ArrayObject):
                    target = named.get(str(dest))
                    item["to"] = r.get_destination_page_number(target) if target is not None else -1
                else:
                    item["to"] = index.get(dest[0].idnum, -1)
            found.append(item)
    return found
