"""Command line: ``python -m ppp_atlas.build`` builds the site safely and incrementally.

1. Works in ``_build/staging`` (Sphinx environment, jupyter-cache, output), so a
   no-change rebuild reuses everything.
2. jupyter-cache keys on code cells only; this step also keys each notebook on
   the inputs it reads (the tables it ``load``s, the package, the bibliography):
   when those change, the notebook's cache record is dropped and its source
   touched, so it re-executes, and the chapters that paste from it are re-read.
3. Runs ``jupyter-book build`` strictly (``-W -n --keep-going``; notebooks executed,
   any error fails the build).
4. Builds the Uzbek and Russian editions from the gettext catalogs in ``locales/``, each
   with its own generated configuration and the English build's jupyter-cache (notebooks
   execute once for all three), the two side by side on the two cores.
5. Prints the PDF editions (:mod:`ppp_atlas.pdf`: the whole book and each page, per edition)
   from the assembled site, reprinting only pages whose HTML changed. With no Chromium the site
   is still built, and the message says what to install and that ``make pdf`` adds them later;
   ``--no-pdf`` skips them.
6. ``--clean`` builds as on a fresh clone: the Sphinx environments, the execution cache, the
   chart drawings (``_build/svg-cache``) and the printed pages (``_build/pdf-cache``) are removed.
7. Only when all three editions (and their PDFs) built, replaces ``_build/html`` (English at
   the root, ``uz/`` and ``ru/`` beside it): a failed build leaves the last good site.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import config, editions, paths

BUILD = paths.ROOT / "_build"
STAGING = BUILD / "staging"
SITE = BUILD / "html"
MANIFEST = STAGING / "ppp-inputs.json"
VALID_DATA = STAGING / "ppp-valid-data.sha256"  # digest of the data package last found valid
_LOAD = re.compile(r"""load\(\s*\\?["']([a-z0-9-]+)\\?["']""")
_NOTEBOOK_IMPORT = re.compile(r"\b(?:from|import)\s+ppp_atlas(?:\.(\w+))?")


def _digest(files) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(str(path.relative_to(paths.ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _package_imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports, at its top or inside a function."""
    import ast

    path = paths.ROOT / "ppp_atlas" / f"{module}.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ppp_atlas"):
            rest = node.module.split(".")[1:]
            found.update(rest[:1] if rest else [a.name for a in node.names])
    return {name for name in found if (paths.ROOT / "ppp_atlas" / f"{name}.py").exists()}


def notebook_modules() -> set[str]:
    """The package's modules a notebook's kernel imports: those the notebooks name, the package's
    ``__init__``, and everything they import in turn (derived from the code, so that a new import
    is never missed). A change to any other module re-renders pages but re-executes no notebook."""
    todo = {"__init__"}
    for notebook in (paths.ROOT / "notebooks").glob("*.ipynb"):
        todo.update(name for name in _NOTEBOOK_IMPORT.findall(notebook.read_text(encoding="utf-8")) if name)
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo |= _package_imports(module) - seen
    return seen


def notebook_inputs() -> dict[str, str]:
    """Each notebook's digest of everything it reads besides its own code."""
    shared = [*sorted(paths.ROOT / "ppp_atlas" / f"{m}.py" for m in notebook_modules()),
              paths.BIBFILE, paths.PACKAGE,
              *sorted(paths.DATA.glob("schemas/*.json")), paths.DATA / "countries.csv"]
    result = {}
    for notebook in sorted((paths.ROOT / "notebooks").glob("*.ipynb")):
        tables = sorted(set(_LOAD.findall(notebook.read_text(encoding="utf-8"))))
        reads = [paths.DATA / f"{t}.csv" for t in tables if (paths.DATA / f"{t}.csv").exists()]
        result[str(notebook.relative_to(paths.ROOT))] = _digest([*shared, *reads])
    return result


def invalidate_changed(current: dict[str, str]) -> list[str]:
    previous = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    changed = [nb for nb, digest in current.items() if previous.get(nb) != digest]
    if not changed or not previous:
        return changed if previous else []
    cache_dir = STAGING / "_build" / ".jupyter_cache"
    if cache_dir.exists():
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
        for record in cache.list_cache_records():
            if any(record.uri.endswith(nb) for nb in changed):
                cache.remove_cache(record.pk)
    now = time.time()
    for nb in changed:
        os.utime(paths.ROOT / nb, (now, now))
    for page in (paths.ROOT / "book").glob("*.md"):  # chapters paste glued values from notebooks
        os.utime(page, (now, now))
    return changed


def prune_stale_outputs(html_dir: Path) -> list[str]:
    """Delete what an incremental build left behind (Sphinx never deletes outputs), so a
    rebuild equals a clean build: pages and page sources of documents no longer in
    ``_toc.yml``, and the package's own static files that were renamed or removed."""
    from .sphinx_teaching import SLIDES_DIR, guide_docnames

    keep = config.toc_docnames() | {"genindex", "search", "index"} | set(guide_docnames())  # the teacher's guide: pages outside the toc
    stale = []
    for page in html_dir.rglob("*.html"):
        relative = page.relative_to(html_dir)
        if relative.parts[0] not in ("_static", "_sources", SLIDES_DIR) and relative.with_suffix("").as_posix() not in keep:
            stale.append(page)
    for source in (html_dir / "_sources").rglob("*") if (html_dir / "_sources").exists() else []:
        docname = source.relative_to(html_dir / "_sources").as_posix().split(".")[0]
        if source.is_file() and docname not in keep:
            stale.append(source)
    own_static = paths.ROOT / "ppp_atlas" / "static"
    stale += [f for f in (html_dir / "_static").glob("ppp*") if not (own_static / f.name).exists()]
    for path in stale:
        path.unlink()
    return [str(p.relative_to(html_dir)) for p in stale]


def _command(output: Path, config: Path | None = None, builder: str | None = None) -> list[str]:
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(paths.ROOT), "--path-output", str(output),
               "--warningiserror", "--nitpick", "--keep-going"]
    if config is not None:
        command += ["--config", str(config)]
    if builder is not None:
        command += ["--builder", "custom", "--custom-builder", builder]
    return command


_ENV = dict(PYDEVD_DISABLE_FILE_VALIDATION="1", SOURCE_DATE_EPOCH=config.release_epoch())


def run_jupyter_book(output: Path, log: Path | None = None, config: Path | None = None,
                     builder: str | None = None) -> int:
    """Build the book strictly with ``output`` as Jupyter Book's ``--path-output``; return the
    exit code. Its messages go to the terminal, or to the file ``log``."""
    command = _command(output, config, builder)
    env = dict(os.environ, **_ENV)
    if log is None:
        return subprocess.call(command, cwd=paths.ROOT, env=env)
    with log.open("w", encoding="utf-8") as sink:
        return subprocess.call(command, cwd=paths.ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)


def cache_dir(staging: Path = STAGING) -> Path:
    """The one jupyter-cache that all editions share (the English build's)."""
    return staging / "_build" / ".jupyter_cache"


def build_translations(staging: Path, languages=editions.TRANSLATIONS) -> dict[str, int]:
    """Build the translated editions side by side (each its own process, output and
    doctrees; all reading the English build's jupyter-cache). Each edition's messages go
    to ``<staging>/<lang>.log``, printed only when it fails. Returns the exit codes."""
    running = {}
    for lang in languages:
        config = editions.edition_config(lang, staging, cache_dir(staging))
        log = (staging / f"{lang}.log").open("w", encoding="utf-8")
        process = subprocess.Popen(_command(staging / lang, config), cwd=paths.ROOT, env=dict(os.environ, **_ENV),
                                   stdout=log, stderr=subprocess.STDOUT)
        running[lang] = (process, log)
    codes = {}
    for lang, (process, log) in running.items():
        codes[lang] = process.wait()
        log.close()
        if codes[lang] != 0:
            sys.stderr.write((staging / f"{lang}.log").read_text(encoding="utf-8")[-20000:])
    return codes


def main(argv: list[str]) -> int:
    from . import data

    data_digest = _digest([*sorted(p for p in paths.DATA.rglob("*") if p.is_file()), paths.BIBFILE])
    already_valid = VALID_DATA.exists() and VALID_DATA.read_text() == data_digest
    problems = [] if already_valid else data.check()
    if problems:
        print(str(data.DataError(problems)), file=sys.stderr)
        print("BUILD STOPPED before building: _build/html still holds the last good site.", file=sys.stderr)
        return 1
    if "--clean" in argv:  # as on a fresh clone: no environment, execution cache, drawings or printed pages
        from . import pdf, svg

        for cache in (STAGING, svg.CACHE, pdf.CACHE):
            if cache.exists():
                shutil.rmtree(cache)
    STAGING.mkdir(parents=True, exist_ok=True)
    current = notebook_inputs()
    changed = invalidate_changed(current)
    if changed:
        print("inputs changed, re-executing: " + ", ".join(changed))
    started = time.time()
    languages = editions.LANGUAGES if "--english-only" not in argv else (editions.SOURCE_LANGUAGE,)
    status = run_jupyter_book(STAGING)
    built = STAGING / "_build" / "html"
    if status != 0 or not (built / "index.html").exists():
        print(f"BUILD FAILED (exit {status}): _build/html still holds the last good site.", file=sys.stderr)
        return status or 1
    MANIFEST.write_text(json.dumps(current, indent=1))
    english = time.time() - started
    translated = [lang for lang in languages if lang != editions.SOURCE_LANGUAGE]
    codes = build_translations(STAGING, translated)
    failed = [lang for lang, code in codes.items() if code != 0
              or not (STAGING / lang / "_build" / "html" / "index.html").exists()]
    if failed:
        print(f"BUILD FAILED ({', '.join(failed)} edition): _build/html still holds the last good site.",
              file=sys.stderr)
        return 1
    VALID_DATA.write_text(data_digest)
    outputs = {lang: STAGING / lang / "_build" / "html" for lang in translated}
    for directory in [built, *outputs.values()]:
        for stale in prune_stale_outputs(directory):
            print(f"removed stale output {stale}")
    fresh = BUILD / "html.new"
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(built, fresh)
    for lang, directory in outputs.items():
        shutil.copytree(directory, fresh / lang)
    site_seconds = time.time() - started
    pdf_note = _build_pdfs(fresh, languages, "--no-pdf" in argv)
    if pdf_note is None:
        return 1
    old = BUILD / "html.old"
    if SITE.exists():
        SITE.rename(old)
    fresh.rename(SITE)
    if old.exists():
        shutil.rmtree(old)
    print(f"site built in {time.time() - started:.1f} s (English {english:.1f} s, then "
          f"{', '.join(translated) or 'no other edition'}, site {site_seconds:.1f} s, {pdf_note}): "
          f"{SITE.relative_to(paths.ROOT)}/index.html")
    return 0


def _build_pdfs(fresh: Path, languages, skip: bool) -> str | None:
    """The PDF editions into the assembled site ``fresh``; a short note for the last line, or
    None when printing failed (the last good site stays)."""
    from . import pdf

    if skip:
        return "PDFs skipped"
    missing = pdf.available()
    if missing:
        print(f"PDFs NOT BUILT: {missing}.\n  The site is built without them (its PDF links lead nowhere until "
              f"then); once a Chromium is installed, `make pdf` builds them into _build/html.", file=sys.stderr)
        return "no PDFs: no browser"
    started = time.time()
    try:
        summary = pdf.build(fresh, languages, jobs_at_once=int(os.environ.get("PPP_PDF_JOBS", "3")))
    except Exception as exc:  # noqa: BLE001 - any failure keeps the last good site
        import traceback

        traceback.print_exc()
        print(f"PDF BUILD FAILED ({type(exc).__name__}: {exc}): _build/html still holds the last good site.",
              file=sys.stderr)
        shutil.rmtree(fresh, ignore_errors=True)
        return None
    print(pdf.report(summary))
    from . import teaching_pdf

    print(teaching_pdf.report(teaching_pdf.build(fresh, languages)))  # the slides' and the teacher's guide's PDFs
    pdf.write_sizes(fresh, languages)  # every link to a PDF says its size
    return f"PDFs {time.time() - started:.1f} s"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
