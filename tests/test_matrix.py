"""The comparative design matrix and the permitted-functions table: complete, coded, evidenced."""
from __future__ import annotations

from ppp_atlas import data

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
