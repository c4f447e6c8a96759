"""The project's configuration, read in one place: ``_config.yml``, ``_toc.yml`` and
``CITATION.cff``, the editions' languages, and the rules that make the site's addresses.

Every other module asks this one (the build, the Sphinx extension, the PDFs, the tests), so
a setting is parsed once and one rule gives one address. Each file is read again when it
changes (the cache is keyed on its modification time), so a test or a tool that edits one
sees the edit. This module imports nothing of the package but :mod:`ppp_atlas.paths`.
"""
from __future__ import annotations

import copy
import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths

CONFIG = paths.ROOT / "_config.yml"
TOC = paths.ROOT / "_toc.yml"

# --- the editions --------------------------------------------------------------------

#: The language of the source text: its edition sits at the site's root.
SOURCE_LANGUAGE = "en"
#: The editions translated from it, each in a folder of the site named after its language.
TRANSLATIONS = ("uz", "ru")
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATIONS)


def edition(language: str | None) -> str:
    """The edition of a Sphinx ``language`` setting (``None``, ``"en"``, ``"uz"``, ``"ru_RU"``,
    ``"uz-Latn"``): the one normalisation of a language in the package."""
    return (language or SOURCE_LANGUAGE).replace("-", "_").split("_")[0].lower() or SOURCE_LANGUAGE


# --- the files -----------------------------------------------------------------------

def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


@lru_cache(maxsize=8)
def _yaml(path: Path, mtime: int):
    # libyaml's safe loader where PyYAML was built with it (the same result, about five times faster)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def read_yaml(path: Path):
    """A YAML file of the project, parsed once per version of the file; each caller gets its own
    copy, free to change."""
    return copy.deepcopy(_yaml(path, _mtime(path)))



def book_config() -> dict:
    """``_config.yml`` (a copy: change it freely)."""
    return read_yaml(CONFIG)


def toc() -> dict:
    """``_toc.yml`` (a copy)."""
    return read_yaml(TOC)


def citation() -> dict:
    """``CITATION.cff`` (a copy)."""
    return read_yaml(paths.CITATION)


# --- the table of contents ---------------------------------------------------------------

def _strip(name: str) -> str:
    return name.removesuffix(".md").removesuffix(".ipynb")


def toc_parts() -> list[tuple[str | None, list[str]]]:
    """``[(part caption or None, [docname, ...]), ...]`` in the order of ``_toc.yml``; the root
    page and any chapters outside a part come first, under no caption."""
    table = toc()
    parts: list[tuple[str | None, list[str]]] = [(None, [_strip(table["root"])])]
    parts[0][1].extend(_strip(c["file"]) for c in table.get("chapters") or [])
    for part in table.get("parts", []):
        parts.append((part.get("caption"), [_strip(c["file"]) for c in part.get("chapters", [])]))
    return parts


def toc_order() -> list[str]:
    """Every page of the book in reading order."""
    return [doc for _, docs in toc_parts() for doc in docs]


def toc_docnames() -> set[str]:
    return set(toc_order())


# --- the book's metadata -------------------------------------------------------------

def book_metadata() -> dict:
    """Title, authors, version and date from CITATION.cff: the one metadata source."""
    cff = citation()
    publisher = cff.get("publisher")
    return {
        "title": cff["title"],
        "authors": [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]],
        "version": str(cff["version"]),
        "date": str(cff["date-released"]),
        "publisher": publisher.get("name", "") if isinstance(publisher, dict) else "",
        "license": cff.get("license", ""),
    }


def release_tag() -> str:
    """The git tag of the released book: ``v`` and CITATION.cff's ``version``."""
    return "v" + book_metadata()["version"]


def release_epoch() -> str:
    """The release date of CITATION.cff (``date-released``) as SOURCE_DATE_EPOCH: Sphinx takes the
    footer's copyright year and "Last updated" date from it, so the footer, the cite box and the
    PDFs give one date, and a rebuild gives the same pages."""
    released = datetime.date.fromisoformat(str(citation()["date-released"]))
    return str(int(datetime.datetime(released.year, released.month, released.day, 12,
                                     tzinfo=datetime.timezone.utc).timestamp()))


# --- addresses -----------------------------------------------------------------------

def book_url(site_url: str | None, repository_url: str) -> str:
    """The published site's address (the English edition's root): ``ppp_site_url`` when set,
    else the GitHub Pages address of the repository (``https://owner.github.io/name/``). The
    Sphinx build passes its configuration values; :func:`site_url` reads ``_config.yml``."""
    if site_url:
        return site_url.rstrip("/") + "/"
    owner, name = repository_url.rstrip("/").split("/")[-2:]
    return f"https://{owner.lower()}.github.io/{name}/"


def site_url() -> str:
    """The published site's address as ``_config.yml`` sets it (the rule of :func:`book_url`)."""
    config = book_config()
    ppp = (config.get("sphinx", {}).get("config", {}) or {}).get("ppp_site_url")
    return book_url(ppp, config["repository"]["url"])


def site_prefix(lang: str) -> str:
    """Where an edition lives in the site: English at the root, others in ``uz/``, ``ru/``."""
    return "" if lang == SOURCE_LANGUAGE else f"{lang}/"


def page_url(lang: str, pagename: str) -> str:
    """A page's path from the site root in one edition."""
    return f"{site_prefix(lang)}{pagename}.html"


def relative_url(from_lang: str, pagename: str, to_lang: str, to_page: str | None = None) -> str:
    """The link from one edition's page to a page (the same one by default) of another edition."""
    return to_root(from_lang, pagename) + page_url(to_lang, to_page or pagename)


def to_root(lang: str, pagename: str) -> str:
    """The way up from an edition's page to the site's root (``../../`` from ``uz/book/x``)."""
    return "../" * page_url(lang, pagename).count("/")
