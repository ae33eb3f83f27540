"""Business-day arithmetic: the user's working weekdays minus public and extra holidays."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays as holiday_package

from agent.core.errors import SettingsError
from agent.core.settings import ScheduleSettings, UserSettings

MAX_SEARCH_DAYS = 3660  # no calendar is closed for ten years: stop rather than loop

Holidays = Callable[[int], Mapping[date, str]]  # year -> {day: name}


def public_holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    """One year's public holidays of a place; NotImplementedError for one the package lacks."""
    table = holiday_package.country_holidays(country, subdiv=subdivision or None, years=year)
    return {day: str(name) for day, name in table.items()}


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days; `holidays` (default: the package's for the place) is asked once a year."""

    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0
    extra_holidays: tuple[date, ...] = ()
    country: str = ""  # "" = no public holidays
    subdivision: str = ""
    holidays: Holidays | None = None
    _years: dict[int, Mapping[date, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        """Reject a calendar with no business days or an unknown country/region."""
        if not self.business_days or any(not 0 <= d <= 6 for d in self.business_days):
            raise ValueError(
                "business_days must list weekdays 0 (Monday) to 6 (Sunday), "
                f"got {self.business_days}"
            )
        if self.country:
            try:
                holiday_package.country_holidays(self.country, subdiv=self.subdivision or None)
            except NotImplementedError as exc:
                place = f"{self.country}-{self.subdivision}" if self.subdivision else self.country
                raise ValueError(f"no public holidays known for {place}: {exc}") from exc

    @classmethod
    def from_settings(
        cls, user: UserSettings, schedule: ScheduleSettings, holidays: Holidays | None = None
    ) -> BusinessCalendar:
        """The calendar the settings describe; SettingsError when they name no valid one."""
        try:
            return cls(
                business_days=tuple(schedule.business_days),
                extra_holidays=tuple(user.extra_holidays),
                country=user.country,
                subdivision=user.subdivision,
                holidays=holidays,
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
        if d.year not in self._years:
            lookup = self.holidays or (lambda y: public_holidays(self.country, self.subdivision, y))
            self._years[d.year] = lookup(d.year)
        return self._years[d.year].get(d)

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
