"""Acceptance acts: issued from the stored monthly report, answered by the client, deemed accepted.

The rules of the act's life are ``dialer.billing.acceptance`` (pure); this module stores what they
decide. Dates are the client's local dates (the contract's billing zone); business days follow the
client's country calendar.

- ``issue``: a supervisor issues the act on a month; the month's report is made first if it was not
  (which freezes the month). One live act per month: a second is refused unless the last was
  disputed, and then the new act is the corrected one and names it (``replaces_id``).
- ``sign`` / ``dispute``: the client's controller (or an admin for it) answers within the deadline.
- ``tick``: the daily job deems issued acts accepted once their deadline has passed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.acts.models import AcceptanceAct
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.billing.acceptance import Act, ActState, Dispute, Sign, Tick, issue_act, transition
from dialer.business_days import calendar_for
from dialer.clients import service as clients
from dialer.clients.models import Client, Contract
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.metering.periods import parse_month
from dialer.metering.tariffs import billing_zone
from dialer.reports.models import MonthlyReportRecord
from dialer.reports.monthly import from_json
from dialer.reports.monthly_source import generate


def local_today(contract: Contract, now: datetime) -> date:
    return now.astimezone(billing_zone(contract)).date()


def _timeline(act: AcceptanceAct) -> Act:
    return Act(act.issued_on, act.deadline, act.state, act.decided_on, act.objection)


def _store(act: AcceptanceAct, timeline: Act) -> None:
    act.state, act.decided_on, act.objection = timeline.state, timeline.decided_on, timeline.objection


async def issue(
    session: AsyncSession, principal: Principal, contract_id: int, month: str, now: datetime
) -> AcceptanceAct:
    principal.require(Permission.ACTS_ISSUE)
    year, month_number = parse_month(month)
    contract = await clients.get_contract(session, principal, contract_id)
    client = await session.get(Client, contract.client_id)
    assert client is not None  # kept by the contract's foreign key
    record, _ = await generate(session, contract.id, year, month_number, by=principal.actor, now=now)
    previous = await session.scalar(
        select(AcceptanceAct)
        .where(AcceptanceAct.contract_id == contract.id, AcceptanceAct.period == record.period)
        .order_by(AcceptanceAct.id.desc())
        .limit(1)
    )
    if previous is not None and previous.state is not ActState.DISPUTED:
        raise Conflict(
            f"act {previous.number} on {record.period} is already {previous.state.value};"
            " a new act is issued only after a dispute"
        )
    report = from_json(record.data)
    bill = report.statement.bill
    count = await session.scalar(
        select(func.count()).where(
            AcceptanceAct.contract_id == contract.id, AcceptanceAct.period == record.period
        )
    )
    number = f"A-{contract.id}-{record.period}" + (f"-{count + 1}" if count else "")
    timeline = issue_act(local_today(contract, now), calendar_for(client.country))
    act = AcceptanceAct(
        number=number,
        contract_id=contract.id,
        client_id=client.id,
        report_id=record.id,
        replaces_id=previous.id if previous is not None else None,
        period=record.period,
        currency=report.statement.currency,
        net=bill.vat.net,
        vat=bill.vat.vat,
        total=bill.vat.gross,
        lines=[{"description": line.description, "amount": str(line.amount)} for line in bill.lines],
        state=ActState.ISSUED,
        issued_on=timeline.issued_on,
        deadline=timeline.deadline,
        issued_by=principal.actor[:50],
        created_at=now,
    )
    session.add(act)
    await session.flush()
    return act


async def list_acts(session: AsyncSession, principal: Principal, contract_id: int) -> list[AcceptanceAct]:
    principal.require(Permission.REPORTS_READ)
    contract = await clients.get_contract(session, principal, contract_id)
    rows = await session.scalars(
        select(AcceptanceAct).where(AcceptanceAct.contract_id == contract.id).order_by(AcceptanceAct.id)
    )
    return list(rows)


async def get_act(
    session: AsyncSession, principal: Principal, contract_id: int, act_id: int, *, lock: bool = False
) -> tuple[AcceptanceAct, Contract]:
    principal.require(Permission.REPORTS_READ)
    contract = await clients.get_contract(session, principal, contract_id)
    query = select(AcceptanceAct).where(AcceptanceAct.id == act_id, AcceptanceAct.contract_id == contract.id)
    act = await session.scalar(query.with_for_update() if lock else query)
    if act is None:
        raise NotFound(f"act {act_id} of contract {contract_id} not found")
    return act, contract


async def sign(
    session: AsyncSession, principal: Principal, contract_id: int, act_id: int, now: datetime
) -> AcceptanceAct:
    principal.require(Permission.ACTS_SIGN)
    act, contract = await get_act(session, principal, contract_id, act_id, lock=True)
    _store(act, transition(_timeline(act), Sign(local_today(contract, now))))
    act.decided_by = principal.actor[:50]
    await session.flush()
    return act


async def dispute(
    session: AsyncSession, principal: Principal, contract_id: int, act_id: int, objection: str, now: datetime
) -> AcceptanceAct:
    principal.require(Permission.ACTS_SIGN)
    if not objection.strip():
        raise InvalidInput("objection: say what the client objects to")
    act, contract = await get_act(session, principal, contract_id, act_id, lock=True)
    _store(act, transition(_timeline(act), Dispute(local_today(contract, now), objection)))
    act.decided_by = principal.actor[:50]
    await session.flush()
    return act


async def tick(session: AsyncSession, now: datetime) -> list[AcceptanceAct]:
    """Deem accepted every issued act whose deadline passed (by its client's local date)."""
    issued = await session.scalars(
        select(AcceptanceAct).where(AcceptanceAct.state == ActState.ISSUED).with_for_update(skip_locked=True)
    )
    decided = []
    for act in issued:
        contract = await session.get(Contract, act.contract_id)
        assert contract is not None  # kept by the act's foreign key
        after = transition(_timeline(act), Tick(local_today(contract, now)))
        if after.state is not act.state:
            _store(act, after)
            act.decided_by = "system:deadline"
            decided.append(act)
    await session.flush()
    return decided


async def report_of(session: AsyncSession, act: AcceptanceAct) -> MonthlyReportRecord:
    record = await session.get(MonthlyReportRecord, act.report_id)
    assert record is not None  # kept by the act's foreign key
    return record


def amounts(act: AcceptanceAct) -> list[tuple[str, Decimal]]:
    return [(str(line["description"]), Decimal(str(line["amount"]))) for line in act.lines]
