"""A selection of recordings as ZIP items: chosen by the search's filters or by call ids, in the
caller's scope, never more than the cap. The ZIP itself is streamed by ``recordings.zip_stream``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import PurePosixPath

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.call_recordings.search import RecordingFilter, RecordingRow, apply_filter, ordered, recorded_calls
from dialer.calls.models import Call
from dialer.errors import InvalidInput
from recordings.naming import safe_part
from recordings.zip_stream import ExportItem

DEFAULT_MAX_FILES = 10_000
AUDIT_IDS_UP_TO = 1_000  # beyond this the audit row keeps the count and the filter, not every id


@dataclass(frozen=True, slots=True)
class Selection:
    items: list[ExportItem]
    call_ids: list[int]
    client_ids: set[int]


def manifest_row(row: RecordingRow) -> dict[str, object]:
    call = row.call
    return {
        "call_id": call.id,
        "time": call.placed_at,
        "operator": row.operator_name or "",
        "contact": call.phone,
        "disposition": call.disposition_code or "",
        "duration_s": "" if call.talk_seconds is None else round(call.talk_seconds, 1),
    }


def name_in_zip(row: RecordingRow) -> str:
    call = row.call
    assert call.recording_key is not None
    suffix = PurePosixPath(call.recording_key).suffix.lower()
    when = call.placed_at.astimezone(UTC)
    return f"{safe_part(row.campaign_name)}/{when:%Y%m%dT%H%M%SZ}-call-{call.id}{suffix}"


async def select_for_export(
    session: AsyncSession,
    principal: Principal,
    *,
    filters: RecordingFilter | None = None,
    call_ids: Sequence[int] | None = None,
    max_files: int = DEFAULT_MAX_FILES,
) -> Selection:
    """The recordings to export, oldest first; refused when more than ``max_files`` match."""
    principal.require(Permission.RECORDINGS_EXPORT)
    query = recorded_calls(principal)
    if call_ids is not None:
        query = query.where(Call.id.in_(list(call_ids)))
    if filters is not None:
        query = await apply_filter(session, principal, query, filters)
    query = ordered(query, "started_at", "asc").limit(max_files + 1)
    rows = [RecordingRow(*row) for row in await session.execute(query)]
    if len(rows) > max_files:
        raise InvalidInput(f"more than {max_files} recordings match: narrow the selection or raise max_files")
    items = [
        ExportItem(
            key=row.call.recording_key or "",
            name=name_in_zip(row),
            row=manifest_row(row),
            modified=row.call.placed_at,
        )
        for row in rows
    ]
    return Selection(items, [row.call.id for row in rows], {row.client_id for row in rows})


def audit_detail(
    selection: Selection, filters: RecordingFilter | None, requested: int | None
) -> dict[str, object]:
    """What the audit row keeps of an export: the ids (or their count past a thousand) and the filter."""
    detail: dict[str, object] = {"count": len(selection.call_ids)}
    if len(selection.call_ids) <= AUDIT_IDS_UP_TO:
        detail["call_ids"] = selection.call_ids
    if filters is not None:
        detail["filter"] = filters.as_detail()
    if requested is not None:
        detail["requested"] = requested
    return detail
