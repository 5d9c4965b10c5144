"""Starting an export (who may, which client, audited) and producing its bytes, for the API, the
CLI and the benchmark alike.

``prepare`` runs in the caller's session: it checks the caller may see the client (a client's
controller sees only its own; any other client is "not found"), reads the plan and writes the
audit row, all in that transaction. ``export_bytes`` then streams the file from its own session,
in one transaction (a repeatable-read snapshot on PostgreSQL, so every contract's rows and totals
come from the same moment).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.audit.models import AuditAction
from dialer.audit.service import Actor, Remote, record
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.billing_export.csv_export import DEFAULT_BATCH_ROWS, ContractDone, RowsDone, csv_chunks
from dialer.billing_export.period import ExportSpan
from dialer.billing_export.plan import ExportPlan, plan_export
from dialer.billing_export.xlsx_export import xlsx_chunks
from dialer.clients import service as clients
from dialer.clients.models import Client
from dialer.errors import NotFound

EXPORT_PERMISSION = Permission.BILLING_READ
"""Who may export a client's billing: whoever may read its contracts' billing (a controller: its own)."""


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def prepare(
    session: AsyncSession,
    who: Principal | Actor,
    client_id: int,
    span: ExportSpan,
    export_format: ExportFormat,
    *,
    remote: Remote | None = None,
) -> ExportPlan:
    """The plan of ``client_id``'s export over ``span``, audited as an export by ``who``.

    A principal must be allowed to read contracts and see the client; an ``Actor`` is someone at
    the server's console (the CLI), who sees every client.
    """
    if isinstance(who, Principal):
        who.require(EXPORT_PERMISSION)
        client = await clients.get_client(session, who, client_id)
    else:
        found = await session.scalar(select(Client).where(Client.id == client_id))
        if found is None:
            raise NotFound(f"client {client_id} not found")
        client = found
    plan = await plan_export(session, client, span)
    await record(
        session,
        who,
        AuditAction.EXPORT,
        "billing_export",
        client.id,
        client_id=client.id,
        detail={
            "period": span.key,
            "from": span.first_day.isoformat(),
            "to": span.last_day.isoformat(),
            "format": export_format.value,
            "contracts": [part.number for part in plan.contracts],
        },
        remote=remote,
    )
    return plan


async def export_bytes(
    sessions: async_sessionmaker[AsyncSession],
    plan: ExportPlan,
    export_format: ExportFormat,
    *,
    delimiter: str = ";",
    batch_rows: int = DEFAULT_BATCH_ROWS,
    rows_done: RowsDone | None = None,
    contract_done: ContractDone | None = None,
    scratch: Path | None = None,
) -> AsyncIterator[bytes]:
    """The export file's bytes in chunks, read in one transaction of its own session."""
    async with sessions() as session:
        options = {"isolation_level": "REPEATABLE READ"} if _is_postgresql(session) else {}
        connection = await session.connection(execution_options=options)
        if export_format is ExportFormat.CSV:
            chunks = csv_chunks(
                connection,
                plan,
                delimiter=delimiter,
                batch_rows=batch_rows,
                rows_done=rows_done,
                contract_done=contract_done,
            )
        else:
            chunks = xlsx_chunks(
                connection,
                plan,
                batch_rows=batch_rows,
                rows_done=rows_done,
                contract_done=contract_done,
                folder=scratch,
            )
        async for chunk in chunks:
            yield chunk
        await session.rollback()  # read only


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"
