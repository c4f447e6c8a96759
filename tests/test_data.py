"""The data package: valid, typed, referentially sound, and loud about bad input."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ppp_atlas import data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DESCRIPTOR = data.read_descriptor()
NAMES = [r["name"] for r in DESCRIPTOR["resources"]]
REQUIRED_TABLES = ["countries", "ppp-maturity-stages", "oversight-institutions", "private-security-scope",
                   "attack-statistics", "security-workforce", "security-definitions", "ppp-principles",
                   "national-guard-countries", "country-cases"]


def test_package_validates():
    assert data.check() == []


def test_frictionless_validates_the_package():
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", str(DATA / "datapackage.json")],
                            capture_output=True, text=True, cwd=ROOT)
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps([t["errors"][:3] for t in report["tasks"] if not t["valid"]], indent=1)[:3000]


@pytest.mark.parametrize("name", REQUIRED_TABLES)
def test_required_tables_are_listed(name):
    assert name in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_table_has_notes_and_provenance(name):
    assert (DATA / "notes" / f"{name}.md").exists()
    frame = data.load(name)
    for column in data.PROVENANCE:
        assert column in frame.columns
    assert frame["source"].notna().all()
    assert set(frame["verification"]) <= set(data.VERIFICATION)


@pytest.mark.parametrize("name", NAMES)
def test_country_codes_are_foreign_keys(name):
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    iso_columns = [f["name"] for f in resource["schema"]["fields"] if f["name"].endswith("iso3")]
    declared = {f for fk in resource["schema"].get("foreignKeys", [])
                for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])}
    if name != "countries":
        assert set(iso_columns) <= declared, f"{name}: iso3 columns without a foreign key to countries"
    codes = set(data.load("countries")["iso3"])
    for column in iso_columns:
        assert set(data.load(name)[column].dropna()) <= codes


def test_load_returns_typed_columns():
    countries = data.load("countries")
    assert countries.loc[countries.iso3 == "UZB", "name_uz"].item() == "Oʻzbekiston"
    attacks = data.load("attack-statistics")
    assert str(attacks["killed"].dtype) == "Int64"


def test_unknown_table_is_named():
    with pytest.raises(KeyError, match="no table"):
        data.load("no-such-table")


# --- one test per class of bad input: the error names file, row and field -----------

def _rewrite(path: Path, change) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _problems(copy: Path) -> list[str]:
    return [str(p) for p in data.check(copy / "data" / "datapackage.json", copy / "references.bib")]


def _set(rows, row, column, value):
    rows[row - 1][rows[0].index(column)] = value


def test_non_numeric_value(data_copy):
    _rewrite(data_copy / "data/attack-statistics.csv", lambda rows: _set(rows, 4, "killed", "abc"))
    assert 'data/attack-statistics.csv row 4, field killed: "abc" is not an integer' in _problems(data_copy)


def test_negative_count(data_copy):
    _rewrite(data_copy / "data/attack-statistics.csv", lambda rows: _set(rows, 3, "injured", "-5"))
    assert any(p.startswith("data/attack-statistics.csv row 3, field injured:") and "below the minimum" in p
               for p in _problems(data_copy))


def test_unknown_country_code(data_copy):
    _rewrite(data_copy / "data/attack-statistics.csv", lambda rows: _set(rows, 2, "iso3", "XYZ"))
    assert 'data/attack-statistics.csv row 2, field iso3: unknown country code "XYZ"' in _problems(data_copy)


def test_unknown_source_key(data_copy):
    _rewrite(data_copy / "data/countries.csv", lambda rows: _set(rows, 5, "source", "Nobody2099nothing"))
    assert ('data/countries.csv row 5, field source: unknown source key "Nobody2099nothing" (not in references.bib)'
            in _problems(data_copy))


def test_duplicate_key(data_copy):
    _rewrite(data_copy / "data/countries.csv", lambda rows: rows.append(list(rows[1])))
    problems = _problems(data_copy)
    assert any(p.startswith(f"data/countries.csv row 251, field iso3: duplicate key") for p in problems), problems


def test_missing_column(data_copy):
    def drop_note(rows):
        index = rows[0].index("note")
        for row in rows:
            del row[index]
    _rewrite(data_copy / "data/countries.csv", drop_note)
    assert "data/countries.csv row 1, field note: column is missing from the header" in _problems(data_copy)


def test_ragged_row(data_copy):
    _rewrite(data_copy / "data/countries.csv", lambda rows: rows[6].append("extra"))
    assert any(p.startswith("data/countries.csv row 7") and "has 12 values but the header has 11 columns" in p
               for p in _problems(data_copy))


def test_corrected_row_needs_a_note(data_copy):
    _rewrite(data_copy / "data/countries.csv", lambda rows: (_set(rows, 2, "verification", "corrected"), _set(rows, 2, "note", "")))
    assert "data/countries.csv row 2, field note: a row marked corrected needs a note saying why" in _problems(data_copy)


def test_bad_input_stops_the_build_before_anything_is_built(data_copy):
    _rewrite(data_copy / "data/attack-statistics.csv", lambda rows: _set(rows, 4, "killed", "abc"))
    with pytest.raises(data.DataError, match=r"row 4, field killed"):
        data.validate(data_copy / "data" / "datapackage.json", data_copy / "references.bib")


def test_data_readme_is_current():
    from ppp_atlas import datadocs

    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert readme == datadocs.readme_markdown(), "data/README.md is stale: run `python -m ppp_atlas.datadocs`"


def test_the_international_cases_heatmap_names_every_country_with_a_case():
    """The notebook types the heatmap's row order by hand (ORDER); a country added to
    country-cases.csv and not to ORDER would silently drop out of the chart and of its glued counts."""
    import ast
    import json

    notebook = json.loads((ROOT / "notebooks" / "international-cases.ipynb").read_text(encoding="utf-8"))
    order = None
    for cell in notebook["cells"]:
        for node in ast.walk(ast.parse("".join(cell["source"]))) if cell["cell_type"] == "code" else ():
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ORDER" for t in node.targets):
                order = ast.literal_eval(node.value)
    assert order, "the notebook's ORDER list was not found"
    countries = set(data.load("country-cases")["iso3"])
    assert countries == set(order), {"not in ORDER": sorted(countries - set(order)),
                                     "in ORDER without a case": sorted(set(order) - countries)}
