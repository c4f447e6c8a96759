"""The comparative design matrix and the permitted-functions table: complete, coded, evidenced;
and the scores built on it (weighted index, rank sensitivity)."""
from __future__ import annotations

import numpy as np
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
    assert matrix["code"].dropna().between(codebook["level"].min(), codebook["level"].max()).all()
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
    assert set(table["status"].dropna()) <= {"state_exclusive", "private_under_licence", "private_under_state_oversight", "open"}


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


# --- unknown cells: the rule shared with the site's browser form ---

UNKNOWN = pd.DataFrame({"a": [3, None, None], "b": [1, 2, None], "c": [None, 2, None]},
                       index=["X", "Y", "NONE"], dtype="Float64")


def test_unknown_cells_drop_out_of_numerator_and_denominator():
    index = scores.weighted_index(UNKNOWN, {"a": 1, "b": 1, "c": 1})
    assert index["X"] == pytest.approx(100 * (3 + 1) / (3 * 2))     # c unknown: mean of a and b
    assert index["Y"] == pytest.approx(100 * (2 + 2) / (3 * 2))     # a unknown, not a zero
    assert pd.isna(index["NONE"])                                   # no known code, no index
    weighted = scores.weighted_index(UNKNOWN, {"a": 3, "b": 1, "c": 5})
    assert weighted["X"] == pytest.approx(100 * (3 * 3 + 1 * 1) / (3 * 4))
    assert pd.isna(scores.weighted_index(UNKNOWN, {"c": 1})["X"])   # the only weighted element is unknown for X


def test_an_unknown_cell_is_not_a_zero():
    known_zero = UNKNOWN.fillna({"c": 0})
    assert scores.weighted_index(known_zero, {"a": 1, "b": 1, "c": 1})["X"] < scores.weighted_index(UNKNOWN, {"a": 1, "b": 1, "c": 1})["X"]


def test_sensitivity_and_rank_summary_skip_unknown_cells_and_uncoded_rows():
    ranks = scores.random_weight_ranks(UNKNOWN, draws=300, seed=7)
    assert list(ranks.index) == ["X", "Y"]                          # NONE has no known code
    assert ranks.shape == (2, 300) and ranks.isin([1, 2]).all().all()
    # each draw ranks by the same rule as weighted_index
    w = dict(zip("abc", np.random.default_rng(7).dirichlet(np.ones(3), size=300)[0]))
    first = scores.weighted_index(UNKNOWN, w).drop("NONE")
    assert ranks[0].to_dict() == first.rank(ascending=False, method="min").astype(int).to_dict()
    summary = scores.rank_summary(ranks)
    assert set(summary["iso3"]) == {"X", "Y"}
    assert summary["share_first"].sum() >= 1.0


def test_the_book_matrix_index_uses_known_codes_only():
    matrix = data.load("design-matrix")
    wide = matrix.pivot(index="iso3", columns="dimension", values="code").astype("Float64")
    index = scores.weighted_index(wide, {d: 1 for d in wide.columns})
    for iso, row in wide.iterrows():
        known = row.dropna()
        assert index[iso] == pytest.approx(100 * known.sum() / (3 * len(known)))


# --- consistency between code, label and evidence (issue 11) ---

def test_unknown_cells_have_no_code_an_unverified_label_and_a_note():
    matrix = data.load("design-matrix")
    unknown = matrix[matrix["code"].isna()]
    assert len(unknown) >= 1
    assert (unknown["verification"] == "unverified").all()
    assert unknown["note"].str.contains("Unknown").all()
    assert unknown["note"].str.contains("left out of the index").all()
    functions = data.load("permitted-functions")
    blank = functions[functions["status"].isna()]
    assert (blank["verification"] == "unverified").all() and blank["note"].notna().all()
    assert blank["basis"].str.startswith("Not established").all()


def test_a_cell_that_rests_on_law_not_read_is_not_coded():
    """A note saying the deciding source was not read, on a cell marked unverified, goes with no code."""
    matrix = data.load("design-matrix")
    unverified = matrix[matrix["verification"] == "unverified"]
    assert unverified["code"].isna().all(), unverified[["iso3", "dimension"]].values.tolist()
    functions = data.load("permitted-functions")
    rest_on_article = functions[(functions["source"] == "Seed2025jamoat") & functions["locator"].str.contains("no detail", na=False)]
    assert rest_on_article["status"].isna().all()


def test_codes_and_labels_use_the_codebook_and_the_project_labels():
    matrix, codebook = data.load("design-matrix"), data.load("design-codebook")
    levels = set(zip(codebook["dimension"], codebook["level"]))
    coded = matrix.dropna(subset=["code"])
    assert all((d, c) in levels for d, c in zip(coded["dimension"], coded["code"]))
    assert set(matrix["verification"]) <= {"confirmed", "corrected", "inferred", "partial", "unverified"}
    assert (codebook["verification"] == "model").all(), "level wording is the book's own rule"
    for frame in (matrix, data.load("permitted-functions")):
        needs = frame[frame["verification"].isin(["corrected", "inferred", "partial", "unverified"])]
        assert needs["note"].notna().all()


def test_partial_or_inferred_cells_are_not_high_confidence():
    for name in ("design-matrix", "permitted-functions"):
        frame = data.load(name)
        assert not ((frame["verification"].isin(["partial", "inferred"])) & (frame["confidence"] == "high")).any(), name


def test_no_powers_beyond_the_citizen_means_no_force_beyond_self_defence():
    functions = data.load("permitted-functions")
    force = functions[functions["function"] == "use_of_force"]
    citizen_only = force["basis"].str.contains(r"only in self-defence|any private person|what any person|adds no power|confers no", regex=True)
    assert citizen_only.sum() >= 3
    assert (force.loc[citizen_only, "status"] == "state_exclusive").all()
    # a licence to carry arms is not a power to use force: armed-guarding rows must say what the force powers are
    licensed = force[force["status"] == "private_under_licence"]
    assert licensed["basis"].str.contains(r"may use|special means", regex=True).all()


def test_voluntary_partnership_is_not_state_oversight():
    functions = data.load("permitted-functions")
    voluntary = functions[functions["basis"].str.contains("voluntary", case=False)]
    assert len(voluntary) >= 1
    assert not (voluntary["status"] == "private_under_state_oversight").any()


def test_coder_notes_do_not_claim_a_level_the_code_lacks():
    """A coder's note saying an element 'was not read and is not counted' cannot sit on a code whose level requires it."""
    matrix = data.load("design-matrix")
    assert not matrix["coder_note"].fillna("").str.contains("not read and (?:is|are) not counted", regex=True).any()
    # level 2+ of surveillance_data_cyber requires a cybersecurity law for critical infrastructure in the evidence
    cyber = matrix[(matrix["dimension"] == "surveillance_data_cyber") & (matrix["code"] >= 2)]
    assert cyber["evidence"].str.contains(r"critical|Cybersecurity Act|cyber obligations|BSI Act|Network and Information", regex=True).all()


def test_no_jurisdiction_without_private_guards_outscores_one_with_them_on_limits_of_force():
    matrix = data.load("design-matrix").set_index(["iso3", "dimension"])
    no_private = matrix.xs("private_security_licensing", level="dimension")["code"] == 0
    limits = matrix.xs("limits_private_force", level="dimension")["code"]
    for iso in no_private[no_private.fillna(False)].index:
        assert pd.isna(limits[iso]), f"{iso} has no private security firms but a code for limits on private force"

def test_weighted_index_drops_unknown_codes_from_numerator_and_denominator():
    codes = pd.DataFrame({"a": [3, None, None], "b": [1, 2, None], "c": [None, 3, 2]}, index=["X", "Y", "Z"])
    index = scores.weighted_index(codes, {"a": 1, "b": 2, "c": 1})
    assert index["X"] == pytest.approx((3 * 1 + 1 * 2) / (3 * 3) * 100)   # c unknown: weights 1 + 2 remain
    assert index["Y"] == pytest.approx((2 * 2 + 3 * 1) / (3 * 3) * 100)   # a unknown
    assert index["Z"] == pytest.approx(200 / 3)                             # only c known
    only_a = scores.weighted_index(codes, {"a": 1})
    assert only_a["X"] == 100.0 and only_a[["Y", "Z"]].isna().all()       # no known code with weight: no index
