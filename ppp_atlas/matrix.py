"""Scores built on the design matrix: a weighted index and how ranks depend on the weights.

Codes are ordinal (0-3), so the index is a convenience for comparison, not a measure:
the sensitivity analysis shows how far any ranking rests on the choice of weights.

A cell that could not be coded is *unknown* (an empty code in ``data/design-matrix.csv``,
a missing value here). Unknown cells are never read as 0: they drop out of a jurisdiction's
index altogether, from the weighted sum of codes and from the sum of weights alike.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TOP_CODE = 3


def _weights(codes: pd.DataFrame, weights) -> pd.Series:
    w = pd.Series(weights, dtype=float).reindex(codes.columns).fillna(0.0)
    if (w < 0).any() or w.sum() == 0:
        raise ValueError("weights must be non-negative and not all zero")
    return w


def weighted_index(codes: pd.DataFrame, weights) -> pd.Series:
    """Design index per row (jurisdiction), from 0 to 100.

    ``codes``: one row per jurisdiction, one column per design element, each cell a code from
    0 to 3 or missing (unknown). ``weights``: a mapping from element to a non-negative number;
    only ratios matter, and elements without a weight count 0.

    The rule (the site's browser form reproduces it exactly): the index of a jurisdiction is
    the weighted mean of its *known* codes only, sum(w_e * code_e) / sum(w_e) over the
    elements e whose code is known, rescaled so that 3 on every element is 100, i.e.
    100 * sum(w_e * code_e) / (3 * sum(w_e)). Unknown elements drop out of both the numerator
    and the denominator. A jurisdiction with no known code of positive weight gets no index
    (a missing value).
    """
    w = _weights(codes, weights)
    known = codes.notna()
    values = codes.astype("float64").where(known, 0.0)
    numerator = values.mul(w, axis=1).sum(axis=1)
    denominator = known.astype(float).mul(w, axis=1).sum(axis=1)
    index = numerator / (TOP_CODE * denominator.where(denominator > 0)) * 100
    return index.astype("float64")


def random_weight_ranks(codes: pd.DataFrame, draws: int, seed: int) -> pd.DataFrame:
    """Ranks (1 = highest index; ties share the better rank) of each row under ``draws``
    weightings drawn uniformly from all weightings (a flat Dirichlet), seeded: one row per
    jurisdiction, one column per draw. Each draw scores every jurisdiction by the rule of
    :func:`weighted_index` (unknown cells drop out); jurisdictions with no known code are
    left out of the ranking."""
    codes = codes.loc[codes.notna().any(axis=1)]
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(codes.shape[1]), size=draws)   # each row sums to 1, all > 0
    known = codes.notna().to_numpy(dtype=float)
    values = codes.astype("float64").fillna(0.0).to_numpy()
    scores = (values @ weights.T) / (known @ weights.T) / TOP_CODE * 100
    scores = pd.DataFrame(np.round(scores, 9), index=codes.index)   # round so exact ties stay ties
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
