"""Business-day arithmetic on any :class:`~dialer.business_days.calendars.BusinessCalendar`."""

from __future__ import annotations

from datetime import date, timedelta

from dialer.business_days.calendars import BusinessCalendar

_SEARCH_LIMIT = 366
"""No real calendar has a year without business days; a longer search means a broken calendar."""


def is_business_day(day: date, calendar: BusinessCalendar) -> bool:
    return calendar.is_business_day(day)


def _step(day: date, direction: int, calendar: BusinessCalendar) -> date:
    for _ in range(_SEARCH_LIMIT):
        day += timedelta(days=direction)
        if calendar.is_business_day(day):
            return day
    raise ValueError(f"no business day within {_SEARCH_LIMIT} days of {day} in {calendar.country}'s calendar")


def add_business_days(day: date, count: int, calendar: BusinessCalendar) -> date:
    """The ``count``-th business day after ``day`` (before it if negative); ``day`` itself if 0.

    ``day`` need not be a business day: 1 business day after a Saturday is the next Monday that
    works. "Within 5 business days of receipt on D" ends on ``add_business_days(D, 5, calendar)``.
    """
    direction = 1 if count >= 0 else -1
    for _ in range(abs(count)):
        day = _step(day, direction, calendar)
    return day


def next_business_day(day: date, calendar: BusinessCalendar) -> date:
    """The first business day strictly after ``day``."""
    return _step(day, 1, calendar)


def first_business_day_on_or_after(day: date, calendar: BusinessCalendar) -> date:
    return day if calendar.is_business_day(day) else _step(day, 1, calendar)


def nth_business_day(year: int, month: int, n: int, calendar: BusinessCalendar) -> date:
    """The ``n``-th (1-based) business day of the month; an error if the month has fewer."""
    if n < 1:
        raise ValueError(f"n counts from 1, not {n}")
    first = date(year, month, 1)
    day = add_business_days(first - timedelta(days=1), n, calendar)
    if (day.year, day.month) != (year, month):
        raise ValueError(f"{year:04d}-{month:02d} has fewer than {n} business days in {calendar.country}")
    return day


def business_days_between(start: date, end: date, calendar: BusinessCalendar) -> int:
    """Business days in ``(start, end]`` (negative if ``end`` is before ``start``)."""
    if end < start:
        return -business_days_between(end, start, calendar)
    return sum(
        1 for i in range(1, (end - start).days + 1) if calendar.is_business_day(start + timedelta(days=i))
    )


def business_days_in_month(year: int, month: int, calendar: BusinessCalendar) -> list[date]:
    """Every business day of the month, in order."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    days = (first + timedelta(days=i) for i in range((following - first).days))
    return [day for day in days if calendar.is_business_day(day)]
