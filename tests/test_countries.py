"""Country names: Uzbek and Russian from CLDR (Babel), Uzbek apostrophes normalised, few overrides."""
from __future__ import annotations

import csv
import re

import pytest
from babel import Locale
from pybtex.database import parse_file

from ppp_atlas import countries, data, paths

ROWS = list(csv.DictReader((paths.DATA / "countries.csv").open(encoding="utf-8", newline="")))
UZ, RU, EN = (Locale(lang).territories for lang in ("uz", "ru", "en"))
APOSTROPHE_LIKE = set("'`\u2018\u2019\u02bb\u02bc\u02b9\u00b4\u2032")


def test_table_is_what_the_generator_writes(capsys):
    assert countries.main(["--check"]) == 0, capsys.readouterr().out
    assert countries.generate(ROWS) == ROWS


def test_every_iso_country_has_three_names():
    assert len(ROWS) == 249
    for row in ROWS:
        assert row["name_en"] and row["name_uz"] and row["name_ru"], row["iso3"]


def test_no_uzbek_name_is_the_english_one_unless_cldr_says_so():
    same = [r["iso3"] for r in ROWS if r["name_uz"] == r["name_en"]]
    assert all(countries.normalise_uzbek(UZ[r["iso2"]]) == r["name_uz"] for r in ROWS if r["iso3"] in same)
    # 39 countries whose Uzbek and English names are spelt alike in CLDR (Argentina, Panama, Peru ...)
    assert len(same) == 39 and {"ARG", "PAN", "PER", "AGO"} <= set(same)
    assert not {"ATA", "CZE", "EST", "GMB", "OMN", "CIV", "JEY"} & set(same)  # English in the old table


def test_uzbek_apostrophes_are_okina_and_tutuq_only():
    for row in ROWS:
        marks = [(i, c) for i, c in enumerate(row["name_uz"]) if c in APOSTROPHE_LIKE]
        for i, char in marks:
            after_o_or_g = row["name_uz"][i - 1] in "oOgG"
            assert char == ("\u02bb" if after_o_or_g else "\u02bc"), (row["iso3"], row["name_uz"])
    by_code = {r["iso3"]: r["name_uz"] for r in ROWS}
    assert by_code["USA"] == "Amerika Qo\u02bbshma Shtatlari"   # CLDR: U+2018
    assert by_code["ESH"] == "G\u02bbarbiy Sahroi Kabir"        # CLDR: U+2018
    assert by_code["CIV"] == "Kot-d\u02bcIvuar"                 # CLDR: U+2019
    assert by_code["UZB"] == "O\u02bbzbekiston" and by_code["KAZ"] == "Qozog\u02bbiston"


def test_normalise_uzbek():
    assert countries.normalise_uzbek("Qo'shma g`arb O\u2019zbek") == "Qo\u02bbshma g\u02bbarb O\u02bbzbek"
    assert countries.normalise_uzbek("ma'lumot Kot-d\u2019Ivuar") == "ma\u02bclumot Kot-d\u02bcIvuar"
    assert countries.normalise_uzbek("Germaniya") == "Germaniya"


def test_names_match_cldr_except_the_overrides():
    overridden = {key for key in countries.OVERRIDES}
    for row in ROWS:
        for lang, cldr in (("uz", countries.normalise_uzbek(UZ[row["iso2"]])), ("ru", RU[row["iso2"]])):
            if (row["iso3"], lang) in overridden:
                assert row[f"name_{lang}"] != cldr
            else:
                assert row[f"name_{lang}"] == cldr, (row["iso3"], lang)
    assert len(countries.OVERRIDES) <= 5
    russian = {r["iso3"]: r["name_ru"] for r in ROWS}
    assert russian["USA"] == "Соединённые Штаты" and RU["US"] == "Соединенные Штаты" and russian["GBR"] == "Великобритания" and russian["RUS"] == "Россия"


def test_every_override_is_explained_on_its_row():
    by_code = {r["iso3"]: r for r in ROWS}
    for (iso3, lang), (name, status, note) in countries.OVERRIDES.items():
        row = by_code[iso3]
        assert row[f"name_{lang}"] == name
        assert row["verification"] == status == "inferred"
        assert note in row["note"] and len(note) > 80
    assert by_code["SWZ"]["name_uz"] == "Esvatini" and UZ["SZ"] == "Svazilend"
    plain = [r for r in ROWS if not any(k[0] == r["iso3"] for k in countries.OVERRIDES)]
    assert all(r["verification"] == "confirmed" and r["note"] == "" for r in plain)


def test_provenance_names_the_cldr_release_babel_ships():
    bib = parse_file(str(paths.BIBFILE)).entries
    entry = bib[countries.CLDR_KEY]
    assert f"version {countries.cldr_version()}" in entry.fields["title"]
    assert countries.cldr_version() == "47"
    for row in ROWS:
        assert row["source"] == "ISO3166; CLDR2025common"
        assert row["locator"] == f"alpha-3 {row['iso3']}; CLDR 47 territory {row['iso2']} (uz, ru)"


def test_country_name_in_each_language():
    assert countries.country_name("DEU") == "Germany"
    assert countries.country_name("DEU", "uz") == "Germaniya"
    assert countries.country_name("DEU", "ru") == "Германия"
    assert countries.country_name("USA", "uz") == "Amerika Qo\u02bbshma Shtatlari"
    names = countries.country_names("ru")
    assert len(names) == 249 and names["UZB"] == "Узбекистан"
    assert countries.country_names().equals(data.load("countries").set_index("iso3")["name_en"])
    with pytest.raises(ValueError, match="no country names"):
        countries.country_names("de")
    with pytest.raises(KeyError, match="XYZ"):
        countries.country_name("XYZ")


def test_generator_rewrites_a_damaged_table(tmp_path, capsys):
    table = tmp_path / "countries.csv"
    header, rows = countries.read()
    damaged = [dict(r) for r in rows]
    damaged[0]["name_uz"] = damaged[0]["name_en"] = "Aruba"
    usa = next(r for r in damaged if r["iso3"] == "USA")
    usa["name_uz"], usa["name_ru"] = "Amerika Qo'shma Shtatlari", "Соединённые штаты"
    countries.write(table, header, damaged)
    assert countries.main(["--check", "--table", str(table)]) == 1
    assert "Uzbek 1, Russian 1" in capsys.readouterr().out
    assert countries.main(["--table", str(table)]) == 0
    assert countries.read(table) == (header, rows)


def test_the_russian_edition_spells_a_state_one_way_with_yo():
    """«Соединённые Штаты» in the chapters, «Соединенные Штаты» in the charts (CLDR writes no ё) was one
    country spelled two ways: the Russian names and every Russian catalog write ё."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    names = countries.country_names("ru")
    assert names["USA"] == "Соединённые Штаты"
    offenders = [str(path.relative_to(root)) for path in (root / "locales" / "ru").rglob("*.po")
                 if re.search(r"msgstr .*(?:Соединенн|Объединенн)", path.read_text(encoding="utf-8"))]
    offenders += [iso3 for iso3, name in names.items() if re.search(r"Соединенн|Объединенн", name)]
    assert not offenders, offenders
