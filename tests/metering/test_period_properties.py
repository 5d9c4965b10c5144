"""Property tests of billing months on the database: whatever calls arrive and whenever months close,
the SQL membership is ``dialer.billing.periods.assign_period``, late calls land in the next open month,
and a closed month's statement, recomputed from the records after anything was added, never changes."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dialer.billing.periods import billed_in
from dialer.calls.models import Call
from dialer.clients.models import Contract
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.metering.periods import calls_in_period, period_for
from dialer.metering.statement import (
    CLOSE_SETTLE,
    close_period,
    compute_statement,
    gather_facts,
    monthly_statement,
)
from tests.metering.world import make_world

OCT = datetime(2026, 10, 1, tzinfo=UTC)
NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)
JAN = datetime(2027, 1, 1, tzinfo=UTC)
MONTHS = ((2026, 10), (2026, 11), (2026, 12))

_worlds = itertools.count()

calls = st.lists(
    st.tuples(
        st.integers(0, int((JAN - OCT).total_seconds()) - 1),  # placed, seconds after October began
        st.integers(0, 3600),  # talk seconds
        st.integers(0, 40 * 86400),  # from hangup to the record being stored
    ),
    max_size=14,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    calls,
    st.integers(0, 20 * 86400),  # October closed this long after it ended
    st.integers(0, 20 * 86400),  # November closed this long after it ended (and after October)
)
def test_months_bill_what_assign_period_says_and_closed_months_never_change(
    database_url: str, placed: list[tuple[int, int, int]], oct_after: int, nov_after: int
) -> None:
    asyncio.run(_scenario(database_url, placed, oct_after, nov_after))


async def _scenario(url: str, placed: list[tuple[int, int, int]], oct_after: int, nov_after: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        world = await make_world(sessions, period_start=OCT.date(), prefix=f"p{next(_worlds)}")
        oct_closed = NOV + timedelta(seconds=oct_after)
        nov_closed = max(DEC, oct_closed) + timedelta(seconds=nov_after)
        records = []
        for offset, talk, delay in placed:
            at = OCT + timedelta(seconds=offset)
            ended = at + timedelta(seconds=5 + talk)
            records.append((at, talk, ended + timedelta(seconds=delay)))

        async def file(since: datetime | None, until: datetime | None) -> None:
            for at, talk, recorded in records:
                if (since is None or recorded >= since) and (until is None or recorded < until):
                    await world.call(at, timedelta(seconds=talk), recorded_at=recorded)

        # What happens, in time order: records stored, October closed, more stored, November closed, more.
        await file(None, oct_closed)
        async with unit_of_work(sessions) as session:
            october = await close_period(
                session, world.contract_id, 2026, 10, by="p", now=oct_closed + CLOSE_SETTLE
            )
        await file(oct_closed, nov_closed)
        async with unit_of_work(sessions) as session:
            november = await close_period(
                session, world.contract_id, 2026, 11, by="p", now=nov_closed + CLOSE_SETTLE
            )
        await file(nov_closed, None)

        async with unit_of_work(sessions) as session:
            contract = await session.get(Contract, world.contract_id)
            assert contract is not None
            periods = [
                period_for(contract, 2026, 10, oct_closed),
                period_for(contract, 2026, 11, nov_closed),
                period_for(contract, 2026, 12),
            ]
            query = select(Call.id, Call.placed_at, Call.recorded_at).where(
                Call.campaign_id == world.campaign_id
            )
            stored = list(await session.execute(query))
            for period in periods:
                got = {
                    (row[0].id, bool(row[1]))
                    for row in await session.execute(calls_in_period(contract.id, period))
                }
                want = set(billed_in(period, [(p, r, i) for i, p, r in stored if r is not None], periods))
                assert got == want, period.key
            # Closed months: read back as frozen, and recomputed from today's records, the same.
            for frozen, period in ((october, periods[0]), (november, periods[1])):
                again = await monthly_statement(
                    session, contract.id, period.first_day.year, period.first_day.month
                )
                assert again == frozen
                recomputed = compute_statement(
                    contract, period, await gather_facts(session, contract, period, JAN)
                )
                assert recomputed.usage == frozen.usage and recomputed.bill == frozen.bill
                assert recomputed.late_calls == frozen.late_calls
            december = await monthly_statement(session, contract.id, 2026, 12, now=JAN)
        # Every stored call is billed in exactly one month; late ones are counted where they land.
        assert october.usage.calls + november.usage.calls + december.usage.calls == len(records)
        late_nov = sum(1 for at, _, rec in records if at < NOV and oct_closed <= rec < nov_closed)
        late_dec = sum(1 for at, _, rec in records if at < DEC and rec >= nov_closed)
        assert (october.late_calls, november.late_calls, december.late_calls) == (0, late_nov, late_dec)
    finally:
        await engine.dispose()
