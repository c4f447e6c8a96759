"""Re-execute notebooks in place so their saved outputs match the data.

nbval compares every saved output with a fresh run, so after a change to
``data/``, ``references.bib`` or the package the notebooks that read them
must be re-run and committed::

    python -m ppp_atlas.notebooks                 # every notebook
    python -m ppp_atlas.notebooks design-matrix   # only the ones named

Cells run in ``notebooks/`` (as in the build and in Binder), without timing
metadata, so a re-run with unchanged inputs leaves the files unchanged.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import ROOT

NOTEBOOKS = ROOT / "notebooks"


def refresh(path: Path, timeout: int = 600) -> bool:
    """Execute one notebook in place; return True if its file changed."""
    import nbformat
    from nbclient import NotebookClient

    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names without .ipynb (default: all)")
    args = parser.parse_args(argv)
    paths = ([NOTEBOOKS / f"{n.removesuffix('.ipynb')}.ipynb" for n in args.names]
             or sorted(NOTEBOOKS.glob("*.ipynb")))
    for path in paths:
        if not path.exists():
            print(f"{path.relative_to(ROOT)}: no such notebook", file=sys.stderr)
            return 2
        changed = refresh(path)
        print(f"{path.relative_to(ROOT)}: {'outputs updated' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
