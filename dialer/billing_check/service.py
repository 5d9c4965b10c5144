"""A contract's month (or days) of calls checked against Asterisk's record, for the API and the CLI.

The calls are the ones the contract's statement and billing export bill for the span
(``dialer.billing_export.period``: late records included), narrowed to those the product shows
answered: only an answered channel can be put through, so these are every call the bill has talk
for and every call the record could show put through. They are streamed from the database and
looked up in the record ``CHECK_BATCH`` at a time, each batch's record read in a thread
(``ami.cel.read_calls``, which keeps only the lines of the channels asked for): memory holds one
batch and the differing calls, however big the month.

A principal must be allowed to read the contract's billing and see the contract (a client's
controller: its own client's contracts; any other is "not found"); an ``Actor`` is someone at the
server's console. Each check is written to the audit log with its counts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ami.cel import CelCall, read_calls
from dialer.audit.models import AuditAction
from dialer.audit.service import Actor, Remote, record
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.billing.periods import BillingPeriod
from dialer.billing_check.compare import BilledCall, CheckTally
from dialer.billing_export.period import ExportSpan
from dialer.calls.models import Call
from dialer.clients.models import Contract
from dialer.errors import Conflict, NotFound
from dialer.metering.service import visible_contract
from dialer.metering.tariffs import talk_tariff

CHECK_PERMISSION = Permission.BILLING_READ
"""Who may check a contract's bill: whoever may read its billing (a controller: its own)."""

CHECK_BATCH = 20_000
"""Calls looked up in the record per read of its files."""

ReadRecord = Callable[[Path, Collection[str]], Mapping[str, CelCall]]
"""Reads the record of some channels from a folder (blocking): ``ami.cel.read_calls``."""
Lookup = Callable[[list[str]], Awaitable[Mapping[str, CelCall]]]


@dataclass(frozen=True, slots=True)
class PbxCheck:
    """The result: which contract and span, and the tally (counts, sums, differing calls)."""

    contract_id: int
    contract_number: str
    period: BillingPeriod
    tally: CheckTally


def record_folder(folder: Path | None) -> Path:
    """The folder of Asterisk's record, refused when there is none to read."""
    if folder is None or not folder.is_dir():
        raise Conflict(
            "Asterisk's call record is not available here (DIALER_PBX_RECORD_DIR unset or not a folder)"
        )
    return folder


async def check_contract(
    session: AsyncSession,
    who: Principal | Actor,
    contract_id: int,
    span: ExportSpan,
    folder: Path | None,
    *,
    remote: Remote | None = None,
    read: ReadRecord = read_calls,
    batch: int = CHECK_BATCH,
) -> PbxCheck:
    """Check the bill of ``contract_id``'s calls in ``span`` against the record in ``folder``."""
    if isinstance(who, Principal):
        who.require(CHECK_PERMISSION)
        contract = await visible_contract(session, who, contract_id)
    else:
        found = await session.scalar(select(Contract).where(Contract.id == contract_id))
        if found is None:
            raise NotFound(f"contract {contract_id} not found")
        contract = found
    where = record_folder(folder)
    period = span.period(contract)
    tally = CheckTally(talk_tariff(contract).rounding)

    async def lookup(uids: list[str]) -> Mapping[str, CelCall]:
        return await asyncio.to_thread(read, where, uids)

    await _tally_calls(session, contract, span, period, tally, lookup, batch)
    await record(
        session,
        who,
        AuditAction.PBX_CHECK,
        "contract",
        contract.id,
        client_id=contract.client_id,
        detail={
            "period": span.key,
            "calls": tally.calls,
            "matched": tally.matched,
            "differing": tally.differing,
            "missing": tally.missing,
        },
        remote=remote,
    )
    return PbxCheck(contract.id, contract.number, period, tally)


async def _tally_calls(
    session: AsyncSession,
    contract: Contract,
    span: ExportSpan,
    period: BillingPeriod,
    tally: CheckTally,
    lookup: Lookup,
    batch: int,
) -> None:
    member = span.calls(contract, period)
    query = (
        select(Call.id, Call.call_uid, Call.connected_at, Call.billable_seconds)
        .where(member.where, or_(Call.answered_at.is_not(None), Call.connected_at.is_not(None)))
        .order_by(Call.placed_at, Call.id)
        .execution_options(yield_per=batch)
    )
    pending: list[BilledCall] = []

    async def settle() -> None:
        records = await lookup([c.call_uid for c in pending])
        for call in pending:
            tally.add(call, records.get(call.call_uid))
        pending.clear()

    result = await session.stream(query)
    async for row in result:
        seconds = row.billable_seconds or 0  # stored when the call ended (``calls.billable_seconds``)
        pending.append(BilledCall(row.id, row.call_uid, row.connected_at is not None, seconds))
        if len(pending) >= batch:
            await settle()
    if pending:
        await settle()
