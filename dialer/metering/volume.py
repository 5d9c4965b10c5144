"""A contract's volume now: committed, used, left, the burn rate and the day it runs out.

Used is measured the way the contract is billed (``dialer.metering.tariffs.volume_unit``): billable
talk minutes after the per-call rounding, processed contacts, or counted seat-hours. The span is the
current billing month (``volume_scope`` month: the calls that month bills, late ones included) or the
contract's whole period (``contract``). Usage is kept per local day of the billing zone, so the
burn rate is the last days' usage and the run-out date follows from it
(:func:`dialer.billing.volume.runs_out_on`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import and_, false
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.money import round_to_places
from dialer.billing.seat_time import seat_time, seconds_of
from dialer.billing.talk_time import billable_seconds
from dialer.billing.volume import BurnRate, VolumeStatus, burn_rate, runs_out_on
from dialer.calls.models import Call
from dialer.clients.models import Contract, VolumeScope
from dialer.metering import tariffs
from dialer.metering.periods import contract_calls, membership, period_for
from dialer.metering.tariffs import VolumeUnit
from dialer.metering.usage import (
    MeteredCall,
    contract_campaign_ids,
    contract_dispositions,
    metered_calls,
    note_closing,
    seat_intervals,
)

BURN_DAYS = 7
"""Days of usage the burn rate averages."""
CONTRACT_SPAN = "contract"


@dataclass(frozen=True, slots=True)
class Span:
    """What the volume covers: ``key`` ("2026-11" or "contract"), ``[start, end)`` in UTC."""

    key: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class VolumeReport:
    """The contract's volume in its unit; ``committed`` None: nothing committed (no alerts)."""

    contract_id: int
    unit: VolumeUnit
    span: Span
    committed: Decimal | None
    used: Fraction
    burn: BurnRate
    runs_out_on: date | None
    as_of: datetime

    @property
    def used_rounded(self) -> Decimal:
        """Used, to 2 places (for display and the alert's record)."""
        return round_to_places(self.used, 2)

    @property
    def left(self) -> Decimal | None:
        return None if self.committed is None else VolumeStatus(self.committed, self.used_rounded).left

    @property
    def used_fraction(self) -> Fraction | None:
        return self.used / Fraction(self.committed) if self.committed else None


def volume_span(contract: Contract, now: datetime) -> Span:
    """The span the contract's committed volume covers at ``now``."""
    zone = tariffs.billing_zone(contract)
    if contract.volume_scope is VolumeScope.CONTRACT:
        start = datetime.combine(contract.period_start, time(), zone)
        last = contract.period_end or date.max - timedelta(days=1)
        end = datetime.combine(last + timedelta(days=1), time(), zone)
        return Span(CONTRACT_SPAN, start, end)
    local = now.astimezone(zone)
    period = period_for(contract, local.year, local.month)
    return Span(period.key, period.start, period.end)


def _day(moment: datetime, contract: Contract) -> date:
    return moment.astimezone(tariffs.billing_zone(contract)).date()


def _span_calls(session: AsyncSession, contract: Contract, span: Span) -> AsyncIterator[MeteredCall]:
    """The span's calls, streamed: the month's as it bills them, or the contract's by placing time."""
    if span.key == CONTRACT_SPAN:
        where = and_(
            contract_calls(contract.id),
            Call.recorded_at.is_not(None),
            Call.placed_at >= span.start,
            Call.placed_at < span.end,
        )
        return metered_calls(session, where, false())
    year, month = (int(part) for part in span.key.split("-"))
    member = membership(contract.id, period_for(contract, year, month))
    return metered_calls(session, member.where, member.late)


async def daily_usage(
    session: AsyncSession, contract: Contract, span: Span, now: datetime
) -> dict[date, Fraction]:
    """Usage in the contract's unit per local day of the span, up to ``now``."""
    unit = tariffs.volume_unit(contract)
    usage: dict[date, Fraction] = defaultdict(Fraction)
    if unit is VolumeUnit.SEAT_HOURS:
        until = min(span.end, now)
        intervals = await seat_intervals(
            session, await contract_campaign_ids(session, contract.id), span.start, until
        )
        excluded = tariffs.seat_excluded_states(contract)
        zone = tariffs.billing_zone(contract)
        day = _day(span.start, contract)
        while True:
            lo = max(span.start, datetime.combine(day, time(), zone))
            hi = min(until, datetime.combine(day + timedelta(days=1), time(), zone))
            if lo >= until:
                break
            seconds = sum(
                (seconds_of(seat_time(items, lo, hi, excluded)) for items in intervals.values()), Fraction(0)
            )
            if seconds:
                usage[day] += seconds / 3600
            day += timedelta(days=1)
        return dict(usage)
    calls = _span_calls(session, contract, span)
    if unit is VolumeUnit.MINUTES:
        rule = tariffs.talk_tariff(contract).rounding
        async for call in calls:
            billed = billable_seconds(call.talk_seconds, rule)
            if billed:
                usage[_day(call.placed_at, contract)] += Fraction(billed, 60)
        return dict(usage)
    counting = {
        (d.campaign_id, d.code)
        for d in await contract_dispositions(session, contract.id)
        if tariffs.counts_as_processed(contract, d)
    }
    closing: dict[int, MeteredCall] = {}
    async for call in calls:
        note_closing(closing, call)
    for call in closing.values():
        if (call.campaign_id, call.disposition_code) in counting:
            usage[_day(call.placed_at, contract)] += Fraction(1)
    return dict(usage)


async def volume_report(session: AsyncSession, contract: Contract, now: datetime) -> VolumeReport:
    """Committed, used, left, burn rate over the last ``BURN_DAYS`` days and the run-out day."""
    span = volume_span(contract, now)
    usage = await daily_usage(session, contract, span, now)
    used = sum(usage.values(), Fraction(0))
    today = _day(now, contract)
    burn = burn_rate(usage.items(), today, BURN_DAYS)
    runs_out = None
    if contract.volume_committed is not None:
        status = VolumeStatus(contract.volume_committed, round_to_places(used, 6))
        runs_out = runs_out_on(status, burn)
    return VolumeReport(
        contract.id, tariffs.volume_unit(contract), span, contract.volume_committed, used, burn, runs_out, now
    )
