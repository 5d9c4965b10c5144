"""Calling hours in the contact's local time, across weekends, midnight and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.compliance import is_within_calling_hours, next_calling_window_start, parse_calling_hours

WEEKDAYS = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
WEEK = {**WEEKDAYS, "sat": [["10:00", "14:00"]]}
NIGHT = {"fri": [["22:00", "02:00"]]}
NEW_YORK = "America/New_York"
LONDON = "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_inside_and_outside_a_weekday_window_in_the_contacts_zone() -> None:
    # Wednesday 2026-06-17: 13:00 UTC is 09:00 in New York (EDT), 12:59 is 08:59.
    assert is_within_calling_hours(WEEK, NEW_YORK, utc(2026, 6, 17, 13, 0))
    assert not is_within_calling_hours(WEEK, NEW_YORK, utc(2026, 6, 17, 12, 59))
    assert not is_within_calling_hours(WEEK, NEW_YORK, utc(2026, 6, 18, 1, 0))  # 21:00 local: closed


def test_a_day_without_an_entry_has_no_calls() -> None:
    assert not is_within_calling_hours(WEEK, LONDON, utc(2026, 6, 21, 12, 0))  # Sunday noon


def test_the_same_utc_instant_is_inside_for_one_zone_and_outside_for_another() -> None:
    moment = utc(2026, 6, 17, 7, 0)  # 08:00 in London, 10:00 in Moscow
    assert not is_within_calling_hours(WEEK, LONDON, moment)
    assert is_within_calling_hours(WEEK, "Europe/Moscow", moment)


def test_daylight_saving_moves_the_window_in_utc() -> None:
    # New York springs forward on Sunday 2026-03-08: 09:00 local is 14:00 UTC before, 13:00 UTC after.
    assert not is_within_calling_hours(WEEK, NEW_YORK, utc(2026, 3, 6, 13, 30))  # Fri 08:30 EST
    assert is_within_calling_hours(WEEK, NEW_YORK, utc(2026, 3, 9, 13, 30))  # Mon 09:30 EDT
    # London falls back on Sunday 2026-10-25: 09:00 local is 08:00 UTC before, 09:00 UTC after.
    assert is_within_calling_hours(WEEK, LONDON, utc(2026, 10, 23, 8, 30))  # Fri 09:30 BST
    assert not is_within_calling_hours(WEEK, LONDON, utc(2026, 10, 26, 8, 30))  # Mon 08:30 GMT


def test_a_window_spanning_midnight_continues_into_the_next_day() -> None:
    assert is_within_calling_hours(NIGHT, LONDON, utc(2026, 6, 19, 21, 30))  # Fri 22:30 BST
    assert is_within_calling_hours(NIGHT, LONDON, utc(2026, 6, 20, 0, 30))  # Sat 01:30 BST
    assert not is_within_calling_hours(NIGHT, LONDON, utc(2026, 6, 20, 1, 0))  # Sat 02:00: closed
    assert not is_within_calling_hours(NIGHT, LONDON, utc(2026, 6, 21, 0, 30))  # Sun 01:30: not Fri's


def test_a_window_may_end_at_midnight() -> None:
    hours = {"mon": [["18:00", "24:00"]]}
    assert is_within_calling_hours(hours, "UTC", utc(2026, 6, 15, 23, 59))
    assert not is_within_calling_hours(hours, "UTC", utc(2026, 6, 16, 0, 0))


def test_naive_times_and_bad_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        is_within_calling_hours(WEEK, LONDON, datetime(2026, 6, 17, 12, 0))
    with pytest.raises(ValueError, match="weekday"):
        parse_calling_hours({"someday": [["09:00", "10:00"]]})
    with pytest.raises(ValueError, match="empty"):
        parse_calling_hours({"mon": [["09:00", "09:00"]]})
    with pytest.raises(ValueError):
        parse_calling_hours({"mon": [["25:00", "26:00"]]})


def test_the_next_window_after_friday_evening_is_saturday_morning() -> None:
    start = next_calling_window_start(WEEK, NEW_YORK, utc(2026, 6, 19, 23, 0))  # Fri 19:00: open
    assert start == utc(2026, 6, 19, 23, 0)
    start = next_calling_window_start(WEEK, NEW_YORK, utc(2026, 6, 20, 2, 0))  # Fri 22:00 EDT
    assert start == utc(2026, 6, 20, 14, 0)  # Sat 10:00 EDT
    start = next_calling_window_start(WEEK, NEW_YORK, utc(2026, 6, 20, 19, 0))  # Sat 15:00
    assert start == utc(2026, 6, 22, 13, 0)  # Mon 09:00 EDT


def test_the_next_window_follows_daylight_saving() -> None:
    start = next_calling_window_start(WEEK, NEW_YORK, utc(2026, 3, 7, 20, 0))  # Sat 15:00 EST
    assert start == utc(2026, 3, 9, 13, 0)  # Mon 09:00 EDT, after the change


def test_a_window_starting_in_the_spring_forward_gap_opens_when_the_gap_ends() -> None:
    hours = {"sun": [["02:30", "05:00"]]}
    start = next_calling_window_start(hours, NEW_YORK, utc(2026, 3, 8, 5, 0))  # Sun 00:00 EST
    assert start == utc(2026, 3, 8, 7, 0)  # 03:00 EDT: 02:30 never happens that night
    assert start.astimezone(ZoneInfo(NEW_YORK)).hour == 3


def test_no_window_at_all_means_no_next_start() -> None:
    assert next_calling_window_start({}, LONDON, utc(2026, 6, 17, 12, 0)) is None


zones = st.sampled_from([NEW_YORK, LONDON, "Europe/Moscow", "Australia/Sydney", "Asia/Kolkata", "UTC"])
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
times = st.sampled_from(["00:00", "01:30", "02:30", "08:00", "09:00", "12:15", "21:00", "23:30"])
hours_strategy = st.dictionaries(
    st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    st.lists(st.tuples(times, times).filter(lambda w: w[0] != w[1]).map(list), min_size=1, max_size=2),
    max_size=7,
)


@settings(max_examples=150, deadline=None)
@given(hours_strategy, zones, instants, st.lists(st.floats(0.0, 1.0, exclude_max=True), max_size=5))
def test_the_next_window_start_is_open_and_nothing_before_it_is(
    hours: dict[str, list[list[str]]], zone: str, now: datetime, fractions: list[float]
) -> None:
    start = next_calling_window_start(hours, zone, now)
    if start is None:
        assert not hours
        return
    assert start >= now
    assert is_within_calling_hours(hours, zone, start)
    if start == now:
        return
    for f in fractions:
        probe = now + timedelta(seconds=int((start - now).total_seconds() * f))
        if probe < start:
            assert not is_within_calling_hours(hours, zone, probe)
