"""Business days: weekdays minus public holidays (holidays package) and the user's extra dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from agent.core.business import BusinessCalendar
from agent.core.errors import SettingsError
from agent.core.settings import Paths, ScheduleSettings, Settings, UserSettings

US = BusinessCalendar(country="US")
PLAIN = BusinessCalendar()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 25), True),  # Wednesday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), True),  # Friday after: a federal business day
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 7, 3), False),  # Independence Day (observed)
        (date(2027, 1, 1), False),  # New Year's Day
    ],
)
def test_us_business_days(day: date, expected: bool) -> None:
    assert US.is_business_day(day) is expected


def test_holiday_names() -> None:
    assert US.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert US.holiday_name(date(2026, 12, 25)) == "Christmas Day"
    assert US.holiday_name(date(2026, 11, 25)) is None
    assert PLAIN.holiday_name(date(2026, 12, 25)) is None


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 25), 1, date(2026, 11, 27)),  # over Thanksgiving
        (date(2026, 11, 24), 3, date(2026, 11, 30)),  # Wed, (Thu), Fri, (weekend), Mon
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # over Christmas and the weekend
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # over New Year into the next year
        (date(2026, 10, 30), 1, date(2026, 11, 2)),  # Friday -> Monday
        (date(2026, 10, 31), 1, date(2026, 11, 2)),  # from a Saturday
        (date(2026, 11, 5), 5, date(2026, 11, 13)),  # over Veterans Day (Wed Nov 11)
    ],
)
def test_add_business_days_us(start: date, n: int, expected: date) -> None:
    assert US.add_business_days(start, n) == expected


def test_next_business_day_is_strictly_after() -> None:
    assert US.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert PLAIN.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 26)
    assert PLAIN.add_business_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_no_country_means_no_public_holidays() -> None:
    assert PLAIN.is_business_day(date(2026, 12, 25))
    assert PLAIN.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 26)


def test_extra_holidays() -> None:
    cal = BusinessCalendar(country="US", extra_holidays=(date(2026, 11, 27), date(2026, 11, 30)))
    assert not cal.is_business_day(date(2026, 11, 27))
    assert cal.holiday_name(date(2026, 11, 30)) == "extra holiday"
    assert cal.add_business_days(date(2026, 11, 25), 1) == date(2026, 12, 1)


def test_subdivision_holidays() -> None:
    california = BusinessCalendar(country="US", subdivision="CA")
    assert not california.is_business_day(date(2026, 11, 27))  # Day After Thanksgiving
    assert US.is_business_day(date(2026, 11, 27))


def test_custom_working_week() -> None:
    sunday_to_thursday = BusinessCalendar(business_days=(6, 0, 1, 2, 3))
    assert sunday_to_thursday.is_business_day(date(2026, 11, 29))  # Sunday
    assert not sunday_to_thursday.is_business_day(date(2026, 11, 27))  # Friday
    assert sunday_to_thursday.add_business_days(date(2026, 11, 26), 1) == date(2026, 11, 29)


def test_germany_easter() -> None:
    germany = BusinessCalendar(country="DE")
    assert germany.add_business_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


@pytest.mark.parametrize("n", [0, -1])
def test_add_business_days_needs_positive_n(n: int) -> None:
    with pytest.raises(ValueError, match="n >= 1"):
        US.add_business_days(date(2026, 11, 25), n)


@pytest.mark.parametrize("business_days", [(), (7,)])
def test_a_week_without_business_days_is_refused(business_days: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="business_days must list weekdays"):
        BusinessCalendar(business_days=business_days)


@pytest.mark.parametrize(
    ("country", "subdivision", "key"),
    [("XX", "", "user.country"), ("ASX", "", "user.country"), ("US", "ZZ", "user.subdivision")],
)
def test_an_unknown_place_fails_at_the_first_holiday_lookup(
    country: str, subdivision: str, key: str
) -> None:
    calendar = BusinessCalendar(country=country, subdivision=subdivision)  # cheap: no lookup yet
    assert not calendar.is_business_day(date(2026, 11, 28))  # a Saturday asks for no holidays
    with pytest.raises(SettingsError, match=rf"^config\.toml: {key}: ") as caught:
        calendar.is_business_day(date(2026, 11, 30))
    assert caught.value.exit_code == 3


def paths_in(folder: Path) -> Paths:
    return Paths(folder / "config.toml", folder / "token.json", folder / "state.db",
                 folder / "followup.lock", folder / "templates")


def test_from_settings(tmp_path: Path) -> None:
    user = UserSettings(country="US", subdivision="CA", extra_holidays=(date(2026, 12, 24),))
    schedule = ScheduleSettings(business_days=(0, 1, 2, 3))
    settings = Settings(paths_in(tmp_path), user=user, schedule=schedule)
    cal = BusinessCalendar.from_settings(settings)
    assert cal == BusinessCalendar(
        business_days=(0, 1, 2, 3),
        country="US",
        subdivision="CA",
        extra_holidays=(date(2026, 12, 24),),
    )
    assert not cal.is_business_day(date(2026, 12, 4))  # a Friday is not in this week
    assert not cal.is_business_day(date(2026, 11, 27))  # the Day After Thanksgiving in CA


def test_from_settings_bad_country_is_a_settings_error_naming_the_file(tmp_path: Path) -> None:
    settings = Settings(paths_in(tmp_path), user=UserSettings(country="XX"))
    with pytest.raises(SettingsError) as caught:
        BusinessCalendar.from_settings(settings).holiday_name(date(2026, 12, 25))
    assert str(caught.value) == (
        f'{tmp_path / "config.toml"}: user.country: "XX" is not a country the holidays package '
        'knows (use an ISO code such as "US", "GB", "DE", or "" for no public holidays)'
    )


def test_calendar_is_hashable_and_comparable() -> None:
    assert hash(BusinessCalendar(country="US")) == hash(US)
    assert BusinessCalendar(country="US") == US


def test_a_country_whose_module_imports_another_works_in_a_fresh_process() -> None:
    """Reunion's module imports France's: loading it alone once failed with an ImportError."""
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "from agent.core.business import BusinessCalendar\n"
        "for country in ('RE', 'PR', 'US'):\n"
        "    print(BusinessCalendar(country=country).holiday_name(date(2026, 12, 25)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-300:]
    assert out.stdout.split("\n")[:3] == ["Christmas Day"] * 3
