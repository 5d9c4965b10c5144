"""The monthly report's pure parts over generated months: the day series adds up to the month, and
the volume's used and left add up to what was committed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.metering.usage import MeteredCall
from dialer.reports.monthly import day_lines, volume_of

START = datetime(2026, 10, 31, 21, tzinfo=UTC)  # 1 November 00:00 in Moscow
END = datetime(2026, 11, 30, 21, tzinfo=UTC)

calls = st.builds(
    MeteredCall,
    call_id=st.integers(1, 10**6),
    campaign_id=st.just(1),
    contact_id=st.integers(1, 50),
    placed_at=st.integers(0, int((END - START).total_seconds()) - 1).map(
        lambda s: START + timedelta(seconds=s)
    ),
    talk_seconds=st.integers(0, 3600),
    disposition_code=st.none(),
    late=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(calls, max_size=60))
def test_the_days_add_up_to_the_month(month_calls):
    days = day_lines(month_calls, date(2026, 11, 1), date(2026, 11, 30), "Europe/Moscow")
    assert [d.day for d in days] == [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]
    assert sum(d.calls for d in days) == len(month_calls)
    assert sum(d.connected for d in days) == sum(1 for c in month_calls if c.connected)
    assert sum(d.talk_seconds for d in days) == sum(c.talk_seconds for c in month_calls)
    assert days[0].late == sum(d.late for d in days) == sum(1 for c in month_calls if c.late)


amounts = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(amounts, st.one_of(st.none(), amounts))
def test_used_and_left_make_the_committed_volume(used, committed):
    volume = volume_of(used, committed, "minutes")
    assert volume.used == used
    if committed is None or committed == 0:
        assert volume.left is None and volume.share_used is None
    else:
        assert volume.used + volume.left == committed
        assert abs(volume.share_used - used / committed) <= Decimal("0.00005")
