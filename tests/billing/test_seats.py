"""Seat time from operators' intervals, seat counts per month, seat-hour and hourly-plan pricing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.money import Rounding
from dialer.billing.seat_pricing import (
    HourlyPlan,
    SeatHourTariff,
    billable_seat_seconds,
    charge_hourly_plan,
    charge_seat_hours,
    charge_seat_month,
)
from dialer.billing.seat_time import (
    WITH_PAUSES,
    WITHOUT_PAUSES,
    SeatCount,
    count_seats,
    period_days,
    seat_time,
    seat_time_by_operator,
)

H = timedelta(hours=1)
DAY = datetime(2026, 11, 2, tzinfo=UTC)


def at(hour: float, day: int = 0) -> datetime:
    return DAY + timedelta(days=day, hours=hour)


SHIFT = [(at(9), at(13), "ready"), (at(13), at(14), "paused"), (at(14), at(18), "on_call")]


def test_with_and_without_pauses():
    assert seat_time(SHIFT, at(0), at(24), WITH_PAUSES) == 9 * H
    assert seat_time(SHIFT, at(0), at(24), WITHOUT_PAUSES) == 8 * H


def test_clipped_to_the_period():
    night = [(at(-1), at(1), "ready"), (at(23), at(26), "ready")]
    assert seat_time(night, at(0), at(24)) == 2 * H
    assert seat_time(night, at(2), at(3)) == timedelta()


def test_overlapping_intervals_count_once():
    two_campaigns = [(at(9), at(12), "ready"), (at(11), at(13), "on_call"), (at(13), at(14), "ready")]
    assert seat_time(two_campaigns, at(0), at(24)) == 5 * H


def test_naive_and_reversed_intervals_are_refused():
    with pytest.raises(ValueError, match="naive"):
        seat_time([(at(9).replace(tzinfo=None), at(10), "ready")], at(0), at(24))
    with pytest.raises(ValueError, match="before it starts"):
        seat_time([(at(10), at(9), "ready")], at(0), at(24))


OPERATORS = {
    "anna": [(at(9), at(18), "ready"), (at(9, day=1), at(12, day=1), "ready")],
    "boris": [(at(10), at(12), "ready")],
    "vera": [(at(12), at(15), "ready")],  # touches boris at 12:00: not at the same time
    "gleb": [(at(10), at(11), "paused")],
}


def test_seat_counts():
    start, end, paid = at(0), at(48), WITHOUT_PAUSES
    assert count_seats(OPERATORS, start, end, SeatCount.MAX_CONCURRENT) == 3  # anna, boris, gleb paused
    assert count_seats(OPERATORS, start, end, SeatCount.MAX_CONCURRENT, excluded_states=paid) == 2
    assert count_seats(OPERATORS, start, end, SeatCount.DISTINCT_OPERATORS) == 4
    assert count_seats(OPERATORS, start, end, SeatCount.DISTINCT_OPERATORS, excluded_states=paid) == 3
    # Day one: anna, boris, vera, gleb; day two: anna. Mean 5/2.
    assert count_seats(OPERATORS, start, end, SeatCount.AVERAGE_DAILY) == Fraction(5, 2)
    # Over chosen days (e.g. business days of a period), here three days with the third empty.
    days = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    assert count_seats(OPERATORS, start, end, SeatCount.AVERAGE_DAILY, days=days) == Fraction(5, 3)


def test_average_daily_uses_local_days():
    # 23:00-01:00 UTC is 02:00-04:00 in Moscow: one local day, not two.
    late = {"anna": [(at(23), at(25), "ready")]}
    moscow = ZoneInfo("Europe/Moscow")
    start, end = at(-3), at(45)  # 2 November 00:00 to 4 November 00:00 Moscow time
    assert period_days(start, end, moscow) == [date(2026, 11, 2), date(2026, 11, 3)]
    assert count_seats(late, start, end, SeatCount.AVERAGE_DAILY, tz=moscow) == Fraction(1, 2)
    assert count_seats(late, at(0), at(48), SeatCount.AVERAGE_DAILY) == Fraction(2, 2)


def test_seat_time_by_operator_leaves_out_the_idle():
    times = seat_time_by_operator(OPERATORS, at(0), at(24), WITHOUT_PAUSES)
    assert times == {"anna": 9 * H, "boris": 2 * H, "vera": 3 * H}


def test_seat_hour_rows_and_total():
    tariff = SeatHourTariff(Decimal("450.00"))  # per started minute by default
    bill = charge_seat_hours({"anna": 8 * H + timedelta(seconds=30), "boris": timedelta(minutes=20)}, tariff)
    rows = [(r.operator, r.billable_seconds, str(r.amount)) for r in bill.rows]
    assert rows == [("anna", 481 * 60, "3607.50"), ("boris", 1200, "150.00")]
    assert str(bill.amount) == "3757.50"
    assert bill.billable_hours == Fraction(481 * 60 + 1200, 3600)


def test_seat_time_rounding_direction():
    length = timedelta(minutes=10, seconds=29)
    assert billable_seat_seconds(length, 60) == 660
    assert billable_seat_seconds(length, 60, Rounding.HALF_UP) == 600
    assert billable_seat_seconds(length, 60, Rounding.DOWN) == 600
    assert billable_seat_seconds(length, 1) == 629


def test_seat_month():
    assert str(charge_seat_month(12, Decimal("45000.00"))) == "540000.00"
    assert str(charge_seat_month(Fraction(2, 3), Decimal("100.00"))) == "66.67"


def test_hourly_plan_block_and_overage():
    plan = HourlyPlan(Decimal("100"), Decimal("50000.00"), Decimal("600.00"))
    over = charge_hourly_plan(103 * H + timedelta(minutes=20, seconds=10), plan)
    assert (over.overage_seconds, str(over.block_amount), str(over.overage_amount)) == (
        201 * 60,
        "50000.00",
        "2010.00",
    )
    assert str(over.amount) == "52010.00"
    under = charge_hourly_plan(90 * H, plan)
    assert (under.overage_seconds, str(under.amount)) == (0, "50000.00")


intervals = st.lists(
    st.tuples(
        st.integers(min_value=-600, max_value=3000),
        st.integers(min_value=0, max_value=600),
        st.sampled_from(["ready", "on_call", "wrap_up", "paused"]),
    ).map(lambda t: (at(t[0] / 60), at((t[0] + t[1]) / 60), t[2])),
    max_size=12,
)


@given(intervals, st.integers(min_value=0, max_value=2400), st.integers(min_value=0, max_value=2400))
def test_seat_time_is_bounded_and_additive_over_split_periods(items, a, b):
    start, mid, end = at(0), at(min(a, b) / 60), at(max(a, b) / 60)
    whole = seat_time(items, start, end)
    assert whole <= end - start
    assert whole == seat_time(items, start, mid) + seat_time(items, mid, end)
    assert seat_time(items, start, end, WITHOUT_PAUSES) <= whole


@given(st.dictionaries(st.sampled_from("abcdef"), intervals, max_size=6))
def test_seat_counts_are_ordered(by_operator):
    start, end = at(0), at(48)
    peak = count_seats(by_operator, start, end, SeatCount.MAX_CONCURRENT)
    distinct = count_seats(by_operator, start, end, SeatCount.DISTINCT_OPERATORS)
    average = count_seats(by_operator, start, end, SeatCount.AVERAGE_DAILY)
    assert peak <= distinct
    assert average <= distinct
    assert (peak == 0) == (distinct == 0)
