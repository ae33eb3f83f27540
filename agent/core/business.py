"""Business-day arithmetic: the user's working weekdays minus public and extra holidays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

from agent.core.settings import Settings
from agent.core.settings_check import region_of

MAX_SEARCH_DAYS = 3660  # no calendar is closed for ten years: stop rather than loop


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days; a year's public holidays of the place are looked up when first asked."""

    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0
    extra_holidays: tuple[date, ...] = ()
    country: str = ""  # "" = no public holidays
    subdivision: str = ""
    source: str = field(default="config.toml", compare=False)  # the file naming the place
    _years: dict[int, Mapping[date, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        """Reject a week without business days (the place is checked by the first lookup)."""
        days = self.business_days
        if not days or any(not 0 <= d <= 6 for d in days):
            raise ValueError(f"business_days must list weekdays 0 (Monday) to 6 (Sunday): {days}")

    @classmethod
    def from_settings(cls, settings: Settings) -> BusinessCalendar:
        """The calendar the settings describe."""
        user, source = settings.user, str(settings.paths.config_file)
        days = settings.schedule.business_days
        return cls(days, user.extra_holidays, user.country, user.subdivision, source)

    def holiday_name(self, d: date) -> str | None:
        """The holiday on `d` (public or extra), or None; SettingsError for an unknown place."""
        if d in self.extra_holidays:
            return "extra holiday"
        if not self.country:
            return None
        if d.year not in self._years:
            region = region_of(self.country, self.subdivision, self.source)
            table = holidays.country_holidays(self.country, subdiv=region or None, years=d.year)
            self._years[d.year] = {day: str(name) for day, name in table.items()}
        return self._years[d.year].get(d)

    def is_business_day(self, d: date) -> bool:
        """True when `d` is a working weekday and not a holiday."""
        return d.weekday() in self.business_days and self.holiday_name(d) is None

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
