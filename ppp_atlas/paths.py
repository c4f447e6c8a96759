"""Where the repository's inputs live. One place, so nothing guesses paths."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PACKAGE = DATA / "datapackage.json"
BIBFILE = ROOT / "references.bib"
CITATION = ROOT / "CITATION.cff"
