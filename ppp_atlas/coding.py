"""Two coders, one codebook: how far the independent codings of the coded tables agree.

Every cell of ``permitted-functions`` (a status) and ``design-matrix`` (a level 0-3) was coded
twice: by a first coder who re-read each cell's legal basis, and by a second coder who worked
blind, from the codebook and the sources alone. Both codings are kept in ``data/coding/``
(``first-coding-<table>.csv``, ``second-coding-<table>.csv``), with a written resolution of each
disagreement (``resolutions-<table>.csv``); the published table holds the resolved value.

Agreement is reported as comparative datasets report intercoder reliability: the share of cells
coded alike, and Cohen's kappa, which discounts the agreement two coders would reach by chance
(scikit-learn's ``cohen_kappa_score``). A cell left empty by a coder ("not established") is a
category of its own: two coders who both could not establish a cell agree. For the ordinal levels
of the design matrix a quadratically weighted kappa is given as well, which counts a 2 against a 3
as a smaller disagreement than a 0 against a 3.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import paths

UNKNOWN = "not established"

#: table -> (its key columns, the coded column, ordinal?)
TABLES = {
    "permitted-functions": (("function", "iso3"), "status", False),
    "design-matrix": (("dimension", "iso3"), "code", True),
}


def coding(table: str, which: str) -> pd.DataFrame:
    """One coding of a table (``which``: ``first``, ``second`` or ``edition-0.1.0``), keyed by its cells;
    an empty value is :data:`UNKNOWN`."""
    keys, column, _ = TABLES[table]
    prefix = which if which.startswith("edition-") else f"{which}-coding"
    frame = pd.read_csv(paths.DATA / "coding" / f"{prefix}-{table}.csv", dtype=str, keep_default_na=False)
    frame[column] = frame[column].replace("", UNKNOWN)
    return frame.set_index(list(keys))


def resolutions(table: str) -> pd.DataFrame:
    keys, _, _ = TABLES[table]
    frame = pd.read_csv(paths.DATA / "coding" / f"resolutions-{table}.csv", dtype=str, keep_default_na=False)
    for column in ("first", "second", "resolved"):
        frame[column] = frame[column].replace("", UNKNOWN)
    return frame.set_index(list(keys))


def paired(table: str) -> pd.DataFrame:
    """The two codings side by side, one row per cell: columns ``first`` and ``second``."""
    _, column, _ = TABLES[table]
    first, second = coding(table, "first")[column], coding(table, "second")[column]
    if set(first.index) != set(second.index):
        missing = sorted(set(first.index) ^ set(second.index))
        raise ValueError(f"data/coding: the two codings of {table} cover different cells: {missing[:5]}")
    return pd.DataFrame({"first": first, "second": second.reindex(first.index)})


@dataclass(frozen=True)
class Agreement:
    cells: int
    agreed: int
    kappa: float
    weighted_kappa: float | None = None   # ordinal tables only

    @property
    def share(self) -> float:
        return self.agreed / self.cells if self.cells else float("nan")


def _kappa(first: pd.Series, second: pd.Series, weights: str | None = None) -> float:
    from sklearn.metrics import cohen_kappa_score

    if weights is None:
        labels = sorted(set(first) | set(second))
        if len(labels) == 1:
            return 1.0  # one category only: no chance agreement to discount
        return float(cohen_kappa_score(first, second, labels=labels))
    known = (first != UNKNOWN) & (second != UNKNOWN)
    a, b = first[known].astype(int), second[known].astype(int)
    if len(set(a) | set(b)) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b, weights=weights))


def agreement(pairs: pd.DataFrame, ordinal: bool = False) -> Agreement:
    """Agreement of the two codings in ``pairs`` (see :func:`paired`)."""
    first, second = pairs["first"], pairs["second"]
    return Agreement(cells=len(pairs), agreed=int((first == second).sum()), kappa=_kappa(first, second),
                     weighted_kappa=_kappa(first, second, "quadratic") if ordinal else None)


def table_agreement(table: str) -> Agreement:
    _, _, ordinal = TABLES[table]
    return agreement(paired(table), ordinal)


def agreement_by(table: str, level: str) -> dict[str, Agreement]:
    """Agreement within each value of one key column (for example each design element)."""
    _, _, ordinal = TABLES[table]
    pairs = paired(table)
    return {value: agreement(group, ordinal) for value, group in pairs.groupby(level=level, sort=False)}


def disagreements(table: str) -> pd.DataFrame:
    """Cells the two codings disagree on, with their written resolution (an error names any cell
    without one, or a resolution that does not match the published table)."""
    keys, column, _ = TABLES[table]
    pairs = paired(table)
    differ = pairs[pairs["first"] != pairs["second"]]
    resolved = resolutions(table)
    missing = [key for key in differ.index if key not in resolved.index]
    if missing:
        raise ValueError(f"data/coding/resolutions-{table}.csv: no resolution for {missing[:5]}")
    published = published_coding(table)
    for key, row in resolved.iterrows():
        if not row["reason"].strip():
            raise ValueError(f"data/coding/resolutions-{table}.csv: cell {key}: field reason is empty")
        if published.get(key) != row["resolved"]:
            raise ValueError(f"data/coding/resolutions-{table}.csv: cell {key}: field resolved is "
                             f"{row['resolved']!r}, but data/{table}.csv holds {published.get(key)!r}")
    return differ.join(resolved[["resolved", "reason"]])


def published_coding(table: str) -> pd.Series:
    """The coded column of the published table, keyed by cell (empty: :data:`UNKNOWN`)."""
    keys, column, _ = TABLES[table]
    frame = pd.read_csv(paths.DATA / f"{table}.csv", dtype=str, keep_default_na=False)
    return frame.set_index(list(keys))[column].replace("", UNKNOWN)


def moved_since(table: str, edition: str = "edition-0.1.0") -> pd.DataFrame:
    """Cells whose published value differs from an earlier edition's: columns ``before``, ``now``."""
    _, column, _ = TABLES[table]
    before = coding(table, edition)[column]
    now = published_coding(table).reindex(before.index)
    changed = before != now
    return pd.DataFrame({"before": before[changed], "now": now[changed]})
