"""What one export will write: the client's per-minute contracts in force during the span, each
with its talk tariff (``dialer.metering.tariffs``), its period and which calls it bills
(``dialer.metering.periods``), its campaigns' names; and the operators' names. Read once, before any
call row, in the export's own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.periods import BillingPeriod
from dialer.billing.talk_time import TalkTariff
from dialer.billing_export import query
from dialer.billing_export.period import ExportSpan
from dialer.clients.models import Client
from dialer.errors import NotFound
from dialer.metering.tariffs import talk_tariff


@dataclass(frozen=True, slots=True)
class ContractPart:
    """One contract's section of the export: its calls are those ``where`` selects."""

    contract_id: int
    number: str
    tariff: TalkTariff
    period: BillingPeriod
    where: ColumnElement[bool]
    late: ColumnElement[bool]
    campaigns: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class ExportPlan:
    client_id: int
    client_name: str
    span: ExportSpan
    contracts: tuple[ContractPart, ...]
    operators: Mapping[int, str]

    def file_name(self, extension: str) -> str:
        return f"billing-client-{self.client_id}-{self.span.key}.{extension}"


async def plan_export(session: AsyncSession, client: Client, span: ExportSpan) -> ExportPlan:
    """The plan for ``client`` (already checked visible to the caller) over ``span``."""
    contracts = await query.per_minute_contracts(session, client.id, span.first_day, span.last_day)
    if not contracts:
        raise NotFound(
            f"client {client.id} has no per-talk-minute contract in force between"
            f" {span.first_day} and {span.last_day}"
        )
    parts = []
    for contract in contracts:
        period = span.period(contract)
        calls = span.calls(contract, period)
        names = await query.campaign_names(session, contract.id)
        parts.append(
            ContractPart(
                contract.id, contract.number, talk_tariff(contract), period, calls.where, calls.late, names
            )
        )
    return ExportPlan(client.id, client.name, span, tuple(parts), await query.operator_names(session))
