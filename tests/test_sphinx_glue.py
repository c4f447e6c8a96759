"""The glue of ppp_atlas.sphinx_glue on a tiny project (tests/roots/test-glue), with
sphinx.testing as Sphinx's own extensions are tested: in seconds, with no notebook executed and no
built site. A chapter pastes a value from a notebook with ``path::key``, with or without a format;
each edition writes it in its own way."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]
ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def rootdir():
    return ROOTS


def _pasted(app) -> list[str]:
    page = (Path(app.outdir) / "page.html").read_text(encoding="utf-8")
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', page)


@pytest.mark.parametrize("lang, expected", [
    ("en", ["84.8", "170,000", "2017", "3 April 2017", "Germany"]),
    ("uz", ["84,8", "170\u00a0000", "2017", "2017-yil 3-aprel", "Germaniya"]),
    ("ru", ["84,8", "170\u00a0000", "2017", "3 апреля 2017 г.", "Германия"]),
])
def test_values_pasted_from_a_notebook_are_written_as_the_edition_writes_them(make_app, tmp_path, lang, expected):
    import shutil

    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-glue", source)
    app = make_app("html", srcdir=source, confoverrides={"language": lang})
    app.build()
    assert _pasted(app) == expected
    page = (Path(app.outdir) / "page.html").read_text(encoding="utf-8")
    assert "a note" in page  # {glue} path::key: the document before "::"
    # docutils has no Uzbek words of its own (the book's project catalogs give them)
    warnings = [w for w in app._warning.getvalue().splitlines() if "WARNING" in w and 'Language "uz"' not in w]
    assert warnings == []
