"""Per talk-minute billing: rounding rules, minimums, free calls, and totals that equal their rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.money import Rounding, to_minor
from dialer.billing.talk_time import (
    PER_6_SECONDS,
    PER_30_SECONDS,
    PER_SECOND,
    PER_STARTED_MINUTE,
    TalkRounding,
    TalkTariff,
    TalkTotal,
    billable_seconds,
    billable_units,
    charge_call,
    charge_calls,
    exact_call_amount,
    per_n_seconds,
    talk_seconds,
    total_of,
)

RATE = Decimal("3.50")


@pytest.mark.parametrize(
    ("rule", "talk", "billed", "units", "amount"),
    [
        (PER_SECOND, 7, 7, 7, "0.41"),  # 7/60 * 3.50 = 0.408(3)
        (PER_6_SECONDS, 7, 12, 2, "0.70"),
        (PER_30_SECONDS, 7, 30, 1, "1.75"),
        (PER_STARTED_MINUTE, 7, 60, 1, "3.50"),
        (PER_STARTED_MINUTE, 60, 60, 1, "3.50"),
        (PER_STARTED_MINUTE, 61, 120, 2, "7.00"),
        (PER_SECOND, 45, 45, 45, "2.63"),  # 2.625: half a kopeck goes up
        (per_n_seconds(1, minimum=30), 7, 30, 30, "1.75"),
        (per_n_seconds(30, minimum=20), 7, 30, 1, "1.75"),
        (per_n_seconds(6, free_under=5), 4, 0, 0, "0.00"),
        (per_n_seconds(6, free_under=5), 5, 6, 1, "0.35"),
        (per_n_seconds(60, minimum=120, free_under=3), 2, 0, 0, "0.00"),
        (per_n_seconds(60, minimum=120, free_under=3), 3, 120, 2, "7.00"),
        (per_n_seconds(15), 0, 0, 0, "0.00"),
    ],
)
def test_hand_computed_calls(rule, talk, billed, units, amount):
    charge = charge_call(talk, TalkTariff(RATE, rule))
    assert (charge.billable_seconds, charge.billable_units, str(charge.amount)) == (billed, units, amount)


def test_other_currencies_and_money_rounding():
    assert str(charge_call(7, TalkTariff(Decimal("10"), PER_SECOND, "JPY")).amount) == "1"
    half_even = TalkTariff(RATE, PER_SECOND, money_rounding=Rounding.HALF_EVEN)
    assert str(charge_call(45, half_even).amount) == "2.62"
    assert str(charge_call(45, TalkTariff(RATE, PER_SECOND, "KWD")).amount) == "2.625"


def test_rows_are_rounded_then_summed():
    # Three one-second calls at 1.00 a minute: each row is 0.0166.. -> 0.02, so the total is 0.06,
    # not the 0.05 that rounding the unrounded sum would give: rows and totals must agree.
    rows, total = charge_calls([1, 1, 1], TalkTariff(Decimal("1.00"), PER_SECOND))
    assert [str(r.amount) for r in rows] == ["0.02", "0.02", "0.02"]
    assert str(total.amount) == "0.06"
    assert (total.calls, total.talk_seconds, total.billable_seconds) == (3, 3, 3)
    assert total.billable_minutes == Fraction(1, 20)


def test_empty_total_has_the_currency_exponent():
    assert str(TalkTotal.empty("RUB").amount) == "0.00"
    assert str(total_of([], "JPY").amount) == "0"


def test_talk_seconds_from_times():
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert talk_seconds(t0, t0 + timedelta(seconds=61)) == 61
    assert talk_seconds(t0, t0 + timedelta(seconds=61, microseconds=1)) == 62  # a started second counts
    assert talk_seconds(t0, t0) == 0
    with pytest.raises(ValueError, match="before"):
        talk_seconds(t0, t0 - timedelta(seconds=1))
    with pytest.raises(ValueError, match="naive"):
        talk_seconds(t0.replace(tzinfo=None), t0)


def test_invalid_rules_and_inputs():
    with pytest.raises(ValueError):
        TalkRounding(0)
    with pytest.raises(ValueError):
        TalkRounding(6, minimum=-1)
    with pytest.raises(ValueError):
        billable_seconds(-1, PER_SECOND)
    with pytest.raises(ValueError):
        TalkTariff(Decimal("-1"))
    with pytest.raises(ValueError, match="currency"):
        TalkTariff(RATE, currency="XXX")


rules = st.builds(
    TalkRounding,
    increment=st.sampled_from([1, 6, 10, 15, 30, 60, 7, 90]),
    minimum=st.integers(min_value=0, max_value=180),
    free_under=st.integers(min_value=0, max_value=30),
)
talks = st.integers(min_value=0, max_value=4 * 3600)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=4)


@given(rules, talks, talks)
def test_billable_seconds_are_monotone(rule, a, b):
    low, high = sorted((a, b))
    assert billable_seconds(low, rule) <= billable_seconds(high, rule)


@given(rules, talks)
def test_billed_calls_never_below_raw_length_or_minimum(rule, talk):
    billed = billable_seconds(talk, rule)
    free = talk == 0 or talk < rule.free_under
    if free:
        assert billed == 0
    else:
        assert billed >= talk
        assert billed >= rule.minimum
        assert billed % rule.increment == 0
        assert billed < max(talk, rule.minimum) + rule.increment  # never a whole extra unit
    assert billable_units(talk, rule) * rule.increment == billed


@given(rules, st.lists(talks, max_size=60), rates)
def test_total_equals_the_sum_of_rows(rule, call_lengths, rate):
    tariff = TalkTariff(rate, rule)
    rows, total = charge_calls(call_lengths, tariff)
    assert total.amount == sum((row.amount for row in rows), Decimal(0))
    assert total.billable_seconds == sum(row.billable_seconds for row in rows)
    assert total.talk_seconds == sum(call_lengths)
    for row in rows:
        exact = exact_call_amount(row.talk_seconds, tariff)
        assert row.amount == to_minor(exact, "RUB")
        assert abs(Fraction(row.amount) - exact) <= Fraction(1, 200)
    # The rounded total is within half a kopeck per row of the exact one.
    exact_total = sum((exact_call_amount(t, tariff) for t in call_lengths), Fraction(0))
    assert abs(Fraction(total.amount) - exact_total) <= Fraction(len(call_lengths), 200)


@given(rules, st.lists(talks, max_size=40), rates, st.randoms())
def test_total_does_not_depend_on_row_order(rule, call_lengths, rate, rnd):
    tariff = TalkTariff(rate, rule)
    shuffled = list(call_lengths)
    rnd.shuffle(shuffled)
    assert charge_calls(call_lengths, tariff)[1] == charge_calls(shuffled, tariff)[1]


@given(rules, talks, talks, rates)
def test_amount_is_monotone_in_talk_time(rule, a, b, rate):
    low, high = sorted((a, b))
    tariff = TalkTariff(rate, rule)
    assert charge_call(low, tariff).amount <= charge_call(high, tariff).amount
