"""Volume tracking: left, burn rate, run-out date, and threshold alerts that fire once."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.volume import BurnRate, VolumeStatus, burn_rate, crossed_thresholds, runs_out_on

D = Decimal
TODAY = date(2026, 11, 20)


def test_status():
    status = VolumeStatus(D(1000), D(850))
    assert (status.left, status.overrun, status.exhausted) == (D(150), D(0), False)
    assert status.used_fraction == Fraction(17, 20)
    over = VolumeStatus(D(1000), D("1012.5"))
    assert (over.left, over.overrun, over.exhausted) == (D(0), D("12.5"), True)
    assert VolumeStatus(D(0), D(5)).used_fraction is None


def test_burn_rate_over_a_trailing_window():
    usage = [(TODAY - timedelta(days=i), D(70)) for i in range(10)]  # 70 a day for ten days
    rate = burn_rate(usage, TODAY, days=7)
    assert (rate.used, rate.per_day) == (Fraction(490), Fraction(70))
    assert burn_rate([(TODAY + timedelta(days=1), D(5)), (TODAY - timedelta(days=7), D(5))], TODAY).used == 0


def test_run_out_date():
    rate = BurnRate(Fraction(490), 7, TODAY)
    assert runs_out_on(VolumeStatus(D(1000), D(850)), rate) == TODAY + timedelta(
        days=3
    )  # 150 / 70 -> 3rd day
    assert runs_out_on(VolumeStatus(D(1000), D(860)), rate) == TODAY + timedelta(days=2)  # 140 / 70 exactly
    assert runs_out_on(VolumeStatus(D(1000), D(1000)), rate) == TODAY
    assert runs_out_on(VolumeStatus(D(1000), D(10)), BurnRate(Fraction(0), 7, TODAY)) is None


def test_thresholds_crossed():
    assert crossed_thresholds(D(700), D(850), D(1000)) == (D("0.8"),)
    assert crossed_thresholds(D(850), D(1000), D(1000)) == (D(1),)
    assert crossed_thresholds(D(700), D(1200), D(1000)) == (D("0.8"), D(1))
    assert crossed_thresholds(D(800), D(900), D(1000)) == ()  # 80 % was reached before
    assert crossed_thresholds(D(900), D(700), D(1000)) == ()  # a correction downward
    assert crossed_thresholds(D(0), D(10), None) == ()
    assert crossed_thresholds(0, 60, 100, [D("0.5"), D("0.25"), D("0.5")]) == (D("0.25"), D("0.5"))


@given(
    st.lists(st.integers(min_value=0, max_value=300), max_size=30),
    st.integers(min_value=1, max_value=2000),
    st.lists(st.sampled_from([D("0.5"), D("0.8"), D("0.9"), D(1), D("1.2")]), min_size=1, max_size=5),
)
def test_each_threshold_fires_once_however_usage_grows(steps, committed, thresholds):
    used, fired = 0, list[object]()
    for step in steps:
        fired.extend(crossed_thresholds(used, used + step, committed, thresholds))
        used += step
    assert fired == list(crossed_thresholds(0, used, committed, thresholds))
    assert len(fired) == len(set(fired))
