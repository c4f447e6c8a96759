"""Every place where the book touches another library's internals, in one list.

The book extends Sphinx and its themes through supported points (events, post-transforms,
``override=True`` registrations, template overrides, ``html-page-context``). What still reaches
into another library is listed in :data:`PATCHES`: what it touches, the version it was written
against, the upstream issue it works around (or why there is none), and the test that fails when
it stops working (the entries are in ``patches.toml``). The only runtime reassignment of another library's code is defined here
(:func:`fast_plain_text`). :func:`check_versions` compares the installed versions with those the
patches were written against; the Sphinx extension calls it in ``setup``, so a new version stops
the build with the list of patches to re-check, instead of a patch silently doing nothing.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from importlib import metadata

from . import paths

#: Kinds of touch, as the review of issue 27 counted them.
REASSIGNMENT, SETTING, PRIVATE, TEXT = "runtime reassignment", "process-wide setting", "private API", "third-party text"


@dataclass(frozen=True)
class Patch:
    name: str
    kind: str
    where: str                      # the book's file (and function) that does it
    touches: str                    # what of the other library
    package: str                    # distribution (PyPI), "npm:<name>" or "python"
    version: str                    # written against
    upstream: str                   # the issue it works around, or why none applies
    test: str                       # tests/<file>.py::<test> that fails when it stops working


#: The list itself: ``patches.toml`` beside this module (a data file: one table a patch).
LIST = paths.ROOT / "ppp_atlas" / "patches.toml"


def _read() -> tuple[Patch, ...]:
    import tomllib

    return tuple(Patch(**entry) for entry in tomllib.loads(LIST.read_text(encoding="utf-8"))["patch"])


PATCHES: tuple[Patch, ...] = _read()


def installed_version(package: str) -> str | None:
    """The installed version of a distribution, an npm package (``npm:<name>``) or Python."""
    if package == "python":
        return f"{sys.version_info.major}.{sys.version_info.minor}"
    if package.startswith("npm:"):
        manifest = paths.ROOT / "node_modules" / package[4:] / "package.json"
        return json.loads(manifest.read_text(encoding="utf-8"))["version"] if manifest.exists() else None
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_versions() -> list[str]:
    """The patches written against another version than the one installed (none: all is as tested)."""
    problems = []
    for patch in PATCHES:
        found = installed_version(patch.package)
        if patch.package == "python":
            ok = tuple(map(int, found.split("."))) >= tuple(map(int, patch.version.split(".")))
        else:
            ok = found is None and patch.package.startswith("npm:") or found == patch.version
        if not ok:
            problems.append(f"{patch.name} ({patch.where}) was written against {patch.package} {patch.version}, "
                            f"installed: {found}")
    return problems


def require_versions() -> None:
    """Stop with the patches to re-check when another library's version changed (Sphinx ``setup``)."""
    problems = check_versions()
    if problems:
        raise RuntimeError("another library changed under a patch of the book: check each against the new "
                           "version (its test names what it must still do), then update ppp_atlas/patches.py:\n  "
                           + "\n  ".join(problems))


# --- the one runtime reassignment ------------------------------------------------------

# Characters and pairs that latexcodec or pybtex's LaTeX parser would change.
_LATEX_MARKUP = re.compile(r"[\\{}$~%&#^_]|--|``|''|[?!]`")


def fast_plain_text() -> None:
    """pybtex decodes every field as LaTeX through latexcodec, character by character; for
    300 entries that is most of a no-change rebuild. Text with nothing LaTeX would change
    becomes ``Text(value)`` directly, which is what the full decoding returns for it."""
    from pybtex.richtext import Text

    full = Text.from_latex.__func__
    if getattr(full, "ppp_fast", False):
        return

    def from_latex(cls, latex):
        if _LATEX_MARKUP.search(latex):
            return full(cls, latex)
        return cls(latex) if latex else cls()

    from_latex.ppp_fast = True
    from_latex.full = full
    Text.from_latex = classmethod(from_latex)
