"""A contract's monthly statement: usage, priced lines and the bill; frozen once the month is closed.

``monthly_statement`` computes an open month from the records (calls billed in it, per
``dialer.metering.periods``; seat intervals on the contract's campaigns) and reads a closed month
back from ``billing_periods``, where ``close_period`` froze it. The arithmetic is all
``dialer.billing``'s; this module only feeds it and names the lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.contacts import charge_contacts
from dialer.billing.period_bill import BillLine, assemble_bill, is_first_period
from dialer.billing.periods import BillingPeriod
from dialer.billing.seat_pricing import charge_hourly_plan, charge_seat_hours, charge_seat_month
from dialer.billing.seat_time import (
    WITH_PAUSES,
    WITHOUT_PAUSES,
    Interval,
    count_seats,
    seat_time_by_operator,
)
from dialer.campaigns.models import DispositionCode
from dialer.clients.models import Contract, PricingModel
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.metering import tariffs
from dialer.metering.figures import Statement, Usage
from dialer.metering.models import ClosedPeriod
from dialer.metering.periods import membership, month_key, period_for, previous_month
from dialer.metering.snapshot import statement_from_json, statement_to_json
from dialer.metering.usage import (
    CallTally,
    MeteredCall,
    contract_campaign_ids,
    contract_dispositions,
    metered_calls,
    seat_intervals,
)

__all__ = [
    "CLOSE_SETTLE",
    "MonthFacts",
    "Statement",
    "Usage",
    "close_period",
    "compute_statement",
    "gather_facts",
    "is_closed",
    "load_contract",
    "measure_month",
    "monthly_statement",
    "price_month",
]

CLOSE_SETTLE = timedelta(seconds=10)
"""A month's cut-off is this long before the close is asked for: a call record being written at that
moment (the engine's writes take milliseconds) is then either wholly in the frozen month or late."""


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """Everything a month's statement is computed from (read by :func:`gather_facts`)."""

    calls: tuple[MeteredCall, ...]
    dispositions: tuple[DispositionCode, ...]
    intervals: Mapping[int, list[Interval]]
    until: datetime
    """Seat time is counted up to here (the month's end, or now in a month not yet over)."""


def _seconds(length: timedelta) -> Decimal:
    return _plain(Decimal(length // timedelta(microseconds=1)).scaleb(-6))


def _plain(value: Decimal) -> Decimal:
    return tariffs.plain(value) if value else Decimal(0)


def _money(amount: Decimal) -> str:
    return f"{amount:f}"


def compute_statement(contract: Contract, period: BillingPeriod, facts: MonthFacts) -> Statement:
    """The statement of ``period`` from its facts, priced by the contract's model (pure)."""
    tally = CallTally.of(facts.calls, tariffs.talk_tariff(contract))
    return price_month(contract, period, tally, facts.dispositions, facts.intervals, facts.until)


def price_month(
    contract: Contract,
    period: BillingPeriod,
    tally: CallTally,
    dispositions: Sequence[DispositionCode],
    intervals: Mapping[int, list[Interval]],
    until: datetime,
) -> Statement:
    """The statement from the month's call tally, its campaigns' codes and seat intervals (pure)."""
    total, connected, late = tally.talk, tally.connected, tally.late
    counting = {(d.campaign_id, d.code) for d in dispositions if tariffs.counts_as_processed(contract, d)}
    closing = tally.closing.values()
    processed = [c.disposition_code for c in closing if (c.campaign_id, c.disposition_code) in counting]
    contacts = charge_contacts(
        [code for code in processed if code is not None], tariffs.contact_tariff(contract, dispositions)
    )

    end = min(period.end, until)
    excluded = tariffs.seat_excluded_states(contract)
    seat_times = seat_time_by_operator(intervals, period.start, end, excluded) if end > period.start else {}
    with_pauses = _total_seconds(intervals, period.start, end, WITH_PAUSES)
    without_pauses = _total_seconds(intervals, period.start, end, WITHOUT_PAUSES)
    seats = (
        count_seats(
            intervals,
            period.start,
            end,
            contract.seat_count,
            excluded_states=excluded,
            tz=tariffs.billing_zone(contract),
        )
        if end > period.start
        else Fraction(0)
    )

    lines: list[BillLine] = []
    match contract.pricing_model:
        case PricingModel.PER_TALK_MINUTE:
            minutes = Fraction(total.billable_seconds, 60)
            lines.append(
                BillLine(
                    f"talk time: {total.calls} calls, {_number(minutes)} billable minutes"
                    f" at {_money(contract.rate)} {contract.currency} per minute",
                    total.amount,
                )
            )
        case PricingModel.PER_PROCESSED_CONTACT:
            for line in contacts.lines:
                lines.append(
                    BillLine(
                        f"processed contacts {line.disposition!r}: {line.contacts}"
                        f" at {_money(line.unit_price)} {contract.currency}",
                        line.amount,
                    )
                )
        case PricingModel.PER_SEAT_HOUR:
            seat_bill = charge_seat_hours(
                dict(sorted(seat_times.items())), tariffs.seat_hour_tariff(contract)
            )
            lines.append(
                BillLine(
                    f"seat time: {len(seat_bill.rows)} operators,"
                    f" {_number(seat_bill.billable_hours)} seat-hours"
                    f" at {_money(contract.rate)} {contract.currency} per hour",
                    seat_bill.amount,
                )
            )
        case PricingModel.PER_SEAT_MONTH:
            amount = charge_seat_month(seats, contract.rate, contract.currency, contract.money_rounding)
            lines.append(
                BillLine(
                    f"seats ({contract.seat_count.value}): {_number(seats)}"
                    f" at {_money(contract.rate)} {contract.currency} per seat per month",
                    amount,
                )
            )
        case PricingModel.HOURLY_PLAN:
            used = sum(seat_times.values(), timedelta())
            plan = charge_hourly_plan(used, tariffs.hourly_plan(contract))
            lines.append(
                BillLine(
                    f"hourly plan: {_number(Fraction(plan.included_seconds, 3600))} hours", plan.block_amount
                )
            )
            lines.append(
                BillLine(
                    f"hours beyond the plan: {_number(Fraction(plan.overage_seconds, 3600))}"
                    f" at {_money(contract.rate)} {contract.currency} per hour",
                    plan.overage_amount,
                )
            )

    bill = assemble_bill(
        lines,
        currency=contract.currency,
        setup_fee=contract.setup_fee,
        first_period=is_first_period(period, contract.period_start),
        vat_rate=contract.vat_rate,
        vat_mode=contract.vat_mode,
        vat_rounding=contract.money_rounding,
    )
    usage = Usage(
        calls=total.calls,
        connected_calls=connected,
        talk_seconds=total.talk_seconds,
        billable_seconds=total.billable_seconds,
        processed_contacts=dict(Counter(code for code in processed if code is not None)),
        seat_seconds_with_pauses=with_pauses,
        seat_seconds_without_pauses=without_pauses,
        seats=seats,
    )
    return Statement(contract.id, period, contract.currency, contract.pricing_model, usage, bill, late)


def _total_seconds(
    intervals: Mapping[int, Iterable[Interval]], start: datetime, end: datetime, excluded: frozenset[str]
) -> Decimal:
    if end <= start:
        return Decimal(0)
    times = seat_time_by_operator(intervals, start, end, excluded)
    return _seconds(sum(times.values(), timedelta()))


def _number(value: Fraction) -> str:
    """An exact quantity for a line's text: whole, or decimal to 4 places."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.4f}".rstrip("0")


async def gather_facts(
    session: AsyncSession, contract: Contract, period: BillingPeriod, now: datetime
) -> MonthFacts:
    """Read the month's calls (per ``membership``), the campaigns' codes and seat intervals."""
    member = membership(contract.id, period)
    calls = tuple([call async for call in metered_calls(session, member.where, member.late)])
    dispositions = tuple(await contract_dispositions(session, contract.id))
    until = min(period.end, now)
    intervals = await seat_intervals(
        session, await contract_campaign_ids(session, contract.id), period.start, until
    )
    return MonthFacts(calls, dispositions, intervals, until)


async def measure_month(
    session: AsyncSession, contract: Contract, period: BillingPeriod, now: datetime
) -> Statement:
    """The month's statement from the records, the calls folded as they stream (bounded memory)."""
    member = membership(contract.id, period)
    tally = CallTally.empty(tariffs.talk_tariff(contract))
    async for call in metered_calls(session, member.where, member.late):
        tally.add(call)
    dispositions = await contract_dispositions(session, contract.id)
    until = min(period.end, now)
    intervals = await seat_intervals(
        session, await contract_campaign_ids(session, contract.id), period.start, until
    )
    return price_month(contract, period, tally, dispositions, intervals, until)


async def load_contract(session: AsyncSession, contract_id: int) -> Contract:
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return contract


async def _closed(session: AsyncSession, contract_id: int, key: str) -> ClosedPeriod | None:
    query = select(ClosedPeriod).where(
        ClosedPeriod.contract_id == contract_id, ClosedPeriod.period_key == key
    )
    return await session.scalar(query)


async def is_closed(session: AsyncSession, contract_id: int, year: int, month: int) -> bool:
    """Whether the contract's ``year-month`` is closed (frozen)."""
    return await _closed(session, contract_id, month_key(year, month)) is not None


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12 or not 1 <= year <= 9998:
        raise InvalidInput(f"month: {year}-{month} is not a month")


async def monthly_statement(
    session: AsyncSession, contract_id: int, year: int, month: int, *, now: datetime | None = None
) -> Statement:
    """The contract's statement for ``year-month``: frozen if closed, else computed as of ``now``."""
    _check_month(year, month)
    contract = await load_contract(session, contract_id)
    closed = await _closed(session, contract_id, month_key(year, month))
    if closed is not None:
        return statement_from_json(closed.statement)
    moment = now or datetime.now(UTC)
    period = period_for(contract, year, month)
    return await measure_month(session, contract, period, moment)


async def close_period(
    session: AsyncSession, contract_id: int, year: int, month: int, *, by: str, now: datetime | None = None
) -> Statement:
    """Freeze the month: its cut-off and statement stored, never to change; closing twice changes nothing.

    Refused (``Conflict``) for a month not over yet, or while the previous month of the contract is
    still open (months close in order, which is what makes late calls go to the next open month).
    """
    _check_month(year, month)
    if not by.strip():
        raise InvalidInput("by: who closes the month is required")
    contract = await load_contract(session, contract_id)
    key = month_key(year, month)
    closed = await _closed(session, contract_id, key)
    if closed is not None:
        return await monthly_statement(session, contract_id, year, month)
    moment = now or datetime.now(UTC)
    period = period_for(contract, year, month)
    if moment < period.end + CLOSE_SETTLE:
        raise Conflict(
            f"month {key} of contract {contract_id} is not over yet (it ends at {period.end.isoformat()})"
        )
    previous = period_for(contract, *previous_month(year, month))
    contract_began = period_for(contract, contract.period_start.year, contract.period_start.month)
    if previous.start >= contract_began.start and await _closed(session, contract_id, previous.key) is None:
        raise Conflict(f"month {previous.key} of contract {contract_id} is still open: close it first")
    cut_off = moment - CLOSE_SETTLE
    row = ClosedPeriod(
        contract_id=contract_id,
        period_key=key,
        starts_at=period.start,
        ends_at=period.end,
        closed_at=cut_off,
        closed_by=by.strip()[:100],
        currency=contract.currency,
        pricing_model=contract.pricing_model.value,
        calls=0,
        late_calls=0,
        subtotal=Decimal(0),
        vat=Decimal(0),
        total=Decimal(0),
        statement={},
    )
    session.add(row)
    await session.flush()  # the cut-off is now what membership() reads for this month
    frozen_period = period.close(cut_off)
    computed = await measure_month(session, contract, frozen_period, moment)
    statement = replace(computed, frozen=True, closed_by=row.closed_by)
    row.calls = statement.usage.calls
    row.late_calls = statement.late_calls
    row.subtotal = statement.bill.subtotal
    row.vat = statement.bill.vat.vat
    row.total = statement.bill.total
    row.statement = statement_to_json(statement)
    await session.flush()
    return statement
