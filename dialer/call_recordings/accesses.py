"""Every way staff and clients reach recordings, each written to the audit log in the caller's
transaction (which commits before the first byte is sent): the QA search, listening or downloading,
an expiring link made and used, the ZIP export's selection. Deleting is ``deletion``.

A refused range (``RangeNotSatisfiable``) is raised before anything is audited: nothing was heard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit.models import AuditAction
from dialer.audit.service import Remote, record
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.call_recordings import access, exporting, serving, sharing
from dialer.call_recordings.search import RecordingFilter, RecordingRow, SortKey, SortOrder, search_recordings
from recordings.store import RecordingStore

RECORDING = "recording"


async def search(
    session: AsyncSession,
    principal: Principal,
    filters: RecordingFilter,
    *,
    sort: SortKey,
    order: SortOrder,
    limit: int,
    offset: int,
    remote: Remote | None = None,
) -> tuple[list[RecordingRow], int]:
    """One page of the recorded calls the caller may hear, and how many match; the search audited."""
    rows, total = await search_recordings(
        session, principal, filters, sort=sort, order=order, limit=limit, offset=offset
    )
    detail = {"filter": filters.as_detail(), "found": total}
    await record(
        session, principal, AuditAction.SEARCH, RECORDING, None, client_id=principal.client_id, detail=detail,
        remote=remote,
    )  # fmt: skip
    return rows, total


async def open_audio(
    session: AsyncSession,
    principal: Principal,
    store: RecordingStore,
    call_id: int,
    range_header: str | None,
    *,
    download: bool,
    remote: Remote | None = None,
) -> serving.ServePlan:
    """What to send of the call's recording (whole, or the range asked for), audited as heard or
    downloaded."""
    row = await access.recorded_call(session, principal, call_id, Permission.RECORDINGS_READ)
    served = await serving.plan(store, row.call.recording_key or "", range_header)
    action = AuditAction.DOWNLOAD if download else AuditAction.LISTEN
    await record(
        session, principal, action, RECORDING, call_id, client_id=row.client_id, detail=served.detail(),
        remote=remote,
    )  # fmt: skip
    return served


async def share(
    session: AsyncSession,
    principal: Principal,
    secret: bytes,
    call_id: int,
    *,
    now: datetime,
    lifetime: timedelta,
    remote: Remote | None = None,
) -> sharing.SharedLink:
    """A link to the call's recording for its client, valid until ``now + lifetime``; audited."""
    row = await access.recorded_call(session, principal, call_id, Permission.RECORDINGS_READ)
    link = sharing.make_link(secret, row.call.recording_key or "", row.client_id, now, lifetime)
    detail = {"expires_at": link.expires_at.isoformat(), "link": sharing.link_actor(link.token).label}
    await record(
        session, principal, AuditAction.LINK, RECORDING, call_id, client_id=row.client_id, detail=detail,
        remote=remote,
    )  # fmt: skip
    return link


@dataclass(frozen=True, slots=True)
class SharedAudio:
    call_id: int
    served: serving.ServePlan


async def open_shared(
    session: AsyncSession,
    store: RecordingStore,
    secret: bytes,
    token: str,
    range_header: str | None,
    *,
    download: bool,
    now: datetime,
    remote: Remote | None = None,
) -> SharedAudio:
    """What to send through an expiring link (``NotFound`` for a forged or expired one), audited
    as the link."""
    claim = sharing.open_link(secret, token, now)
    row = await access.call_behind_link(session, claim.key, claim.client_id)
    served = await serving.plan(store, claim.key, range_header)
    detail = {**served.detail(), "download": download, "expires_at": claim.expires_at.isoformat()}
    await record(
        session, sharing.link_actor(token), AuditAction.LINK_ACCESS, RECORDING, row.call.id,
        client_id=row.client_id, detail=detail, remote=remote,
    )  # fmt: skip
    return SharedAudio(row.call.id, served)


async def select_export(
    session: AsyncSession,
    principal: Principal,
    *,
    filters: RecordingFilter | None,
    call_ids: Sequence[int] | None,
    max_files: int,
    remote: Remote | None = None,
) -> exporting.Selection:
    """The recordings a ZIP export holds (refused past ``max_files``); the export audited."""
    selection = await exporting.select_for_export(
        session, principal, filters=filters, call_ids=call_ids, max_files=max_files
    )
    clients = selection.client_ids
    await record(
        session,
        principal,
        AuditAction.EXPORT,
        RECORDING,
        None,
        client_id=next(iter(clients)) if len(clients) == 1 else principal.client_id,
        detail=exporting.audit_detail(selection, filters, len(call_ids) if call_ids else None),
        remote=remote,
    )
    return selection
