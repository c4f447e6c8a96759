"""Internal links of the built site: every href/src/srcset names a file that exists, every #fragment an id.

External links (http, https, //, mailto:, tel:, data:, javascript:) are left to `make linkcheck`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

MAX_LINES = 50
REFRESH_URL = re.compile(r"^\s*\d*\s*[;,]\s*url\s*=\s*['\"]?([^'\"]*)", re.I)


class _Page(HTMLParser):
    """One parse of a page: the ids it defines (plus <a name>) and the references it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in ("href", "src"):
                self.refs.append(value.strip())
            elif name == "srcset":
                self.refs += [c.split()[0] for c in value.split(",") if c.strip()]
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            if match := REFRESH_URL.match(dict(attrs).get("content") or ""):
                self.refs.append(match[1].strip())


@dataclass
class Crawl:
    pages: int = 0
    links: int = 0
    fragments: int = 0
    failures: list[str] = field(default_factory=list)


class LinkChecker:
    def __init__(self, site: Path):
        self.site = Path(os.path.abspath(site))
        self._parsed: dict[Path, _Page] = {}

    def parse(self, path: Path) -> _Page:
        if path not in self._parsed:
            parser = _Page()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._parsed[path] = parser
        return self._parsed[path]

    def pages(self) -> list[Path]:
        """Every HTML page, except files under _static, _sources, _images and other _folders."""
        return sorted(p for p in self.site.rglob("*.html")
                      if not any(part.startswith("_") for part in p.relative_to(self.site).parts))

    def check_ref(self, page: Path, ref: str) -> tuple[bool, str | None]:
        """(internal?, failure reason or None) for one href/src value found on ``page``."""
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or ref.startswith("//"):
            return False, None
        path = unquote(parts.path)
        if not path:
            target = page
        else:
            base = self.site if path.startswith("/") else page.parent
            target = Path(os.path.normpath(base / path.lstrip("/")))
            if target != self.site and self.site not in target.parents:
                return True, "points outside the site"
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                shown = target.relative_to(self.site).as_posix() + ("/" if path.endswith("/") else "")
                return True, f"missing file {shown}"
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in self.parse(target).ids:
            return True, f'no id="{fragment}" in {target.relative_to(self.site).as_posix()}'
        return True, None

    def crawl(self) -> Crawl:
        result = Crawl()
        for page in self.pages():
            result.pages += 1
            rel = page.relative_to(self.site).as_posix()
            for ref in self.parse(page).refs:
                internal, reason = self.check_ref(page, ref)
                if not internal:
                    continue
                result.links += 1
                result.fragments += bool(urlsplit(ref).fragment)
                if reason:
                    result.failures.append(f"{rel}: {ref!r} — {reason}")
        return result


def _report(failures: list[str]) -> str:
    lines = failures[:MAX_LINES]
    if len(failures) > MAX_LINES:
        lines.append(f"… and {len(failures) - MAX_LINES} more")
    return f"{len(failures)} broken internal link(s) or anchor(s):\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def crawl(site) -> Crawl:
    return LinkChecker(site).crawl()


def test_every_internal_link_and_anchor_resolves(crawl):
    if crawl.failures:
        pytest.fail(_report(crawl.failures), pytrace=False)


def test_the_crawl_covered_the_whole_site(crawl):
    # when written the site had 26 pages, 4,146 internal links and 2,514 of them with a #fragment
    # (1,417 of those to bibliography entries, #cite-…, and 322 to glossary terms, #term-…)
    summary = f"{crawl.pages} pages, {crawl.links} internal links, {crawl.fragments} with a #fragment"
    assert crawl.pages >= 22, summary
    assert crawl.links >= 3500, summary
    assert crawl.fragments >= 2000, summary


def test_the_checker_reports_missing_files_and_anchors_but_not_good_links(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "app.js").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text('<h1 id="top">Sub</h1><a name="old%">old</a>')
    (tmp_path / "other page.html").write_text('<section id="sec-2">x</section>')
    (tmp_path / "index.html").write_text(
        '<meta http-equiv="Refresh" content="0; url=sub/index.html"><h1 id="self">Home</h1>'
        '<script src="_static/app.js?v=3"></script>'
        '<a href="sub/">dir</a> <a href="sub/#top">anchor</a> <a href="/sub/index.html#old%25">a-name</a>'
        '<a href="other%20page.html#sec-2">encoded</a> <a href="#self">self</a> <a href="#">bare</a> <a href="">empty</a>'
        '<a href="https://example.org/x.html#nope">ext</a> <a href="mailto:a@b.c">mail</a> <img src="data:image/png;base64,AA">'
        '<a href="missing.html">broken file</a> <a href="sub/#nowhere">broken anchor</a> <a href="#gone">broken self</a>'
        '<img srcset="_static/app.js 1x, _static/missing.png 2x"> <a href="../up.html">outside</a>'
        '<link rel="icon" href="_static/gone/">'
    )
    result = LinkChecker(tmp_path).crawl()
    assert (result.pages, result.links, result.fragments) == (3, 16, 6)
    assert result.failures == [
        "index.html: 'missing.html' — missing file missing.html",
        "index.html: 'sub/#nowhere' — no id=\"nowhere\" in sub/index.html",
        "index.html: '#gone' — no id=\"gone\" in index.html",
        "index.html: '_static/missing.png' — missing file _static/missing.png",
        "index.html: '../up.html' — points outside the site",
        "index.html: '_static/gone/' — missing file _static/gone/",
    ]
    assert "6 broken" in _report(result.failures)
    assert "… and 22 more" in _report(result.failures * 12)
