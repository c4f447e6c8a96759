"""The Data page and its downloads, both made from ``data/datapackage.json``."""
from __future__ import annotations

import html
import zipfile
from pathlib import Path

from markdown_it import MarkdownIt

from . import bib, citations, data, paths

ZIP_NAME = "ppp-atlas-data.zip"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    bits = []
    if c.get("required"):
        bits.append("required")
    if c.get("unique"):
        bits.append("unique")
    for key, label in (("minimum", "min"), ("maximum", "max"), ("pattern", "pattern")):
        if key in c:
            bits.append(f"{label} {c[key]}")
    if "enum" in c:
        bits.append("one of: " + ", ".join(map(str, c["enum"])))
    return "; ".join(bits)


def _notes_html(name: str) -> str:
    notes = paths.DATA / "notes" / f"{name}.md"
    if not notes.exists():
        return ""
    lines = notes.read_text(encoding="utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.startswith("# "))
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(body)
    return rendered.replace("<h2>", "<h4>").replace("</h2>", "</h4>").replace("<h3>", "<h4>").replace("</h3>", "</h4>")


def _coverage(frame) -> str:
    bits = [f"{len(frame)} rows"]
    if "iso3" in frame:
        bits.append(f"{frame['iso3'].nunique()} jurisdictions")
    if "year" in frame and frame["year"].notna().any():
        bits.append(f"years {frame['year'].min()}–{frame['year'].max()}")
    counts = frame["verification"].value_counts()
    bits.append(", ".join(f"{counts[s]} {s}" for s in data.VERIFICATION if s in counts))
    return "; ".join(bits)


def table_section_html(resource: dict, bibliography_uri: str) -> str:
    e = html.escape
    name = resource["name"]
    frame = data.load(name)
    fields = "".join(
        f"<tr><td><code>{e(f['name'])}</code></td><td>{e(f.get('type', 'string'))}</td>"
        f"<td>{e(f.get('description', f.get('title', '')))}</td><td>{e(_constraints(f))}</td></tr>"
        for f in resource["schema"]["fields"]
    )
    keys = sorted({k.strip() for cell in frame["source"].dropna() for k in cell.split(";") if k.strip()})
    sources = ", ".join(
        f'<a href="{e(bibliography_uri)}#{e(citations.bib_anchor(k))}">{e(bib.short_label(k))}</a>' for k in keys
    )
    return (
        f"<p>{e(resource.get('description', ''))}</p>"
        f'<p class="ppp-coverage"><strong>Coverage:</strong> {e(_coverage(frame))}.</p>'
        f"{_notes_html(name)}"
        f'<table class="ppp-dictionary"><caption>Columns of {e(resource["path"])}</caption>'
        f"<thead><tr><th>Column</th><th>Type</th><th>Meaning</th><th>Constraints</th></tr></thead>"
        f"<tbody>{fields}</tbody></table>"
        f"<p><strong>Sources:</strong> {sources}.</p>"
        f'<p class="ppp-downloads"><a href="{{static}}data/{e(resource["path"])}" download>Download {e(resource["path"])}</a>'
        f' · <a href="{{static}}data/schemas/{e(name)}.json" download>Table Schema (JSON)</a></p>'
    )


def write_downloads(folder: Path) -> None:
    """Copy every table, schema and note, and a deterministic zip of the whole package."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor_files = [paths.PACKAGE, *sorted(paths.DATA.glob("*.csv")), *sorted(paths.DATA.glob("schemas/*.json")),
                        *sorted(paths.DATA.glob("notes/*.md")), paths.DATA / "README.md", paths.BIBFILE]
    with zipfile.ZipFile(folder / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in [p for p in descriptor_files if p.exists()]:
            arcname = "data/" + str(path.relative_to(paths.DATA)) if path.is_relative_to(paths.DATA) else path.name
            target = folder / path.relative_to(paths.DATA) if path.is_relative_to(paths.DATA) else folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
