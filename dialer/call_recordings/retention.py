"""Retention per client contract: recordings older than the contract's ``recording_retention_days``
are deleted from the store, their calls marked ``deleted``, and each deletion written to the audit log
as ``system:retention``. A contract without a period keeps its recordings for ever.

The deciding is ``recordings.retention`` (a recording expires when its age is strictly greater than
the period); this module picks the candidates from the database and records what happened. The file
goes first and the call after, so a run cut short is finished by the next one (the file is then
``already_absent``) and never leaves a call pointing at nothing it does not know about.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.audit.models import AuditAction
from dialer.audit.service import Actor, record
from dialer.calls.models import Call, RecordingStatus
from dialer.campaigns.models import Campaign
from dialer.clients.models import Contract
from dialer.db.engine import unit_of_work
from recordings.retention import DeletionOutcome, DeletionRecord, RetentionCandidate, apply_retention
from recordings.store import RecordingStore

log = logging.getLogger(__name__)

RETENTION_ACTOR = Actor("system:retention", "system")
BATCH = 500


@dataclass
class RetentionSummary:
    contracts: int = 0
    deleted: int = 0
    already_absent: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"{self.deleted} recording(s) deleted, {self.already_absent} already absent, "
            f"{self.failed} failed, under {self.contracts} contract(s) with a retention period"
        )
        return text + (f"; first failure: {self.failures[0]}" if self.failures else "")


@dataclass(frozen=True, slots=True)
class _Expired:
    call_id: int
    client_id: int
    key: str
    recorded_at: datetime
    format: str | None


async def _contracts(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(id, number, retention days) of every contract with a retention period."""
    rows = await session.execute(
        select(Contract.id, Contract.number, Contract.recording_retention_days).where(
            Contract.recording_retention_days.is_not(None)
        )
    )
    return [(cid, number, days) for cid, number, days in rows if days is not None]


async def _expired_batch(
    session: AsyncSession, contract_id: int, cutoff: datetime, after_id: int
) -> list[_Expired]:
    query = (
        select(Call.id, Campaign.client_id, Call.recording_key, Call.placed_at, Call.recording_format)
        .join(Campaign, Campaign.id == Call.campaign_id)
        .where(
            Campaign.contract_id == contract_id,
            Call.recording_key.is_not(None),
            Call.placed_at < cutoff,
            Call.id > after_id,
        )
        .order_by(Call.id)
        .limit(BATCH)
    )
    return [
        _Expired(call_id, client_id, key, placed_at, fmt)
        for call_id, client_id, key, placed_at, fmt in await session.execute(query)
        if key is not None
    ]


async def apply_contract_retention(
    sessions: async_sessionmaker[AsyncSession], store: RecordingStore, now: datetime
) -> RetentionSummary:
    """Delete every recording past its contract's period at ``now``; one audit row per deletion."""
    summary = RetentionSummary()
    async with sessions() as session:
        contracts = await _contracts(session)
    for contract_id, number, days in contracts:
        summary.contracts += 1
        cutoff, after = now - timedelta(days=days), 0
        while True:
            async with sessions() as session:
                batch = await _expired_batch(session, contract_id, cutoff, after)
            if not batch:
                break
            after = batch[-1].call_id
            candidates = [RetentionCandidate(e.key, e.recorded_at, days, f"contract {number}") for e in batch]
            records = await apply_retention(store, candidates, now)
            await _originals(store, batch, records)
            await _record(sessions, batch, records, summary)
    log.info("retention: %s", summary.line())
    return summary


async def _originals(store: RecordingStore, batch: list[_Expired], records: list[DeletionRecord]) -> None:
    """A transcoded recording's original WAV (kept beside it) goes with it."""
    for expired, done in zip(batch, records, strict=True):
        if done.outcome is not DeletionOutcome.FAILED and PurePosixPath(expired.key).suffix != ".wav":
            await store.delete(str(PurePosixPath(expired.key).with_suffix(".wav")))


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    batch: list[_Expired],
    records: list[DeletionRecord],
    summary: RetentionSummary,
) -> None:
    async with unit_of_work(sessions) as session:
        for expired, done in zip(batch, records, strict=True):
            if done.outcome is DeletionOutcome.FAILED:
                summary.failed += 1
                summary.failures.append(f"call {expired.call_id}: {done.error}")
            else:
                call = await session.get(Call, expired.call_id, with_for_update=True)
                if call is not None and call.recording_key == expired.key:
                    call.recording_key = None
                    call.recording_status = RecordingStatus.DELETED
                if done.outcome is DeletionOutcome.DELETED:
                    summary.deleted += 1
                else:
                    summary.already_absent += 1
            await record(
                session,
                RETENTION_ACTOR,
                AuditAction.DELETE,
                "recording",
                expired.call_id,
                client_id=expired.client_id,
                detail={
                    "key": done.key,
                    "reason": done.reason,
                    "outcome": done.outcome.value,
                    "recorded_at": done.recorded_at.astimezone(UTC).isoformat(),
                    **({"error": done.error} if done.error else {}),
                },
                at=done.deleted_at,
            )
