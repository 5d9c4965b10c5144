"""The daily pack: each client with a delivery target gets one UTC day's recordings and a call list.

Under ``<prefix>/<YYYY-MM-DD>/`` in the client's folder or bucket: one file per filed recording
(``call-<id>.<ext>``, streamed from the store, never held whole in memory) and ``calls.csv`` (call id,
time, operator, contact, disposition, duration, file name, status), written last so its presence
says the day is complete. A recording missing from the store is listed with status ``missing``. The
same day packed again overwrites the same names. A client whose upload fails does not stop the
others; the run then fails as a whole, so the job runner tries it again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.call_recordings.delivery import open_target
from dialer.call_recordings.models import ClientRecordingDelivery
from dialer.calls.models import Call, RecordingStatus
from dialer.campaigns.models import Campaign
from dialer.operators.models import Operator
from recordings.manifest import ManifestSpool
from recordings.store import RecordingNotFound, RecordingStore

log = logging.getLogger(__name__)

MANIFEST_NAME = "calls.csv"


class PackFailed(RuntimeError):
    """At least one client's pack could not be delivered (the others were)."""


@dataclass
class PackSummary:
    day: date
    clients: int = 0
    uploaded: int = 0
    missing: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"{self.day}: {self.clients} client(s), {self.uploaded} recording(s) delivered, "
            f"{self.missing} missing from storage"
        )
        return text + (f"; failed: {'; '.join(self.failed)}" if self.failed else "")


def pack_folder(prefix: str, day: date) -> str:
    return f"{prefix.strip('/')}/{day.isoformat()}/" if prefix.strip("/") else f"{day.isoformat()}/"


def file_name(call: Call) -> str:
    suffix = PurePosixPath(call.recording_key or "").suffix.lower() or ".wav"
    return f"call-{call.id}{suffix}"


async def _day_calls(session: AsyncSession, client_id: int, day: date) -> list[tuple[Call, str | None]]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    query = (
        select(Call, Operator.name)
        .join(Campaign, Campaign.id == Call.campaign_id)
        .outerjoin(Operator, Operator.id == Call.operator_id)
        .where(
            Campaign.client_id == client_id,
            Call.recording_status == RecordingStatus.FILED,
            Call.recording_key.is_not(None),
            Call.placed_at >= start,
            Call.placed_at < start + timedelta(days=1),
        )
        .order_by(Call.placed_at, Call.id)
    )
    return [(call, name) for call, name in await session.execute(query)]


async def _spooled(spool: ManifestSpool) -> AsyncGenerator[bytes, None]:
    for chunk in spool.chunks():
        yield chunk


async def deliver_client(
    store: RecordingStore,
    target: RecordingStore,
    prefix: str,
    day: date,
    calls: list[tuple[Call, str | None]],
) -> tuple[int, int]:
    """Upload one client's day to ``target``; (uploaded, missing)."""
    folder = pack_folder(prefix, day)
    spool = ManifestSpool()
    uploaded = missing = 0
    try:
        for call, operator in calls:
            assert call.recording_key is not None
            name = file_name(call)
            status = "ok"
            try:
                await target.put(folder + name, store.open_range(call.recording_key))
                uploaded += 1
            except RecordingNotFound:
                status, missing = "missing", missing + 1
                log.warning(
                    "daily pack %s: call %s's recording %s is missing", day, call.id, call.recording_key
                )
            spool.add(
                {
                    "call_id": call.id,
                    "time": call.placed_at,
                    "operator": operator or "",
                    "contact": call.phone,
                    "disposition": call.disposition_code or "",
                    "duration_s": "" if call.recording_seconds is None else round(call.recording_seconds, 1),
                    "file_name": name if status == "ok" else "",
                    "status": status,
                }
            )
        await target.put(folder + MANIFEST_NAME, _spooled(spool), content_type="text/csv")
    finally:
        spool.close()
    return uploaded, missing


async def pack_day(
    sessions: async_sessionmaker[AsyncSession],
    store: RecordingStore,
    day: date,
    *,
    open_for: Callable[[ClientRecordingDelivery], RecordingStore] = open_target,
) -> PackSummary:
    """Deliver ``day``'s recordings of every client with a delivery target; ``PackFailed`` if any failed."""
    summary = PackSummary(day)
    async with sessions() as session:
        targets = list(await session.scalars(select(ClientRecordingDelivery)))
    for target in targets:
        summary.clients += 1
        try:
            async with sessions() as session:
                calls = await _day_calls(session, target.client_id, day)
            uploaded, missing = await deliver_client(store, open_for(target), target.prefix, day, calls)
        except Exception as exc:  # one client's bucket down must not hold the others' packs back
            log.exception("daily pack %s for client %s failed", day, target.client_id)
            summary.failed.append(f"client {target.client_id}: {type(exc).__name__}: {exc}"[:300])
            continue
        summary.uploaded += uploaded
        summary.missing += missing
    log.info("daily pack: %s", summary.line())
    if summary.failed:
        raise PackFailed(summary.line())
    return summary
