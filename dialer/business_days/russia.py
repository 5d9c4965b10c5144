"""Russia's production calendar (производственный календарь): holidays, transfers, working Saturdays.

The rules (Labour Code art. 112):

- non-working public holidays: 1-8 January (New Year holidays and Christmas on the 7th), 23 February,
  8 March, 1 May, 9 May, 12 June, 4 November;
- a weekend day that falls on a holiday other than 1-8 January moves to the next working day after
  the holiday, unless the government's yearly decree moves it elsewhere;
- the weekend days that fall on 1-8 January are moved by that decree (usually to 31 December and to
  a day around the May or November holidays); the decree may also move other weekend days, making
  a Saturday a working day.

:data:`DECREES` holds each year's decree as ``(from, to)`` transfers: the weekend day ``from`` becomes
a working day (unless it is itself a holiday) and ``to`` becomes a day off. Sources:

- 2025: Government decree of 4 October 2024 No. 1335 "О переносе выходных дней в 2025 году"
  (247 working days at a five-day week);
- 2026: the government decree of September 2025 on the 2026 transfers, as published on 24 September
  2025 (247 working days; New Year holidays 31 December 2025 to 11 January 2026).

2027 is PROVISIONAL: its decree was not known when this table was written, so 2027 (and any year
missing here) has only the statutory holidays and the art. 112 moves (1 May Sat -> 3 May, 9 May Sun
-> 10 May, 12 June Sat -> 14 June); the moves of the weekend days that fall on 2-3 January 2027 are
missing (a 2027 draft also proposed 5 November off and Saturday 13 November working: not included).
Add the decree to :data:`DECREES` when it is published. Shortened pre-holiday days are working days
here (this calendar answers "is it a business day", not "how many hours").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

STATUTORY_HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8),
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
)  # fmt: skip
"""(month, day) of the non-working public holidays (art. 112)."""


@dataclass(frozen=True, slots=True)
class Decree:
    """One year's government decree on transfers of days off."""

    source: str
    transfers: tuple[tuple[date, date], ...]


DECREES: dict[int, Decree] = {
    2025: Decree(
        "Постановление Правительства РФ от 04.10.2024 № 1335",
        (
            (date(2025, 1, 4), date(2025, 5, 2)),
            (date(2025, 1, 5), date(2025, 12, 31)),
            (date(2025, 2, 23), date(2025, 5, 8)),
            (date(2025, 3, 8), date(2025, 6, 13)),
            (date(2025, 11, 1), date(2025, 11, 3)),
        ),
    ),
    2026: Decree(
        "Постановление Правительства РФ о переносе выходных дней в 2026 году (сентябрь 2025)",
        (
            (date(2026, 1, 3), date(2026, 1, 9)),
            (date(2026, 1, 4), date(2026, 12, 31)),
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class RussianYear:
    """A year's holidays, weekdays off, and weekend days worked; ``official`` when a decree is known."""

    year: int
    holidays: frozenset[date]
    weekdays_off: frozenset[date]
    working_weekends: frozenset[date]
    official: bool
    source: str

    def is_business_day(self, day: date) -> bool:
        if day.year != self.year:
            raise ValueError(f"{day} is not in {self.year}")
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.weekdays_off


def holidays_of(year: int) -> frozenset[date]:
    """The statutory non-working holidays of ``year``."""
    return frozenset(date(year, month, day) for month, day in STATUTORY_HOLIDAYS)


@cache
def russian_year(year: int) -> RussianYear:
    """Build ``year`` from the statutory holidays, art. 112 and the decree (if known)."""
    holidays = holidays_of(year)
    decree = DECREES.get(year)
    transfers = decree.transfers if decree else ()
    moved_from = {source for source, _ in transfers}
    off = set(holidays) | {target for _, target in transfers}
    working = {source for source in moved_from if source not in holidays}

    def weekend(day: date) -> bool:
        return day.weekday() >= 5 and day not in working

    for holiday in sorted(holidays):
        if holiday.month == 1 and holiday.day <= 8:
            continue  # moved by the decree only
        if weekend(holiday) and holiday not in moved_from:
            day = holiday + timedelta(days=1)
            while weekend(day) or day in off:
                day += timedelta(days=1)
            off.add(day)
    weekdays_off = frozenset(day for day in off if day.weekday() < 5 and day.year == year)
    source = decree.source if decree else "statutory holidays and art. 112 only (decree not in the table)"
    return RussianYear(year, holidays, weekdays_off, frozenset(working), decree is not None, source)
