"""One call's bill against Asterisk's record, and a month's tally: pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ami.cel import CelCall
from dialer.billing.talk_time import TalkRounding, call_talk_seconds
from dialer.billing_check.compare import BilledCall, Reason, check, compare, record_seconds

T0 = datetime(2026, 11, 3, 10, tzinfo=UTC)
ms = timedelta(milliseconds=1)


def record(uid: str, bridged: datetime | None, ended: datetime | None) -> CelCall:
    answered = T0 if bridged is None else min(T0, bridged)
    return CelCall(uid, "PJSIP/trunk-1", answered, bridged, ended, ended, 16, "", None, None)


def billed(call_id: int, connected: datetime | None, ended: datetime) -> BilledCall:
    return BilledCall(call_id, f"u{call_id}", connected is not None, call_talk_seconds(connected, ended) or 0)


def test_the_record_confirms_the_same_talk_to_the_second() -> None:
    connected, ended = T0 + 2000 * ms, T0 + 31_400 * ms  # 29.4 s: 30 started seconds
    assert compare(billed(1, connected, ended), record("u1", connected + 3 * ms, ended)) is None
    assert record_seconds(record("u1", connected, ended)) == 30


def test_a_started_second_of_the_record_the_bill_lacks_is_a_difference() -> None:
    connected, ended = T0, T0 + timedelta(seconds=29)
    found = compare(billed(1, connected, ended), record("u1", connected, ended + 10 * ms))
    assert found is not None
    assert (found.reason, found.product_seconds, found.record_seconds, found.difference) == (
        Reason.SECONDS,
        29,
        30,
        1,
    )


def test_an_outage_billed_beyond_the_hangup_shows_as_negative() -> None:
    """Issue 11's case: the product closed the call at the restart, 14 s after the true hangup."""
    connected = T0
    found = compare(
        billed(1, connected, T0 + timedelta(seconds=42.7)), record("u1", T0, T0 + timedelta(seconds=28.7))
    )
    assert found is not None and (found.product_seconds, found.record_seconds, found.difference) == (
        43,
        29,
        -14,
    )


def test_outcome_disagreements_either_way() -> None:
    put_through = record("u1", T0, T0 + timedelta(seconds=10))
    never = record("u1", None, T0 + timedelta(seconds=10))
    not_connected = billed(1, None, T0 + timedelta(seconds=10))
    connected = billed(1, T0, T0 + timedelta(seconds=10))
    assert compare(not_connected, never) is None  # answered, not put through: both agree
    one = compare(not_connected, put_through)
    assert one is not None and (one.reason, one.record_seconds, one.difference) == (
        Reason.BRIDGED_NOT_CONNECTED,
        10,
        10,
    )
    two = compare(connected, never)
    assert two is not None and (two.reason, two.record_seconds, two.difference) == (
        Reason.CONNECTED_NOT_BRIDGED,
        0,
        -10,
    )


def test_missing_and_unended_records_cannot_say_how_long() -> None:
    call = billed(1, T0, T0 + timedelta(seconds=10))
    missing = compare(call, None)
    open_record = compare(call, record("u1", T0, None))
    assert missing is not None and (missing.reason, missing.record_seconds, missing.difference) == (
        Reason.MISSING,
        None,
        None,
    )
    assert open_record is not None and open_record.reason is Reason.NOT_ENDED


def test_the_tally_counts_and_sums_each_side_with_the_contract_rounding() -> None:
    s = timedelta(seconds=1)
    pairs = [
        (billed(1, T0, T0 + 10 * s), record("u1", T0, T0 + 10 * s)),  # matched
        (billed(2, T0, T0 + 61 * s), record("u2", T0, T0 + 50 * s)),  # differing
        (billed(3, T0, T0 + 5 * s), None),  # missing
        (billed(4, None, T0 + 5 * s), record("u4", None, T0 + 5 * s)),  # matched, no talk
    ]
    tally = check(pairs, TalkRounding(30))
    assert (tally.calls, tally.matched, tally.differing, tally.missing, tally.agrees) == (4, 2, 1, 1, False)
    assert (tally.product_seconds, tally.record_seconds) == (76, 60)
    assert (tally.product_billable, tally.record_billable) == (30 + 90 + 30, 30 + 60)
    assert [(d.call_id, d.reason) for d in tally.differences] == [(2, Reason.SECONDS), (3, Reason.MISSING)]


talks = st.integers(min_value=0, max_value=3_600_000)  # milliseconds of talk
offsets = st.integers(min_value=0, max_value=10_000)


@given(start=offsets, talk=talks, connected=st.booleans())
def test_a_record_with_the_products_own_times_always_agrees(start: int, talk: int, connected: bool) -> None:
    connected_at = T0 + start * ms
    ended = connected_at + talk * ms
    call = billed(1, connected_at if connected else None, ended)
    tally = check([(call, record("u1", connected_at if connected else None, ended))])
    assert tally.agrees and tally.matched == 1
    assert tally.product_seconds == tally.record_seconds == call.seconds


@given(
    st.lists(
        st.tuples(talks, st.one_of(st.none(), talks), st.booleans()),
        max_size=30,
    )
)
def test_counts_add_up_and_each_difference_is_the_gap_of_the_two_sides(
    rows: list[tuple[int, int | None, bool]],
) -> None:
    pairs: list[tuple[BilledCall, CelCall | None]] = []
    for n, (product_ms, record_ms, found) in enumerate(rows):
        call = billed(n, T0, T0 + product_ms * ms)
        bridged = None if record_ms is None else T0
        ended = T0 + (ms if record_ms is None else record_ms * ms)
        pairs.append((call, record(f"u{n}", bridged, ended) if found else None))
    tally = check(pairs)
    assert tally.calls == len(rows) == tally.matched + tally.differing + tally.missing
    assert tally.missing == sum(1 for _, r in pairs if r is None)
    assert tally.product_seconds == sum(c.seconds for c, _ in pairs)
    assert tally.record_seconds == sum(record_seconds(r) for _, r in pairs if r is not None)
    assert len(tally.differences) == tally.differing + tally.missing
    for d in tally.differences:
        if d.record_seconds is not None:
            assert d.difference == d.record_seconds - d.product_seconds
        if d.reason is Reason.SECONDS:
            assert d.difference != 0
