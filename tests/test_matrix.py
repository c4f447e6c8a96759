"""The comparative design matrix and the permitted-functions table: complete, coded, evidenced;
and the scores built on it (weighted index, rank sensitivity)."""
from __future__ import annotations

import pandas as pd
import pytest

from ppp_atlas import data
from ppp_atlas import matrix as scores

JURISDICTIONS = {"GBR", "DEU", "USA", "AUS", "SGP", "RUS", "KAZ", "UZB"}


def test_every_cell_of_the_matrix_is_coded_evidenced_and_sourced():
    matrix = data.load("design-matrix")
    codebook = data.load("design-codebook")
    dimensions = set(codebook["dimension"])
    assert len(dimensions) >= 11
    assert set(matrix["iso3"]) >= JURISDICTIONS
    cells = set(zip(matrix["iso3"], matrix["dimension"]))
    assert cells == {(j, d) for j in set(matrix["iso3"]) for d in dimensions}, "a jurisdiction lacks a dimension"
    assert len(cells) == len(matrix), "a cell is coded twice"
    assert matrix["code"].between(codebook["level"].min(), codebook["level"].max()).all()
    assert (matrix["evidence"].str.len() >= 40).all(), "evidence is a real sentence"
    assert matrix["source"].str.strip().astype(bool).all()
    assert set(matrix["confidence"]) <= {"high", "medium", "low"}


def test_codebook_defines_every_level_of_every_dimension():
    codebook = data.load("design-codebook")
    for dimension, levels in codebook.groupby("dimension")["level"]:
        assert sorted(levels) == [0, 1, 2, 3], dimension
    assert codebook["level_definition"].str.len().min() >= 20


def test_permitted_functions_cover_every_function_in_every_jurisdiction():
    table = data.load("permitted-functions")
    assert table["function"].nunique() >= 12
    assert set(table["iso3"]) >= JURISDICTIONS
    assert len(table) == table["function"].nunique() * table["iso3"].nunique()
    assert set(table["status"]) <= {"state_exclusive", "private_under_licence", "private_under_state_oversight", "open"}


def test_model_instruments_are_tied_to_sources():
    for name in ("safe-city-risk-allocation", "safe-city-kpi-sla", "safe-city-contract-checklist"):
        table = data.load(name)
        assert len(table) >= 10, name
        assert table["source"].str.strip().astype(bool).all(), name


# --- the weighted index and the sensitivity of ranks to the weights (ppp_atlas.matrix) ---

CODES = pd.DataFrame({"a": [3, 0, 1], "b": [3, 0, 3], "c": [3, 0, 2]}, index=["TOP", "LOW", "MID"])


def test_weighted_index_scales_full_marks_to_100_and_follows_the_weights():
    equal = scores.weighted_index(CODES, {"a": 1, "b": 1, "c": 1})
    assert equal.to_dict() == {"TOP": 100.0, "LOW": 0.0, "MID": pytest.approx(200 / 3)}
    only_b = scores.weighted_index(CODES, {"b": 5})  # missing weights count as 0; only ratios matter
    assert only_b["MID"] == 100.0


@pytest.mark.parametrize("weights", [{"a": -1, "b": 1}, {"a": 0, "b": 0}, {}])
def test_weighted_index_refuses_negative_or_all_zero_weights(weights):
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        scores.weighted_index(CODES, weights)


def test_random_weight_ranks_are_seeded_and_respect_dominance():
    ranks = scores.random_weight_ranks(CODES, draws=500, seed=2026)
    assert ranks.shape == (3, 500)
    assert ranks.equals(scores.random_weight_ranks(CODES, draws=500, seed=2026))
    assert (ranks.loc["TOP"] == 1).all() and (ranks.loc["LOW"] == 3).all()  # dominates / is dominated under any weights
    summary = scores.rank_summary(ranks)
    assert summary["iso3"].tolist() == ["TOP", "MID", "LOW"]
    assert summary.set_index("iso3").loc["TOP", "share_first"] == 1.0


def test_ties_share_the_better_rank():
    ranks = scores.random_weight_ranks(pd.DataFrame({"a": [2, 2], "b": [1, 1]}, index=["X", "Y"]), draws=10, seed=1)
    assert (ranks == 1).all().all()


def test_weighted_index_drops_unknown_codes_from_numerator_and_denominator():
    codes = pd.DataFrame({"a": [3, None, None], "b": [1, 2, None], "c": [None, 3, 2]}, index=["X", "Y", "Z"])
    index = scores.weighted_index(codes, {"a": 1, "b": 2, "c": 1})
    assert index["X"] == pytest.approx((3 * 1 + 1 * 2) / (3 * 3) * 100)   # c unknown: weights 1 + 2 remain
    assert index["Y"] == pytest.approx((2 * 2 + 3 * 1) / (3 * 3) * 100)   # a unknown
    assert index["Z"] == pytest.approx(200 / 3)                             # only c known
    only_a = scores.weighted_index(codes, {"a": 1})
    assert only_a["X"] == 100.0 and only_a[["Y", "Z"]].isna().all()       # no known code with weight: no index
