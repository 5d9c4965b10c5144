"""The export's memoised pricing is ``charge_call`` exactly, and its totals the sum of its rows,
under every rounding rule (hypothesis over increments, minimums, free thresholds, rates, currencies
and money rounding)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.money import Rounding
from dialer.billing.talk_time import TalkRounding, TalkTariff, charge_call, total_of
from dialer.billing_export.layout import (
    IsoMinutes,
    TariffColumns,
    csv_cell,
    decimal_text,
    iso_seconds,
    price_text,
)
from dialer.billing_export.pricing import CallPricer, TalkTally

roundings = st.builds(
    TalkRounding,
    increment=st.sampled_from([1, 6, 30, 60]) | st.integers(1, 120),
    minimum=st.integers(0, 180),
    free_under=st.integers(0, 30),
)
tariffs = st.builds(
    TalkTariff,
    rate_per_minute=st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False, allow_infinity=False),
    rounding=roundings,
    currency=st.sampled_from(["RUB", "JPY", "KWD"]),
    money_rounding=st.sampled_from(list(Rounding)),
)
talks = st.lists(st.integers(0, 7200) | st.sampled_from([0, 1, 5, 6, 29, 30, 59, 60, 61]), max_size=300)


@given(tariffs, talks)
def test_rows_are_charge_call_and_totals_are_their_sum(tariff, lengths):
    pricer = CallPricer(tariff)
    tally = TalkTally()
    rows = []
    for talk in lengths:
        row = pricer.charge(talk)
        assert row == charge_call(talk, tariff)
        rows.append(row)
        tally.add(talk)
    assert tally.total(pricer) == total_of(rows, tariff.currency)


@given(tariffs, talks)
def test_adding_a_batch_counts_like_adding_one_by_one(tariff, lengths):
    pricer = CallPricer(tariff)
    one, batch = TalkTally(), TalkTally()
    for talk in lengths:
        one.add(talk)
    batch.add_all(lengths)
    assert one.total(pricer) == batch.total(pricer)


def test_hand_computed_charges_under_each_rule():
    rate = Decimal("1.55")
    cases = {
        # rule: [(talk, billable units, amount)]
        TalkRounding(1): [(0, 0, "0.00"), (1, 1, "0.03"), (59, 59, "1.52"), (61, 61, "1.58")],
        TalkRounding(6): [(1, 1, "0.16"), (6, 1, "0.16"), (7, 2, "0.31"), (61, 11, "1.71")],
        TalkRounding(30): [(1, 1, "0.78"), (31, 2, "1.55"), (61, 3, "2.33")],
        TalkRounding(60): [(1, 1, "1.55"), (60, 1, "1.55"), (61, 2, "3.10")],
        TalkRounding(6, minimum=30, free_under=5): [(4, 0, "0.00"), (5, 5, "0.78"), (31, 6, "0.93")],
    }
    for rule, expected in cases.items():
        pricer = CallPricer(TalkTariff(rate, rule))
        got = [
            (t, pricer.charge(t).billable_units, decimal_text(pricer.charge(t).amount))
            for t, _, _ in expected
        ]
        assert got == expected, rule


def test_text_forms():
    assert price_text(Decimal("1.500000")) == "1.5"
    assert price_text(Decimal("100")) == "100"
    assert decimal_text(Decimal("0.00")) == "0.00"
    assert csv_cell('a;"b"', ";") == '"a;""b"""'
    assert csv_cell("a;b", ",") == "a;b"
    assert csv_cell("line\nbreak", ",") == '"line\nbreak"'
    terms = TariffColumns(TalkTariff(Decimal("2.000000"), TalkRounding(60), "USD"))
    assert terms.csv_text(charge_call(61, terms.tariff), ";") == "61;2;60;2;4.00;USD"


@given(st.lists(st.integers(0, 4_102_444_800), max_size=200), st.integers(1, 50))
def test_iso_seconds_are_the_utc_times_to_the_second(seconds, limit):
    minutes = IsoMinutes(limit)
    for second in sorted(seconds) + seconds:
        assert iso_seconds(minutes, second) == datetime.fromtimestamp(second, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        assert len(minutes) <= limit
