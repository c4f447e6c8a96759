"""Load and validate the book's data package.

Every table in ``data/`` is a CSV described by a Frictionless Table Schema
(``data/schemas/<table>.json``) and listed in ``data/datapackage.json``.
:func:`validate` checks each table against its schema and against the rest of
the project (source keys in ``references.bib``, country codes in
``countries.csv``); :func:`load` returns one table as a typed DataFrame, and
only after the whole package has passed.

Every problem is reported as ``<file> row <n>, field <name>: <what is wrong>``,
where row 1 is the header line, so row *n* is line *n* of the file.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths

PROVENANCE = ["source", "locator", "accessed", "verification", "note"]
#: The verification labels, in the order the Data page defines them. Every table's
#: ``verification`` column takes one of these; the definitions are shown to readers.
VERIFICATION_LABELS: dict[str, str] = {
    "confirmed": "The cited source, read in the part that matters, says what the row says.",
    "corrected": ("A source contradicts the article (or the fact has changed since it was written): the row "
                  "holds the source's value and keeps the article's value beside it, in a column ending in "
                  "_in_article or in the note."),
    "inferred": ("The book's own identification or reading, drawn from sources that do not state it "
                 "directly (for example, which real programme an article's description refers to); the "
                 "note says what it rests on."),
    "partial": ("The row rests on a source read only in part (an abstract, a summary, a report's front matter, "
                "a statute up to a given article); the note says what was read."),
    "model": ("The book's own proposal, such as the model KPI schedule or the codebook's levels: not a claim "
              "about any source. The sources named are the practice it draws on, not evidence that confirms it."),
    "unverified": "The primary source could not be consulted; the note says why and what the row rests on instead.",
}
VERIFICATION = list(VERIFICATION_LABELS)
#: Labels whose rows must explain themselves in ``note``.
NOTE_REQUIRED = ("corrected", "inferred", "partial", "model", "unverified")
TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}
_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row, column or file."""

    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field is not None:
            where += f"{',' if self.row is not None else ''} field {self.field}"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """Raised when the data package does not validate; lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in data/:\n{shown}{more}")


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve().parent))
    except ValueError:
        return str(path)


def read_descriptor(package: Path = paths.PACKAGE) -> dict:
    """The package descriptor with every resource's schema read in."""
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        if isinstance(schema, str):
            resource["schema"] = json.loads((package.parent / schema).read_text(encoding="utf-8"))
    return descriptor


def bib_keys(bibfile: Path = paths.BIBFILE) -> frozenset[str]:
    """Keys of every entry in the bibliography, parsed with pybtex."""
    return _bib_keys(bibfile, bibfile.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _bib_keys(bibfile: Path, _mtime: int) -> frozenset[str]:
    from pybtex.database import parse_file

    return frozenset(parse_file(str(bibfile), bib_format="bibtex").entries.keys())


def _cell_problem(value: str, field: dict) -> str | None:
    """Why ``value`` does not fit ``field``, or None when it does."""
    kind = field.get("type", "string")
    c = field.get("constraints", {})
    if value == "":
        return "is required but empty" if c.get("required") else None
    typed: object = value
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            return f'"{value}" is not an integer'
        typed = int(value)
    elif kind == "number":
        try:
            typed = float(value)
        except ValueError:
            return f'"{value}" is not a number'
    elif kind == "boolean":
        if value not in TRUE_VALUES | FALSE_VALUES:
            return f'"{value}" is not a boolean (true or false)'
        typed = value in TRUE_VALUES
    elif kind == "date":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            typed = date.fromisoformat(value)
        except ValueError:
            return f'"{value}" is not a date (YYYY-MM-DD)'
    elif kind == "year":
        if not _YEAR.fullmatch(value):
            return f'"{value}" is not a year (YYYY)'
        typed = int(value)
    if "minimum" in c and typed < _bound(c["minimum"], kind):
        return f'"{value}" is below the minimum {c["minimum"]}'
    if "maximum" in c and typed > _bound(c["maximum"], kind):
        return f'"{value}" is above the maximum {c["maximum"]}'
    if "enum" in c and typed not in [_bound(e, kind) for e in c["enum"]]:
        return f'"{value}" is not one of {", ".join(map(str, c["enum"]))}'
    if "pattern" in c and not re.fullmatch(c["pattern"], value):
        return f'"{value}" does not match the pattern {c["pattern"]}'
    if "minLength" in c and len(value) < c["minLength"]:
        return f'"{value}" is shorter than {c["minLength"]} characters'
    if "maxLength" in c and len(value) > c["maxLength"]:
        return f"is longer than {c['maxLength']} characters"
    return None


def _bound(bound, kind: str):
    if kind == "date" and isinstance(bound, str):
        return date.fromisoformat(bound)
    if kind == "boolean" and isinstance(bound, str):
        return bound in TRUE_VALUES
    return bound


def _read_rows(path: Path, name: str, problems: list[Problem]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not path.exists():
        problems.append(Problem(name, "file is missing"))
        return [], []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader if row]
    return header, rows


def _check_resource(resource: dict, base: Path, keys: frozenset[str] | None, problems: list[Problem]) -> dict:
    """Check one table; return its rows as dicts keyed by field, with line numbers. With ``keys``
    None the table is not a data table (the termbase): no provenance columns are asked for."""
    path = base / resource["path"]
    name = _rel(path, base)
    schema = resource["schema"]
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    header, rows = _read_rows(path, name, problems)
    if not header:
        return {"name": name, "rows": []}
    for missing in [n for n in names if n not in header]:
        problems.append(Problem(name, "column is missing from the header", 1, missing))
    for extra in [h for h in header if h not in names]:
        problems.append(Problem(name, "column is not in the table's schema", 1, extra))
    if not any(p.row == 1 and p.file == name for p in problems) and header != names:
        problems.append(Problem(name, f"header order differs from the schema: {', '.join(names)}", 1))
    for missing in [n for n in PROVENANCE if n not in names and keys is not None]:
        problems.append(Problem(name, "provenance column is missing from the schema", 1, missing))
    by_name = {f["name"]: f for f in fields}
    records = []
    for line, row in rows:
        if len(row) != len(header):
            problems.append(Problem(name, f"has {len(row)} values but the header has {len(header)} columns", line))
            continue
        record = dict(zip(header, row))
        for column, value in record.items():
            if column in by_name:
                why = _cell_problem(value, by_name[column])
                if why:
                    problems.append(Problem(name, why, line, column))
        if keys is not None:
            _check_provenance(record, keys, name, line, problems)
        records.append((line, record))
    _check_unique(name, schema, records, problems)
    return {"name": name, "rows": records}


def _check_provenance(record: dict, keys: frozenset[str], name: str, line: int, problems: list[Problem]) -> None:
    for key in [k.strip() for k in record.get("source", "").split(";") if k.strip()]:
        if key not in keys:
            problems.append(Problem(name, f'unknown source key "{key}" (not in references.bib)', line, "source"))
    if "source" in record and not record["source"].strip():
        problems.append(Problem(name, "every row needs a source key", line, "source"))
    status = record.get("verification")
    if status is not None and status not in VERIFICATION:
        problems.append(Problem(name, f'"{status}" is not one of {", ".join(VERIFICATION)}', line, "verification"))
    if status in NOTE_REQUIRED and not record.get("note", "").strip():
        problems.append(Problem(name, f"a row marked {status} needs a note saying why", line, "note"))


def _key_fields(spec) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec or [])


def _check_unique(name: str, schema: dict, records: list, problems: list[Problem]) -> None:
    groups = [_key_fields(schema.get("primaryKey"))]
    groups += [[f["name"]] for f in schema.get("fields", []) if f.get("constraints", {}).get("unique")]
    for group in [g for g in groups if g]:
        seen: dict[tuple, int] = {}
        for line, record in records:
            value = tuple(record.get(f, "") for f in group)
            if value in seen:
                shown = ", ".join(value)
                problems.append(Problem(name, f'duplicate key "{shown}" (first at row {seen[value]})', line, "+".join(group)))
            else:
                seen[value] = line


def _check_foreign_keys(resources: list[dict], tables: dict[str, dict], problems: list[Problem]) -> None:
    for resource in resources:
        table = tables[resource["name"]]
        for fk in resource["schema"].get("foreignKeys", []):
            fields = _key_fields(fk["fields"])
            target = fk["reference"].get("resource") or resource["name"]
            target_fields = _key_fields(fk["reference"]["fields"])
            if target not in tables:
                problems.append(Problem(table["name"], f'foreign key refers to unknown table "{target}"', None, "+".join(fields)))
                continue
            allowed = {tuple(r.get(f, "") for f in target_fields) for _, r in tables[target]["rows"]}
            for line, record in table["rows"]:
                value = tuple(record.get(f, "") for f in fields)
                if all(v == "" for v in value):
                    continue
                if value not in allowed:
                    label = "country code" if target == "countries" else f"value (not in {target})"
                    problems.append(Problem(table["name"], f'unknown {label} "{", ".join(value)}"', line, "+".join(fields)))


def _check_country_columns(resources: list[dict], tables: dict[str, dict], problems: list[Problem]) -> None:
    """Columns named iso3 must hold real codes even where no foreign key says so."""
    if "countries" not in tables:
        return
    codes = {r["iso3"] for _, r in tables["countries"]["rows"]}
    for resource in resources:
        if resource["name"] == "countries":
            continue
        declared = {f for fk in resource["schema"].get("foreignKeys", []) for f in _key_fields(fk["fields"])}
        table = tables[resource["name"]]
        for column in [f["name"] for f in resource["schema"]["fields"] if f["name"].endswith("iso3")]:
            if column in declared:
                continue
            for line, record in table["rows"]:
                if record.get(column) and record[column] not in codes:
                    problems.append(Problem(table["name"], f'unknown country code "{record[column]}"', line, column))


def check(package: Path = paths.PACKAGE, bibfile: Path | None = paths.BIBFILE) -> list[Problem]:
    """Every problem in the data package (an empty list means it is valid). With ``bibfile`` None
    the package holds no sourced data (the termbase in ``locales/``): schemas, types, constraints,
    keys and foreign keys are checked, provenance is not."""
    problems: list[Problem] = []
    try:
        descriptor = read_descriptor(package)
    except (OSError, json.JSONDecodeError) as exc:
        return [Problem(_rel(package, package.parent), f"cannot read the package descriptor or a schema: {exc}")]
    keys = bib_keys(bibfile) if bibfile is not None else None
    resources = descriptor.get("resources", [])
    tables = {r["name"]: _check_resource(r, package.parent, keys, problems) for r in resources}
    _check_foreign_keys(resources, tables, problems)
    _check_country_columns(resources, tables, problems)
    return problems


def validate(package: Path = paths.PACKAGE, bibfile: Path = paths.BIBFILE) -> dict:
    """Raise :class:`DataError` unless the whole package is valid; return its descriptor."""
    problems = check(package, bibfile)
    if problems:
        raise DataError(problems)
    return read_descriptor(package)


def _fingerprint(package: Path, bibfile: Path) -> tuple:
    files = [package, bibfile, *sorted(package.parent.glob("*.csv")), *sorted(package.parent.glob("schemas/*.json"))]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())


@lru_cache(maxsize=4)
def _validated(package: Path, bibfile: Path, _fingerprint: tuple) -> dict:
    return validate(package, bibfile)


_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def load(name: str, package: Path = paths.PACKAGE, bibfile: Path = paths.BIBFILE) -> pd.DataFrame:
    """One table of the package as a typed DataFrame, after the package validates.

    >>> load("countries").loc[lambda d: d.iso3 == "UZB", "name_en"].item()
    'Uzbekistan'
    """
    descriptor = _validated(package, bibfile, _fingerprint(package, bibfile))
    resources = {r["name"]: r for r in descriptor["resources"]}
    if name not in resources:
        raise KeyError(f'no table "{name}" in {package.name}; tables: {", ".join(sorted(resources))}')
    resource = resources[name]
    frame = pd.read_csv(package.parent / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    for field in resource["schema"]["fields"]:
        column, kind = field["name"], field.get("type", "string")
        values = frame[column].replace("", pd.NA)
        if kind == "boolean":
            frame[column] = values.map(lambda v: v if v is pd.NA else v in TRUE_VALUES).astype("boolean")
        elif kind == "date":
            frame[column] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind in _PANDAS_TYPES:
            frame[column] = pd.to_numeric(values).astype(_PANDAS_TYPES[kind])
        else:
            frame[column] = values
    frame.attrs["title"] = resource.get("title", name)
    frame.attrs["name"] = name
    return frame


def law_as_of() -> "datetime.date":
    """The date the book states its law as of: the latest ``law_as_of`` of a coded cell (each
    cell records the date up to which its own law was checked; none may lie in the future)."""
    import datetime

    latest = max(max(load(table)["law_as_of"].dropna()) for table in ("permitted-functions", "design-matrix"))
    return datetime.date.fromisoformat(str(latest)[:10])
