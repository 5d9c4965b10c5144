"""The facts metering reads: calls with their measured talk, closing dispositions, seat intervals.

Talk is the call's stored ``billable_seconds``, written by ``dialer.calls`` when the call ends:
strictly from ``connected_at`` (the customer put through to an operator) to ``ended_at`` as the
tracker reported them, a started second counting whole; a call never connected has none. Seat time
comes from ``operator_state_events``: each event opens an interval in its state that lasts until the
operator's next event, and it counts for a contract when the operator was on one of its campaigns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.seat_time import Interval
from dialer.billing.talk_time import TalkTariff, TalkTotal, charge_call
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign, DispositionCode
from dialer.operators.models import OperatorStateEvent

STREAM_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class MeteredCall:
    """One call as billing sees it."""

    call_id: int
    campaign_id: int
    contact_id: int
    placed_at: datetime
    talk_seconds: int
    disposition_code: str | None
    late: bool = False

    @property
    def connected(self) -> bool:
        return self.talk_seconds > 0


async def metered_calls(
    session: AsyncSession, where: ColumnElement[bool], late: ColumnElement[bool]
) -> AsyncIterator[MeteredCall]:
    """The calls ``where`` selects, streamed in placing order (bounded memory for a big month)."""
    query = (
        select(
            Call.id,
            Call.campaign_id,
            Call.contact_id,
            Call.placed_at,
            Call.billable_seconds,
            Call.disposition_code,
            late.label("late"),
        )
        .where(where)
        .order_by(Call.placed_at, Call.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    result = await session.stream(query)
    async for row in result:
        yield MeteredCall(
            row.id,
            row.campaign_id,
            row.contact_id,
            row.placed_at,
            row.billable_seconds or 0,  # None: not ended yet, no talk to bill
            row.disposition_code,
            bool(row.late),
        )


def note_closing(closing: dict[int, MeteredCall], call: MeteredCall) -> None:
    """Keep ``call`` as its contact's closing call if it is disposed and the contact's latest so far."""
    if call.disposition_code is None:
        return
    seen = closing.get(call.contact_id)
    if seen is None or (call.placed_at, call.call_id) > (seen.placed_at, seen.call_id):
        closing[call.contact_id] = call


def closing_calls(calls: Iterable[MeteredCall]) -> dict[int, MeteredCall]:
    """Per contact, its last disposed call among ``calls`` (the disposition that closed it)."""
    closing: dict[int, MeteredCall] = {}
    for call in calls:
        note_closing(closing, call)
    return closing


@dataclass(slots=True)
class CallTally:
    """One pass over a month's calls, in bounded memory: each call priced and added to the talk
    total, connected and late calls counted, each contact's closing call kept."""

    tariff: TalkTariff
    talk: TalkTotal
    connected: int = 0
    late: int = 0
    closing: dict[int, MeteredCall] = field(default_factory=dict)

    @classmethod
    def empty(cls, tariff: TalkTariff) -> CallTally:
        return cls(tariff, TalkTotal.empty(tariff.currency))

    def add(self, call: MeteredCall) -> None:
        self.talk = self.talk.add(charge_call(call.talk_seconds, self.tariff))
        self.connected += call.connected
        self.late += call.late
        note_closing(self.closing, call)

    @classmethod
    def of(cls, calls: Iterable[MeteredCall], tariff: TalkTariff) -> CallTally:
        tally = cls.empty(tariff)
        for call in calls:
            tally.add(call)
        return tally


async def contract_dispositions(session: AsyncSession, contract_id: int) -> list[DispositionCode]:
    """Every disposition code of the contract's campaigns."""
    query = (
        select(DispositionCode)
        .join(Campaign, Campaign.id == DispositionCode.campaign_id)
        .where(Campaign.contract_id == contract_id)
        .order_by(DispositionCode.id)
    )
    return list(await session.scalars(query))


async def contract_campaign_ids(session: AsyncSession, contract_id: int) -> set[int]:
    return set(await session.scalars(select(Campaign.id).where(Campaign.contract_id == contract_id)))


def intervals_from_events(
    events: Iterable[tuple[int, datetime, str, Collection[int]]],
    campaign_ids: Collection[int],
    until: datetime,
) -> dict[int, list[Interval]]:
    """Per operator, the intervals ``(start, end, state)`` spent on one of ``campaign_ids``.

    ``events`` are ``(operator_id, at, state, campaign_ids)``; an operator's last event lasts until
    ``until`` (events at or after it are ignored).
    """
    by_operator: dict[int, list[tuple[datetime, str, Collection[int]]]] = defaultdict(list)
    for operator_id, at, state, campaigns in events:
        if at < until:
            by_operator[operator_id].append((at, state, campaigns))
    wanted = set(campaign_ids)
    intervals: dict[int, list[Interval]] = {}
    for operator_id, items in by_operator.items():
        items.sort(key=lambda item: item[0])
        ends = [at for at, _, _ in items[1:]] + [until]
        spans = [
            (at, end, state)
            for (at, state, campaigns), end in zip(items, ends, strict=True)
            if wanted & set(campaigns)
        ]
        if spans:
            intervals[operator_id] = spans
    return intervals


async def seat_intervals(
    session: AsyncSession, campaign_ids: Collection[int], start: datetime, until: datetime
) -> dict[int, list[Interval]]:
    """Operators' intervals on ``campaign_ids`` between ``start`` and ``until`` (clipped later).

    Reads each operator's events in ``[start, until)`` and the last one before ``start`` (the state
    they were in when the span began).
    """
    if not campaign_ids or until <= start:
        return {}
    event = OperatorStateEvent
    last_before = (
        select(event.operator_id, func.max(event.at).label("at"))
        .where(event.at < start)
        .group_by(event.operator_id)
        .subquery()
    )
    columns = (event.operator_id, event.at, event.state, event.campaign_ids)
    earlier = select(*columns).join(
        last_before, and_(event.operator_id == last_before.c.operator_id, event.at == last_before.c.at)
    )
    inside = select(*columns).where(event.at >= start, event.at < until)
    rows = [*(await session.execute(earlier)), *(await session.execute(inside))]
    events = [(row[0], row[1], str(row[2].value), list(row[3] or [])) for row in rows]
    return intervals_from_events(events, campaign_ids, until)
