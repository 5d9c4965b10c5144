"""Business-day arithmetic on Russia's calendar and on weekend-only calendars."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.business_days import (
    RUSSIA,
    WeekendCalendar,
    add_business_days,
    business_days_between,
    calendar_for,
    first_business_day_on_or_after,
    is_business_day,
    next_business_day,
    nth_business_day,
)

GENERIC = WeekendCalendar("KZ")
calendars = st.sampled_from([RUSSIA, GENERIC, WeekendCalendar("SA", weekend=frozenset({4, 5}))])
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 10, 31))


def test_calendar_per_country():
    assert calendar_for("ru") is RUSSIA
    kz = calendar_for("KZ", holidays=[date(2026, 12, 16)])
    assert kz.country == "KZ"
    assert not is_business_day(date(2026, 12, 16), kz)
    assert is_business_day(date(2026, 12, 17), kz)
    assert not is_business_day(date(2026, 11, 7), kz)  # Saturday
    with pytest.raises(ValueError):
        WeekendCalendar("XX", weekend=frozenset(range(7)))


def test_hand_counted_russian_dates():
    assert add_business_days(date(2025, 12, 26), 1, RUSSIA) == date(2025, 12, 29)
    assert add_business_days(date(2025, 12, 30), 1, RUSSIA) == date(2026, 1, 12)  # 31 Dec to 11 Jan off
    assert add_business_days(date(2026, 1, 12), -1, RUSSIA) == date(2025, 12, 30)
    assert add_business_days(date(2026, 11, 7), 0, RUSSIA) == date(2026, 11, 7)
    assert add_business_days(date(2026, 11, 7), 1, RUSSIA) == date(2026, 11, 9)  # from a Saturday
    assert next_business_day(date(2026, 11, 3), RUSSIA) == date(2026, 11, 5)
    assert nth_business_day(2026, 1, 1, RUSSIA) == date(2026, 1, 12)
    assert nth_business_day(2026, 1, 5, RUSSIA) == date(2026, 1, 16)
    assert nth_business_day(2025, 5, 5, RUSSIA) == date(2025, 5, 13)
    assert business_days_between(date(2026, 11, 1), date(2026, 11, 30), RUSSIA) == 20
    assert business_days_between(date(2026, 11, 30), date(2026, 11, 1), RUSSIA) == -20


def test_a_month_has_only_so_many_business_days():
    with pytest.raises(ValueError, match="fewer than 16 business days"):
        nth_business_day(2026, 1, 16, RUSSIA)  # January 2026 has 15
    with pytest.raises(ValueError):
        nth_business_day(2026, 1, 0, RUSSIA)


@given(days, st.integers(0, 40), calendars)
def test_adding_counts_exactly_n_business_days(day, n, calendar):
    later = add_business_days(day, n, calendar)
    assert business_days_between(day, later, calendar) == n
    if n:
        assert calendar.is_business_day(later)


@given(days, st.integers(1, 40), calendars)
def test_adding_then_subtracting_returns_to_a_business_day(day, n, calendar):
    start = first_business_day_on_or_after(day, calendar)
    assert add_business_days(add_business_days(start, n, calendar), -n, calendar) == start


@given(st.integers(2025, 2027), st.integers(1, 12), calendars)
def test_first_business_day_of_a_month(year, month, calendar):
    assert nth_business_day(year, month, 1, calendar) == first_business_day_on_or_after(
        date(year, month, 1), calendar
    )
