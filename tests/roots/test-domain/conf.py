# A tiny project for the per-page data domain of ppp_atlas.sphinx_domain (tests/test_sphinx_domain.py):
# each page notes what it "cites" (the words after "cites:") and whether it holds a form, as the
# book's features do, so the test can read, change, remove and re-read pages.
import re

extensions = ["ppp_atlas.sphinx_domain"]
exclude_patterns = ["_build"]


def _note(app, doctree):
    from ppp_atlas.sphinx_domain import page_data

    text = doctree.astext()
    data = page_data(app.env)
    data.note_cited(app.env.docname, re.findall(r"cites:(\w+)", text))
    data.note_chart(app.env.docname, {"id": app.env.docname + "-chart", "title": app.env.docname})
    if "form here" in text:
        data.note_weights_form(app.env.docname)


def setup(app):
    app.connect("doctree-read", _note)
    return {"parallel_read_safe": True}
