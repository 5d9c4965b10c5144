"""Russia's production calendar against the published 2025 and 2026 calendars.

What the data assumes: the 2025 decree No. 1335 (4 October 2024) and the 2026 decree (September
2025) as listed in ``dialer.business_days.russia.DECREES``; 2027 has only the statutory holidays and
the Labour Code's moves, and says so (``official`` is False).
"""

from datetime import date

import pytest

from dialer.business_days import RUSSIA, business_days_in_month, first_business_day_on_or_after, russian_year


def working_days(year: int) -> int:
    return sum(len(business_days_in_month(year, month, RUSSIA)) for month in range(1, 13))


@pytest.mark.parametrize(("year", "count"), [(2025, 247), (2026, 247)])
def test_published_working_day_counts(year, count):
    assert working_days(year) == count
    assert RUSSIA.is_official(year)


def test_first_working_day_after_the_new_year_holidays():
    assert first_business_day_on_or_after(date(2025, 1, 1), RUSSIA) == date(2025, 1, 9)
    # 2026: 3 and 4 January moved to 9 January and 31 December, so the holidays run to 11 January
    # and 9 January 2026 is NOT a working day.
    assert not RUSSIA.is_business_day(date(2026, 1, 9))
    assert first_business_day_on_or_after(date(2026, 1, 1), RUSSIA) == date(2026, 1, 12)
    assert not RUSSIA.is_business_day(date(2025, 12, 31))


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 5, 2),  # from Saturday 4 January
        date(2025, 5, 8),  # from Sunday 23 February
        date(2025, 6, 13),  # from Saturday 8 March
        date(2025, 11, 3),  # from Saturday 1 November
        date(2025, 12, 31),  # from Sunday 5 January
        date(2026, 2, 23),
        date(2026, 3, 9),  # 8 March is a Sunday: art. 112 moves the day off to Monday
        date(2026, 5, 1),
        date(2026, 5, 11),  # 9 May is a Saturday: moved to Monday 11 May
        date(2026, 6, 12),
        date(2026, 11, 4),
        date(2026, 12, 31),  # from Sunday 4 January
    ],
)
def test_days_off_on_weekdays(day):
    assert day.weekday() < 5
    assert not RUSSIA.is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 11, 1),  # working Saturday (its day off moved to 3 November)
        date(2025, 2, 24),  # 23 February 2025 was moved by the decree to 8 May, not to the Monday
        date(2025, 3, 10),  # same for 8 March (to 13 June)
        date(2026, 1, 12),
        date(2026, 11, 5),
    ],
)
def test_working_days(day):
    assert RUSSIA.is_business_day(day)


def test_holidays_on_weekends_are_not_business_days():
    assert not RUSSIA.is_business_day(date(2025, 2, 23))  # Sunday and a holiday
    assert not RUSSIA.is_business_day(date(2026, 5, 9))


def test_2027_is_provisional_but_keeps_the_statutory_days_and_art_112():
    year = russian_year(2027)
    assert not year.official
    assert not RUSSIA.is_official(2027)
    for day in (date(2027, 1, 1), date(2027, 1, 8), date(2027, 2, 23), date(2027, 3, 8), date(2027, 11, 4)):
        assert not RUSSIA.is_business_day(day)
    # 1 May (Sat) -> 3 May, 9 May (Sun) -> 10 May, 12 June (Sat) -> 14 June.
    for day in (date(2027, 5, 3), date(2027, 5, 10), date(2027, 6, 14)):
        assert not RUSSIA.is_business_day(day)
    assert working_days(2027) == 249  # two more than the decree will leave, once it moves 2-3 January


def test_a_year_without_data_falls_back_to_the_rules():
    assert not RUSSIA.is_official(2031)
    assert not RUSSIA.is_business_day(date(2031, 6, 12))  # Thursday, Russia Day


def test_every_statutory_holiday_is_off_in_every_year():
    for year in range(2025, 2031):
        for day in russian_year(year).holidays:
            assert not RUSSIA.is_business_day(day), day


def test_weekdays_off_are_weekdays_and_working_weekends_are_weekends():
    for year in (2025, 2026, 2027):
        data = russian_year(year)
        assert all(day.weekday() < 5 for day in data.weekdays_off)
        assert all(day.weekday() >= 5 for day in data.working_weekends)
        assert all(day.year == year for day in data.weekdays_off)
