"""What the export reads: the client's per-minute contracts in a period, the names its rows show,
and each contract's calls (those metering bills in the period) as plain tuples streamed in batches
through a server-side cursor.

The calls' query selects only integers, text and a boolean, computed by the database, so on
PostgreSQL nothing per row goes through a Python type conversion:

- the start time as whole seconds since the epoch (UTC);
- talk seconds as metering bills them: the call's stored ``billable_seconds`` (written by
  ``dialer.calls`` when the call ended; 0 for a call not ended).
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import date

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from dialer.billing.periods import BillingPeriod
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.clients.models import Contract, PricingModel
from dialer.db.engine import asyncpg_connection
from dialer.operators.models import Operator

CallRow = tuple[int, int, bool, int, int | None, str, str | None, int]
"""call id, start (epoch seconds), late, campaign id, operator id, phone, disposition code, talk seconds."""
TALK = operator.itemgetter(7)
LATE_FLAG = operator.itemgetter(2)
CallsQuery = Select[int, int, bool, int, int | None, str, str | None, int]


def started_seconds(dialect: str) -> ColumnElement[int]:
    """``placed_at`` as whole seconds since the epoch (UTC), truncated; the text is made by
    :func:`~dialer.billing_export.layout.iso_seconds` (cheaper than ``to_char`` per row)."""
    if dialect == "postgresql":
        # The epoch as a double is exact to far below a microsecond at today's magnitude, so
        # its floor is the whole second (a test checks against Python's own times).
        return cast(func.floor(func.date_part("epoch", Call.placed_at)), BigInteger)
    # SQLite keeps UTC times as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
    return cast(func.strftime("%s", func.substr(Call.placed_at, 1, 19)), Integer)


def calls_query(dialect: str, where: ColumnElement[bool], late: ColumnElement[bool]) -> CallsQuery:
    """The calls ``where`` selects as :data:`CallRow` tuples, in placing order (as the statement
    reads them)."""
    return (
        select(
            Call.id,
            started_seconds(dialect),
            late,
            Call.campaign_id,
            Call.operator_id,
            Call.phone,
            Call.disposition_code,
            func.coalesce(Call.billable_seconds, literal(0)),
        )
        .where(where)
        .order_by(Call.placed_at, Call.id)
    )


WHOLE_MONTH_SHARE = 4
"""Read along the month's ``(placed_at, id)`` index when the contract has at least 1/4 of the
month's calls; a smaller contract's calls are found through its campaigns and sorted."""


async def stream_calls(
    connection: AsyncConnection,
    where: ColumnElement[bool],
    late: ColumnElement[bool],
    period: BillingPeriod,
    campaign_ids: Collection[int],
    batch_rows: int,
) -> AsyncIterator[Sequence[CallRow]]:
    """The calls ``where`` selects, in placing order, in batches of up to ``batch_rows`` through a
    server-side cursor, so only a batch or two is in memory at a time.

    Read in two parts: the calls placed before the period (late records of earlier months: few,
    found by their recording time and sorted), then those placed in it. On PostgreSQL a contract
    holding a good share of the period's calls (:data:`WHOLE_MONTH_SHARE`, counted on the indexes
    first) reads them along the ``(placed_at, id)`` index, so that a month of millions is never
    sorted: the planner is told so (``SET LOCAL enable_sort = off``, this transaction only). A
    smaller one is left to the planner (its campaigns' index and a sort of its own calls), so it
    never walks a big month of other clients' calls.
    """
    dialect = connection.dialect.name
    along_index = dialect == "postgresql" and await holds_much_of(connection, period, campaign_ids)
    for earlier in (True, False):
        placed = Call.placed_at < period.start if earlier else Call.placed_at >= period.start
        query = calls_query(dialect, and_(where, placed), late)
        if dialect == "postgresql":
            no_sort = along_index and not earlier
            await connection.exec_driver_sql(f"SET LOCAL enable_sort = {'off' if no_sort else 'on'}")
            batches = _postgresql_batches(connection, query, batch_rows)
        else:
            batches = _sqlalchemy_batches(connection, query, batch_rows)
        async for batch in batches:
            yield batch


async def holds_much_of(
    connection: AsyncConnection, period: BillingPeriod, campaign_ids: Collection[int]
) -> bool:
    """Whether the campaigns placed at least 1/:data:`WHOLE_MONTH_SHARE` of the period's calls
    (two index-only counts)."""
    in_period = and_(Call.placed_at >= period.start, Call.placed_at < period.end)
    everyone = await connection.scalar(select(func.count()).select_from(Call).where(in_period)) or 0
    if not campaign_ids or not everyone:
        return False
    ours = (
        await connection.scalar(
            select(func.count()).select_from(Call).where(in_period, Call.campaign_id.in_(list(campaign_ids)))
        )
        or 0
    )
    return ours * WHOLE_MONTH_SHARE >= everyone


async def _sqlalchemy_batches(
    connection: AsyncConnection, query: CallsQuery, batch_rows: int
) -> AsyncIterator[Sequence[CallRow]]:
    result = await connection.stream(query.execution_options(yield_per=batch_rows))
    async for partition in result.partitions(batch_rows):
        yield partition


async def _postgresql_batches(
    connection: AsyncConnection, query: CallsQuery, batch_rows: int
) -> AsyncIterator[Sequence[CallRow]]:
    """asyncpg's own cursor, one batch fetched ahead: the server reads and formats the next batch
    while the caller writes this one (two cores instead of taking turns), and the rows stay
    asyncpg's records (tuples) without a SQLAlchemy row around each.

    The query selects only integers, text and booleans, which need no SQLAlchemy type processing;
    its parameters (ids, times, period keys) are passed to asyncpg as they are.
    """
    compiled = query.compile(dialect=connection.dialect)
    arguments = [compiled.params[name] for name in compiled.positiontup or ()]
    # The transaction a cursor needs was begun by SQLAlchemy's adapter at the caller's first statement.
    driver = await asyncpg_connection(connection)
    cursor = await driver.cursor(str(compiled), *arguments)
    ahead = asyncio.ensure_future(cursor.fetch(batch_rows))
    try:
        while True:
            batch = await ahead
            if not batch:
                return
            ahead = asyncio.ensure_future(cursor.fetch(batch_rows))
            await asyncio.sleep(0)  # the fetch goes out before this batch is handed over
            yield batch
    finally:
        if not ahead.done():
            with contextlib.suppress(Exception):
                await ahead  # the connection must finish its exchange before it is reused


async def per_minute_contracts(
    session: AsyncSession, client_id: int, first_day: date, last_day: date
) -> list[Contract]:
    """The client's per-talk-minute contracts in force on some day of ``first_day``..``last_day``."""
    query = (
        select(Contract)
        .where(
            Contract.client_id == client_id,
            Contract.pricing_model == PricingModel.PER_TALK_MINUTE,
            Contract.period_start <= last_day,
            or_(Contract.period_end.is_(None), Contract.period_end >= first_day),
        )
        .order_by(Contract.id)
    )
    return list(await session.scalars(query))


async def campaign_names(session: AsyncSession, contract_id: int) -> dict[int, str]:
    rows = await session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.contract_id == contract_id)
    )
    return {campaign_id: name for campaign_id, name in rows}


async def operator_names(session: AsyncSession) -> dict[int, str]:
    """Every operator's name (login when the name is blank): a centre has hundreds, not millions."""
    rows = await session.execute(select(Operator.id, Operator.name, Operator.login))
    return {operator_id: name or login for operator_id, name, login in rows}
