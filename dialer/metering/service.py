"""Statements, month closing, volume and alerts for the API and the CLI: who may see which contract.

(The live event stream that carries the alerts is ``dialer.live``.)

A controller reaches its own client's contracts only; another contract is "not found", as elsewhere.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit import service as audit
from dialer.audit.models import AuditAction
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.clients import repository
from dialer.clients.models import Contract
from dialer.errors import NotFound
from dialer.metering import alerts, statement, tariffs
from dialer.metering.figures import Statement
from dialer.metering.models import VolumeAlert
from dialer.metering.periods import parse_month
from dialer.metering.volume import VolumeReport, volume_report


async def visible_contract(session: AsyncSession, principal: Principal, contract_id: int) -> Contract:
    contract = await session.scalar(repository.contracts_visible(principal).where(Contract.id == contract_id))
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return contract


def current_month(contract: Contract, now: datetime) -> tuple[int, int]:
    """The month ``now`` falls in, in the contract's billing zone."""
    local = now.astimezone(tariffs.billing_zone(contract))
    return local.year, local.month


async def get_statement(
    session: AsyncSession, principal: Principal, contract_id: int, month: str | None, now: datetime
) -> Statement:
    """The statement of ``month`` (YYYY-MM; default: the current month)."""
    principal.require(Permission.BILLING_READ)
    contract = await visible_contract(session, principal, contract_id)
    year, number = parse_month(month) if month else current_month(contract, now)
    return await statement.monthly_statement(session, contract.id, year, number, now=now)


async def close_month(
    session: AsyncSession, principal: Principal, contract_id: int, month: str, now: datetime
) -> Statement:
    """Freeze ``month`` (YYYY-MM) of the contract; closing a closed month answers its statement."""
    principal.require(Permission.BILLING_CLOSE)
    contract = await visible_contract(session, principal, contract_id)
    year, number = parse_month(month)
    if await statement.is_closed(session, contract.id, year, number):
        return await statement.monthly_statement(session, contract.id, year, number)
    by = principal.name or principal.actor
    frozen = await statement.close_period(session, contract.id, year, number, by=by, now=now)
    await audit.record(
        session,
        principal,
        AuditAction.CLOSE_PERIOD,
        "contract",
        contract.id,
        client_id=contract.client_id,
        detail={
            "month": frozen.period.key,
            "calls": frozen.usage.calls,
            "late_calls": frozen.late_calls,
            "total": str(frozen.total),
            "currency": frozen.currency,
        },
        at=now,
    )
    return frozen


async def get_volume(
    session: AsyncSession, principal: Principal, contract_id: int, now: datetime
) -> VolumeReport:
    principal.require(Permission.BILLING_READ)
    contract = await visible_contract(session, principal, contract_id)
    return await volume_report(session, contract, now)


async def list_alerts(
    session: AsyncSession, principal: Principal, contract_id: int, *, limit: int = 100
) -> list[VolumeAlert]:
    principal.require(Permission.BILLING_READ)
    contract = await visible_contract(session, principal, contract_id)
    return await alerts.list_alerts(session, contract.id, limit=limit)
