"""Scores built on the design matrix: a weighted index and how ranks depend on the weights.

Codes are ordinal (0-3), so the index is a convenience for comparison, not a measure:
the sensitivity analysis shows how far any ranking rests on the choice of weights.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TOP_CODE = 3


def weighted_index(codes: pd.DataFrame, weights) -> pd.Series:
    """Weighted mean code per row (jurisdiction), rescaled so that 3 on every element is 100.

    ``codes``: one row per jurisdiction, one column per design element; an empty (NaN)
    cell is an unknown code. ``weights``: a mapping from element to a non-negative number;
    only ratios matter, missing ones are 0. Unknown codes drop out of both the numerator
    and the denominator, so a row's index is the weighted mean of its known codes; a row
    with no known code of positive weight has no index (NaN).
    """
    w = pd.Series(weights, dtype=float).reindex(codes.columns).fillna(0.0)
    if (w < 0).any() or w.sum() == 0:
        raise ValueError("weights must be non-negative and not all zero")
    values = codes.astype(float)
    known = values.notna()
    weight_known = known.mul(w, axis=1).sum(axis=1)
    total = values.fillna(0.0).mul(w, axis=1).sum(axis=1)
    return (total / (TOP_CODE * weight_known) * 100).where(weight_known > 0)


def random_weight_ranks(codes: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """Ranks (1 = highest index; ties share the better rank) of each row under ``draws``
    weightings drawn uniformly from all weightings (a flat Dirichlet), seeded: one row per
    jurisdiction, one column per draw."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(codes.shape[1]), size=draws)   # each row sums to 1
    scores = pd.DataFrame(codes.values @ weights.T / TOP_CODE * 100, index=codes.index)
    return scores.rank(axis=0, ascending=False, method="min").astype(int)


def rank_summary(ranks: pd.DataFrame) -> pd.DataFrame:
    """Per jurisdiction: 5th percentile, median and 95th percentile rank, and the share of
    draws in which it ranks first, ordered by median rank."""
    return pd.DataFrame({
        "iso3": ranks.index,
        "rank_p05": ranks.quantile(0.05, axis=1, interpolation="lower").astype(int).values,
        "rank_median": ranks.median(axis=1).values,
        "rank_p95": ranks.quantile(0.95, axis=1, interpolation="higher").astype(int).values,
        "share_first": (ranks == 1).mean(axis=1).round(3).values,
    }).sort_values("rank_median", kind="stable")
