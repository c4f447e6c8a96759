"""The list of what still touches another library's internals (ppp_atlas/patches.py) is complete,
each entry is guarded by a version check and by a test that exists, and nothing outside the list
reassigns another library's code."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ppp_atlas import patches

ROOT = Path(__file__).resolve().parent.parent


def test_every_patch_is_written_against_the_installed_version():
    assert patches.check_versions() == []


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda p: p.name)
def test_every_patch_names_its_place_its_upstream_and_an_existing_test(patch):
    assert patch.kind in (patches.REASSIGNMENT, patches.SETTING, patches.PRIVATE, patches.TEXT)
    assert (ROOT / patch.where.split(":")[0].split(" (")[0].strip()).exists(), patch.where
    assert patch.upstream and patch.version
    file, _, name = patch.test.partition("::")
    source = (ROOT / file).read_text(encoding="utf-8")
    assert re.search(rf"^def {re.escape(name)}\(", source, re.M), patch.test


def test_a_changed_library_stops_the_build_with_the_patches_to_check(monkeypatch):
    monkeypatch.setattr(patches, "installed_version", lambda package: "0.0.1")
    with pytest.raises(RuntimeError, match="written against pybtex 0.26.1, installed: 0.0.1"):
        patches.require_versions()


def _imported_names(tree: ast.Module) -> set[str]:
    """Names bound to another library's modules or objects (``import x``, ``from x import y``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if not a.name.startswith("ppp_atlas"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and not (node.module or "").startswith("ppp_atlas"):
            names.update(a.asname or a.name for a in node.names)
    return names


def test_no_module_but_patches_reassigns_another_librarys_code():
    """``library.attribute = ...`` on an imported module or class is a runtime patch: only
    ppp_atlas/patches.py may hold one."""
    found = []
    for path in sorted((ROOT / "ppp_atlas").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = _imported_names(tree)
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                base = target
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(target, ast.Attribute) and isinstance(base, ast.Name) and base.id in foreign:
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(target)}")
    reassigned = {f for f in found if f.startswith("patches.py:")}
    # a process-wide setting through a library's own configuration object, each listed
    settings = {Path(p.where.split(":")[0]).name for p in patches.PATCHES if p.kind == patches.SETTING}
    assert sorted(f for f in found if f not in reassigned and f.split(":")[0] not in settings) == []
    assert len(reassigned) == sum(p.kind == patches.REASSIGNMENT for p in patches.PATCHES) == 1, found
