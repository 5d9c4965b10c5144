"""The monthly report's reads and its one write: a contract's month reported and stored.

Generating the report on a month is what closes it: ``generate`` freezes the month (metering's
``close_period``, earlier open months first, since months close in order), builds the report from
the frozen statement and stores it. Reading a month not reported yet gives a preliminary report,
computed as of now and not stored (``frozen`` false).
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.money import round_to_places
from dialer.billing.periods import BillingPeriod
from dialer.billing.schedule import ReportSchedule, monthly_report_schedule
from dialer.business_days import calendar_for
from dialer.calls.models import Call, CallOutcome
from dialer.clients.models import Client, Contract, VolumeScope
from dialer.errors import Conflict, NotFound
from dialer.hotleads.deadlines import handoff_stats
from dialer.metering.models import ClosedPeriod
from dialer.metering.periods import membership, month_key, next_month, period_for
from dialer.metering.statement import close_period, gather_facts, monthly_statement
from dialer.metering.tariffs import volume_unit
from dialer.metering.volume import daily_usage, volume_span
from dialer.reports.models import MonthlyReportRecord
from dialer.reports.monthly import ContractFacts, MonthlyReport, from_json, monthly_report, to_json


async def contract_facts(session: AsyncSession, contract: Contract) -> tuple[ContractFacts, Client]:
    client = await session.get(Client, contract.client_id)
    if client is None:
        raise NotFound(f"client {contract.client_id} of contract {contract.id} not found")
    facts = ContractFacts(
        contract_id=contract.id,
        number=contract.number,
        client_id=client.id,
        client=client.name,
        country=client.country,
        timezone=contract.billing_timezone,
        rate=contract.rate,
        volume_committed=contract.volume_committed,
        volume_unit=volume_unit(contract).value,
        volume_scope=contract.volume_scope.value,
    )
    return facts, client


async def invalid_numbers(session: AsyncSession, contract_id: int, period: BillingPeriod) -> int:
    """Contacts whose call billed in the month ended ``invalid_number`` (the number does not exist)."""
    member = membership(contract_id, period)
    count = await session.scalar(
        select(func.count(func.distinct(Call.contact_id))).where(
            member.where, Call.outcome == CallOutcome.INVALID_NUMBER
        )
    )
    return int(count or 0)


def schedule_for(client: Client, year: int, month: int) -> ReportSchedule:
    """Generated on the first business day after the month, due by the 5th (the client's calendar)."""
    return monthly_report_schedule(year, month, calendar_for(client.country))


async def build_report(
    session: AsyncSession, contract: Contract, year: int, month: int, now: datetime
) -> MonthlyReport:
    """The report from the month's statement (frozen if the month is closed, else as of ``now``)."""
    facts, client = await contract_facts(session, contract)
    statement = await monthly_statement(session, contract.id, year, month, now=now)
    month_facts = await gather_facts(session, contract, statement.period, now)
    handoff = await handoff_stats(
        session, since=statement.period.start, until=statement.period.end, client_id=client.id
    )
    contract_used = None
    if contract.volume_scope is VolumeScope.CONTRACT:  # the contract's use up to the month's last day
        usage = await daily_usage(
            session, contract, volume_span(contract, now), min(now, statement.period.end)
        )
        used = sum((v for day, v in usage.items() if day <= statement.period.last_day), Fraction(0))
        contract_used = round_to_places(used, 4)
    return monthly_report(
        facts,
        statement,
        schedule_for(client, year, month),
        month_facts.calls,
        handoff,
        generated_at=now,
        seat_pauses_paid=contract.seat_pauses_paid,
        contract_used=contract_used,
        invalid_numbers=await invalid_numbers(session, contract.id, statement.period),
    )


async def stored_record(
    session: AsyncSession, contract_id: int, year: int, month: int
) -> MonthlyReportRecord | None:
    return await session.scalar(
        select(MonthlyReportRecord).where(
            MonthlyReportRecord.contract_id == contract_id,
            MonthlyReportRecord.period == month_key(year, month),
        )
    )


async def _close_through(
    session: AsyncSession, contract: Contract, year: int, month: int, by: str, now: datetime
) -> None:
    """Close every open month of the contract from its first up to ``year-month``, in order."""
    closed = set(
        await session.scalars(select(ClosedPeriod.period_key).where(ClosedPeriod.contract_id == contract.id))
    )
    y, m = contract.period_start.year, contract.period_start.month
    while (y, m) <= (year, month):
        if month_key(y, m) not in closed:
            await close_period(session, contract.id, y, m, by=by, now=now)
        y, m = next_month(y, m)


async def generate(
    session: AsyncSession, contract_id: int, year: int, month: int, *, by: str, now: datetime
) -> tuple[MonthlyReportRecord, bool]:
    """The month's stored report, made now if there is none (closing the month); True when made now."""
    existing = await stored_record(session, contract_id, year, month)
    if existing is not None:
        return existing, False
    contract = await session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    if now < period_for(contract, year, month).end:
        raise Conflict(f"month {month_key(year, month)} of contract {contract_id} is not over yet")
    await _close_through(session, contract, year, month, by, now)
    report = await build_report(session, contract, year, month, now)
    record = MonthlyReportRecord(
        contract_id=contract_id,
        period=report.period,
        generated_at=now,
        due_by=report.due_by,
        data=to_json(report),
    )
    session.add(record)
    await session.flush()
    return record, True


async def report_for(
    session: AsyncSession, contract: Contract, year: int, month: int, now: datetime
) -> MonthlyReport:
    """The stored report on the month, else a preliminary one computed now."""
    record = await stored_record(session, contract.id, year, month)
    if record is not None:
        return from_json(record.data)
    return await build_report(session, contract, year, month, now)
