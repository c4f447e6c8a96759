"""Command line: ``python -m ppp_atlas.register`` lists new tables in data/datapackage.json.

A table is new when ``data/<name>.csv`` and ``data/schemas/<name>.json`` both
exist and the package does not list it yet. Its entry starts with the title and
description from the first lines of ``data/notes/<name>.md``; edit them there.
"""
import json
import sys

from . import paths

LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}


def _summary(name: str) -> tuple[str, str]:
    notes = paths.DATA / "notes" / f"{name}.md"
    if not notes.exists():
        return name.replace("-", " ").capitalize(), ""
    lines = [line.strip() for line in notes.read_text(encoding="utf-8").splitlines()]
    title = next((line.lstrip("# ") for line in lines if line.startswith("#")), name)
    body = next((line for line in lines if line and not line.startswith("#")), "")
    return title, body


def main() -> int:
    descriptor = json.loads(paths.PACKAGE.read_text(encoding="utf-8"))
    listed = {r["name"] for r in descriptor["resources"]}
    added = []
    for schema in sorted((paths.DATA / "schemas").glob("*.json")):
        name = schema.stem
        if name in listed or not (paths.DATA / f"{name}.csv").exists():
            continue
        title, description = _summary(name)
        descriptor["resources"].append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "title": title, "description": description, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": f"schemas/{name}.json",
        })
        added.append(name)
    if added:
        paths.PACKAGE.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("registered: " + (", ".join(added) if added else "nothing new"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
