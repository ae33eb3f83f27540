"""Business-day arithmetic: the user's working weekdays minus public and extra holidays."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agent.core import holiday_package
from agent.core.errors import SettingsError
from agent.core.settings import ScheduleSettings, UserSettings

log = logging.getLogger(__name__)

MAX_SEARCH_DAYS = 3660  # no calendar is closed for ten years: stop rather than loop


# (country, subdivision, year) -> {day: name}: given by the caller (state.db's cache) or
# computed here; computing loads the holidays package and that one country's module.
_KNOWN: dict[tuple[str, str, int], Mapping[date, str]] = {}
_COMPUTED: set[tuple[str, str, int]] = set()


def remember_holidays(country: str, subdivision: str, year: int, days: Mapping[date, str]) -> None:
    """Public holidays known already (e.g. cached in state.db): no need to compute them."""
    _KNOWN[(country, subdivision, year)] = dict(days)


def computed_holidays() -> dict[tuple[str, str, int], Mapping[date, str]]:
    """The years computed in this process (for the caller to cache), and forget that list."""
    out = {k: _KNOWN[k] for k in _COMPUTED if k in _KNOWN}
    _COMPUTED.clear()
    return out


def country_holidays(country: str, subdivision: str, year: int | None = None) -> Any:
    """The holidays package's table for one country, loading that country's module alone.

    UnknownPlace for an unknown country or region.
    """
    entity = holiday_package.entity_class(country)
    try:
        return entity(years=year, subdiv=subdivision or None)
    except NotImplementedError as exc:  # the package's word for an unknown region
        raise holiday_package.UnknownPlace(str(exc)) from exc


def place_of(user: UserSettings) -> tuple[str, str]:
    """(country, subdivision) of the settings in the holidays package's spelling.

    Loaded settings are spelled so already; a region the package does not know is kept
    upper-cased, for the calendar to reject in its own words.
    """
    country, subdivision = user.country.strip().upper(), user.subdivision.strip()
    if not country or not subdivision:
        return country, subdivision.upper()
    try:
        spelled = holiday_package.subdivisions(country).spelling(subdivision)
    except holiday_package.UnknownPlace:
        spelled = None
    return country, spelled or subdivision.upper()


def public_holidays(country: str, subdivision: str, year: int) -> Mapping[date, str]:
    """One year's public holidays of a place (computed once, or as remembered)."""
    return _public_holidays(country, subdivision, year)


def _knows_place(country: str, subdivision: str) -> bool:
    """True when some year of this place is known (so the place was valid)."""
    return any(k[:2] == (country, subdivision) for k in _KNOWN)


def _public_holidays(country: str, subdivision: str, year: int) -> Mapping[date, str]:
    """The public holidays of one country/region and year, as {day: name}."""
    key = (country, subdivision, year)
    if key not in _KNOWN:
        table = country_holidays(country, subdivision, year)
        _KNOWN[key] = {day: str(name) for day, name in table.items()}
        _COMPUTED.add(key)
    return _KNOWN[key]


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days count as business days; holidays are computed per year on first use."""

    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0
    country: str = ""  # "" = no public holidays
    subdivision: str = ""
    extra_holidays: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        """Reject a calendar with no business days or an unknown country/region."""
        if not self.business_days or any(not 0 <= d <= 6 for d in self.business_days):
            raise ValueError(
                "business_days must list weekdays 0 (Monday) to 6 (Sunday), "
                f"got {self.business_days}"
            )
        if self.country and not _knows_place(self.country, self.subdivision):
            try:
                country_holidays(self.country, self.subdivision)
            except holiday_package.UnknownPlace as exc:
                raise ValueError(f"no public holidays known for {self._place()}: {exc}") from exc

    def _place(self) -> str:
        """'US' or 'US-CA', for messages."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    @classmethod
    def from_settings(cls, user: UserSettings, schedule: ScheduleSettings) -> BusinessCalendar:
        """The calendar the settings describe; SettingsError when they name no valid one."""
        try:
            country, subdivision = place_of(user)
            return cls(
                business_days=tuple(schedule.business_days),
                country=country,
                subdivision=subdivision,
                extra_holidays=tuple(user.extra_holidays),
            )
        except ValueError as exc:
            raise SettingsError(
                f"{exc}. Fix [user] country/subdivision or [schedule] business_days in config.toml."
            ) from exc

    def holiday_name(self, d: date) -> str | None:
        """The name of the holiday on `d` (public or extra), or None."""
        if d in self.extra_holidays:
            return "extra holiday"
        if not self.country:
            return None
        return _public_holidays(self.country, self.subdivision, d.year).get(d)

    def is_business_day(self, d: date) -> bool:
        """True when `d` is a working weekday and not a holiday."""
        return d.weekday() in self.business_days and self.holiday_name(d) is None

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after `d`."""
        return self.add_business_days(d, 1)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day strictly after `d` (n >= 1)."""
        if n < 1:
            raise ValueError(f"add_business_days needs n >= 1, got {n}")
        day = d
        for _ in range(MAX_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
                if n == 0:
                    return day
        raise ValueError(f"no business day within {MAX_SEARCH_DAYS} days after {d.isoformat()}")
