"""Billing periods: months in the client's zone, late records, and closed periods that never change."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.periods import NoOpenPeriod, assign_period, billed_in, monthly_period, monthly_periods
from dialer.billing.talk_time import PER_6_SECONDS, TalkTariff, charge_call, total_of

MOSCOW = ZoneInfo("Europe/Moscow")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_month_in_moscow():
    november = monthly_period(2026, 11, MOSCOW)
    assert november.key == "2026-11"
    assert (november.start, november.end) == (utc(2026, 10, 31, 21), utc(2026, 11, 30, 21))
    assert (november.first_day, november.last_day) == (date(2026, 11, 1), date(2026, 11, 30))
    december = monthly_period(2026, 12)
    assert (december.end, december.last_day) == (utc(2027, 1, 1), date(2026, 12, 31))
    assert [p.key for p in monthly_periods(2026, 11, 3)] == ["2026-11", "2026-12", "2027-01"]


def test_late_record_goes_to_the_next_open_period():
    october, november, december = monthly_periods(2026, 10, 3, MOSCOW)
    october = october.close(utc(2026, 11, 3, 10))
    periods = [october, november, december]
    last_minute = utc(2026, 10, 31, 20, 59)  # 23:59 on 31 October in Moscow
    on_time = assign_period(last_minute, utc(2026, 11, 2), periods)
    assert (on_time.period.key, on_time.late) == ("2026-10", False)
    late = assign_period(last_minute, utc(2026, 11, 3, 10), periods)  # recorded as it closed
    assert (late.period.key, late.late, late.own_period.key) == ("2026-11", True, "2026-10")
    after_midnight = assign_period(utc(2026, 10, 31, 21, 30), utc(2026, 11, 5), periods)
    assert (after_midnight.period.key, after_midnight.late) == ("2026-11", False)


def test_late_for_two_closed_periods_and_no_open_one():
    october, november, december = monthly_periods(2026, 10, 3)
    periods = [october.close(utc(2026, 11, 3)), november.close(utc(2026, 12, 3)), december]
    skipped = assign_period(utc(2026, 10, 15), utc(2026, 12, 10), periods)
    assert (skipped.period.key, skipped.late) == ("2026-12", True)
    with pytest.raises(NoOpenPeriod, match="no later period is open"):
        assign_period(utc(2026, 10, 15), utc(2027, 1, 10), [*periods[:2], december.close(utc(2027, 1, 5))])
    with pytest.raises(NoOpenPeriod, match="no billing period holds"):
        assign_period(utc(2027, 3, 1), utc(2027, 3, 1), periods)


def test_closing_twice_keeps_the_first_time():
    period = monthly_period(2026, 10).close(utc(2026, 11, 3))
    assert period.close(utc(2026, 11, 9)).closed_at == utc(2026, 11, 3)


def test_overlapping_periods_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        assign_period(
            utc(2026, 10, 5), utc(2026, 10, 5), [monthly_period(2026, 11), monthly_period(2026, 10)]
        )


START = utc(2026, 9, 1)
TARIFF = TalkTariff(Decimal("2.40"), PER_6_SECONDS)
minutes = st.integers(min_value=0, max_value=(utc(2026, 12, 1) - START).days * 1440 - 1)
records = st.lists(
    st.tuples(
        minutes, st.integers(min_value=0, max_value=90 * 1440), st.integers(min_value=0, max_value=3600)
    ).map(lambda r: (START + timedelta(minutes=r[0]), START + timedelta(minutes=r[0] + r[1]), r[2])),
    max_size=40,
)


def total(period, rows, periods):
    return total_of((charge_call(talk, TARIFF) for talk, _ in billed_in(period, rows, periods)), "RUB")


@given(records, records, st.integers(min_value=1, max_value=20), st.randoms())
def test_a_closed_period_never_changes(before, later, close_day, rnd):
    september, october, november = monthly_periods(2026, 9, 3)
    closed_at = october.end + timedelta(days=close_day)
    periods = [september.close(october.start + timedelta(days=3)), october.close(closed_at), november]
    known = [r for r in before if r[1] < closed_at]
    frozen = total(periods[1], known, periods)
    # Records keep arriving after the close (some for October itself); the order is arbitrary.
    arriving = [(event, max(recorded, closed_at), talk) for event, recorded, talk in later]
    everything = known + arriving
    rnd.shuffle(everything)
    assert total(periods[1], everything, periods) == frozen
    # Every record is billed exactly once, in its own period or, late, in a later one.
    placed = [
        assign_period(event, recorded, periods) for event, recorded, _ in everything if event < november.end
    ]
    assert all(a.period.start >= a.own_period.start for a in placed)
    assert all(a.late == (a.period != a.own_period) for a in placed)
