"""[user] country and subdivision: loading checks what is cheap; the holidays package checks the
place (config check, the first holiday lookup) and spells it."""

from __future__ import annotations

import warnings
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import get_type_hints

import holidays
import pytest

from agent.core import settings as settings_types
from agent.core.business import BusinessCalendar
from agent.core.errors import SettingsError
from agent.core.settings import SECTIONS, Paths, Settings
from agent.core.settings_check import (
    KEY_CHECKS,
    KIND_PARSERS,
    InvalidValue,
    checked_place,
    region_of,
)
from agent.files.paths import resolve_paths
from agent.files.settings_file import load_settings

COUNTRY_FIX = '(use an ISO code such as "US", "GB", "DE", or "" for no public holidays)'


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(env={"FOLLOWUP_HOME": str(tmp_path)})


def load_user(paths: Paths, country: str, subdivision: str = "") -> Settings:
    text = f'[user]\ncountry = "{country}"\nsubdivision = "{subdivision}"\n'
    paths.config_file.write_text(text, encoding="utf-8")
    return load_settings(paths, {})


def test_every_country_code_the_package_knows_is_accepted() -> None:
    check = KEY_CHECKS["user.country"]
    for code in holidays.list_supported_countries(include_aliases=True):
        assert check(code) == code
        assert check(f" {code.lower()} ") == code
        assert region_of(code, "", "config.toml") == ""


def test_no_other_name_of_the_package_is_taken_for_a_country() -> None:
    """Loading refuses what is cheap to refuse; a market or constant of a country code's shape
    (ASX, JAN) loads, and the holidays package refuses it with the same line."""
    check = KEY_CHECKS["user.country"]
    known = holidays.list_supported_countries(include_aliases=True)
    others = [n for n in dir(holidays) if n.upper() not in known]  # markets, months, constants
    assert "ASX" in others and "JAN" in others
    loaded = []
    for name in others:
        try:
            loaded.append(check(name))
        except InvalidValue as exc:
            assert exc.problem == f'"{name}" is not a country the holidays package knows'
    assert {"ASX", "JAN"} <= set(loaded)
    for code in loaded:
        with pytest.raises(SettingsError) as caught:
            region_of(code, "", "config.toml")
        expected = f'config.toml: user.country: "{code}" is not a country the holidays package'
        assert str(caught.value) == f"{expected} knows {COUNTRY_FIX}"


@pytest.mark.parametrize("country", ["XX", "usx", "ZZZ", "U S", "Germany", "HolidaysGU"])
def test_an_unknown_country_is_one_clear_line(paths: Paths, country: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_user(paths, country)
    expected = f'user.country: "{country}" is not a country the holidays package knows'
    assert str(caught.value) == f"{paths.config_file}: {expected} {COUNTRY_FIX}"
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("country", "written", "stored", "holiday"),
    [
        ("US", "California", "CA", date(2026, 3, 31)),  # an alias: its code (Cesar Chavez Day)
        ("US", "new york", "NY", date(2026, 2, 12)),  # an alias in other case (Lincoln's Birthday)
        ("us", " ca ", "CA", date(2026, 3, 31)),
        ("DE", "augsburg", "Augsburg", date(2026, 8, 8)),  # a region not in capitals
        ("CH", "stadt zurich", "Stadt Zurich", None),
    ],
)
def test_a_region_is_stored_as_the_package_spells_it_and_the_calendar_takes_it(
    paths: Paths, country: str, written: str, stored: str, holiday: date | None
) -> None:
    loaded = load_user(paths, country, written)
    assert loaded.user.subdivision == written.strip()  # loading does not ask the package
    settings = checked_place(loaded)
    assert settings.user.subdivision == stored
    calendar = BusinessCalendar.from_settings(settings)
    assert calendar.subdivision == stored
    if holiday is not None:
        assert calendar.holiday_name(holiday) is not None
        assert BusinessCalendar.from_settings(loaded).holiday_name(holiday) is not None
        national = BusinessCalendar(country=country.upper())
        assert national.holiday_name(holiday) is None


def test_a_region_of_a_country_with_a_parent_is_checked_by_the_package(paths: Paths) -> None:
    assert checked_place(load_user(paths, "RE", "974")).user.subdivision == "974"  # France's
    with pytest.raises(SettingsError) as caught:
        checked_place(load_user(paths, "RE", "ZZ"))
    assert str(caught.value).endswith(
        'user.subdivision: "ZZ" is not a subdivision of RE'
        ' (use one of "57", "6AE", "971", "972" ...)'
    )


def test_an_unknown_region_is_one_clear_line_at_the_check_and_the_first_lookup(
    paths: Paths,
) -> None:
    settings = load_user(paths, "US", "Californa")  # loads: only its shape is checked
    expected = (
        f'{paths.config_file}: user.subdivision: "Californa" is not a subdivision of US'
        ' (use one of "AK", "AL", "AR", "AS" ...)'
    )
    with pytest.raises(SettingsError) as caught:
        checked_place(settings)
    assert str(caught.value) == expected
    calendar = BusinessCalendar.from_settings(settings)
    assert not calendar.is_business_day(date(2026, 11, 29))  # a Sunday: no lookup
    with pytest.raises(SettingsError) as caught:
        calendar.holiday_name(date(2026, 11, 30))
    assert str(caught.value) == expected
    assert caught.value.exit_code == 3


@pytest.mark.parametrize("written", ["C\\nA", "Cal<i>fornia", "x" * 61])
def test_a_region_of_no_region_shape_fails_at_load(paths: Paths, written: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_user(paths, "US", written)
    assert str(caught.value).startswith(f"{paths.config_file}: user.subdivision: ")
    assert 'is not a region name (e.g. "CA", or "" for none)' in str(caught.value)


def test_every_region_the_package_lists_is_taken_in_its_spelling() -> None:
    shape = KEY_CHECKS["user.subdivision"]
    countries = holidays.list_supported_countries(include_aliases=False)
    for country, regions in countries.items():
        entity = holidays.country_holidays(country)
        for region in regions:
            assert shape(region) == region
            assert region_of(country, region, "config.toml") == region
            assert region_of(country, shape(f" {region.lower()} "), "f") in regions, region
        for alias, code in entity.subdivisions_aliases.items():
            assert region_of(country, shape(alias), "config.toml") == code, (country, alias)


def test_a_name_the_package_still_takes_is_kept_as_written() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        entity = holidays.country_holidays("FR")
        listed = {*entity.subdivisions, *entity.subdivisions_aliases}
        for name in ("Alsace-Moselle", "Métropole"):  # France's former region names
            assert name not in listed
            assert region_of("FR", name, "config.toml") == name


def test_puerto_rico_is_checked_by_the_package(paths: Paths) -> None:
    assert load_user(paths, "PR").user.country == "PR"
    assert BusinessCalendar(country="PR").holiday_name(date(2026, 12, 25)) == "Christmas Day"


def test_every_settings_field_has_the_parser_of_its_type() -> None:
    """The parsers are keyed by annotation text: each key names the field's resolved type."""
    namespace = vars(settings_types)
    for name, section in SECTIONS.items():
        assert get_type_hints(settings_types.Settings)[name] is section
        hints = get_type_hints(section)
        for f in fields(section):
            assert f.type in KIND_PARSERS, f"{name}.{f.name}: {f.type}"
            assert eval(f.type, namespace) == hints[f.name]  # our own annotations
