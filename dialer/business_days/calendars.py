"""Business-day calendars per country: Russia's production calendar, weekends elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from dialer.business_days.russia import russian_year


class BusinessCalendar(Protocol):
    """Answers whether a date is a business day in one country."""

    @property
    def country(self) -> str: ...

    def is_business_day(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class WeekendCalendar:
    """Business days are the days outside ``weekend`` (weekday numbers, Monday 0) and ``holidays``."""

    country: str
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.weekend) >= 7 or not self.weekend <= set(range(7)):
            raise ValueError(f"weekend must be a proper subset of weekdays 0-6, not {sorted(self.weekend)}")

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays


@dataclass(frozen=True, slots=True)
class RussianCalendar:
    """Russia's production calendar (see :mod:`dialer.business_days.russia`)."""

    country: str = "RU"

    def is_business_day(self, day: date) -> bool:
        return russian_year(day.year).is_business_day(day)

    def is_official(self, year: int) -> bool:
        """Whether ``year`` comes from a known decree rather than the statutory rules alone."""
        return russian_year(year).official


RUSSIA = RussianCalendar()


def calendar_for(country: str, *, holidays: Iterable[date] = ()) -> BusinessCalendar:
    """The calendar for an ISO 3166 country code: Russia's production calendar for ``RU``, else
    Saturday-Sunday weekends plus the ``holidays`` given."""
    code = country.upper()
    if code == "RU":
        if holidays:
            raise ValueError("Russia's calendar is built in; extra holidays are not taken")
        return RUSSIA
    return WeekendCalendar(code, holidays=frozenset(holidays))
