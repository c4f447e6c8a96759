"""`make bench` (editions part): the English-only and the trilingual clean build side by side,
the no-change rebuild of all three, and translation coverage per edition and catalog.

Targets (issue: three editions from one source): trilingual clean build at most 2.5 times the
English-only one; a no-change rebuild of all three at most 0.15 times the trilingual clean build.
A clean build is one as on a fresh clone (``--clean``: no caches of any kind).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ppp_atlas import editions  # noqa: E402
from bench import timed_build  # noqa: E402  (this folder is on the path: the script's own)

TARGETS = {"trilingual / english": 2.5, "rebuild / trilingual": 0.15}


def main() -> int:
    english = timed_build("--clean", "--english-only")[0]
    trilingual = timed_build("--clean")[0]
    rebuild = timed_build()[0]
    ratios = {"trilingual / english": trilingual / english, "rebuild / trilingual": rebuild / trilingual}
    print(f"\n{'measure':<44}{'value':>10}{'target':>10}  ok")
    print(f"{'clean build, English only (s)':<44}{english:>10.1f}")
    print(f"{'clean build, en + uz + ru (s)':<44}{trilingual:>10.1f}")
    print(f"{'no-change rebuild, en + uz + ru (s)':<44}{rebuild:>10.1f}")
    for name, value in ratios.items():
        print(f"{name:<44}{value:>10.3f}{TARGETS[name]:>10}  {'yes' if value <= TARGETS[name] else 'NO'}")
    for lang in editions.TRANSLATIONS:
        rows = editions.coverage(lang)
        total, done = sum(r.total for r in rows), sum(r.translated for r in rows)
        fuzzy = sum(r.fuzzy for r in rows)
        words = sum(len(m.id.split()) for p in editions.catalog_files(lang) for m in editions.read_catalog(p) if m.id)
        print(f"\n{editions.ENDONYMS[lang]} ({lang}): {done}/{total} messages ({100 * done / total:.1f} %), "
              f"{fuzzy} fuzzy, {len(rows)} catalogs, {words:,} English words")
        for r in rows:
            print(f"  {r.file:<40}{r.translated:>5}/{r.total:<5}{r.percent:7.1f} %  fuzzy {r.fuzzy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
