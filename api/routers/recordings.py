"""Recordings: the QA search, playback with seeking, download, expiring links, ZIP export and
deletion. Every access is written to the audit log in the request's transaction, which commits
before the first byte is sent."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.auth import PrincipalDep, get_principal, requires
from api.deps import SessionDep, link_base, remote_of
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from api.schemas.recordings import DeletedOut, ExportBody, LinkBody, LinkOut, RecordingOut
from dialer.audit.models import AuditAction
from dialer.audit.service import Remote, record
from dialer.auth.permissions import Permission
from dialer.call_recordings import access, deletion, exporting, serving, sharing
from dialer.call_recordings.search import RecordingFilter, RecordingRow, SortKey, SortOrder, search_recordings
from dialer.call_recordings.storage import configured_store
from dialer.dates import Moment
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.errors import InvalidInput
from dialer.settings import Settings
from recordings.ranges import RangeNotSatisfiable
from recordings.store import RecordingNotFound, RecordingStore
from recordings.zip_stream import ExportProgress, stream_zip

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/recordings",
    tags=["recordings"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES,
)
shared_router = APIRouter(prefix="/recordings", tags=["recordings"])


def recording_store(request: Request) -> RecordingStore:
    """The store the engine files recordings in (``DIALER_RECORDINGS_STORE``), opened once."""
    store: RecordingStore | None = getattr(request.app.state, "recording_store", None)
    if store is None:
        settings: Settings = request.app.state.settings
        store = request.app.state.recording_store = configured_store(settings)
    return store


def link_secret(request: Request) -> bytes:
    """The key recording links are signed with; random per process while the secret is the default."""
    secret: bytes | None = getattr(request.app.state, "recording_link_secret", None)
    if secret is None:
        settings: Settings = request.app.state.settings
        if settings.production:
            secret = sharing.link_secret(settings.secret_key.get_secret_value().encode())
        else:
            secret = secrets.token_bytes(32)
        request.app.state.recording_link_secret = secret
    return secret


StoreDep = Annotated[RecordingStore, Depends(recording_store)]
RemoteDep = Annotated[Remote, Depends(remote_of)]
LinkSecretDep = Annotated[bytes, Depends(link_secret)]


async def _size_or_none(store: RecordingStore, key: str) -> int | None:
    try:
        return await store.size(key)
    except RecordingNotFound:
        return None


def _out(request: Request, row: RecordingRow, size: int | None) -> RecordingOut:
    call = row.call
    audio = str(request.url_for("play_recording", call_id=str(call.id)))
    return RecordingOut(
        call_id=call.id,
        call_uid=call.call_uid,
        started_at=call.placed_at,
        campaign_id=call.campaign_id,
        campaign=row.campaign_name,
        client_id=row.client_id,
        operator_id=call.operator_id,
        operator=row.operator_name,
        phone=call.phone,
        disposition=call.disposition_code,
        talk_seconds=call.talk_seconds,
        billable_seconds=call.billable_seconds,
        recording_seconds=call.recording_seconds,
        recording_format=call.recording_format,
        recording_sha256=call.recording_sha256,
        recording_bytes=size,
        audio_url=audio,
        download_url=f"{audio}?download=1",
    )


def _stream(store: RecordingStore, served: serving.ServePlan, download_name: str | None) -> StreamingResponse:
    return StreamingResponse(
        serving.body(store, served),
        status_code=served.status,
        headers=served.headers(download_name=download_name),
        media_type=served.content_type,
    )


def _unsatisfiable(exc: RangeNotSatisfiable) -> Response:
    return Response(status_code=416, headers={"Content-Range": exc.content_range, "Accept-Ranges": "bytes"})


@router.get(
    "", response_model=Page[RecordingOut], dependencies=[Depends(requires(Permission.RECORDINGS_READ))]
)
async def search(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    store: StoreDep,
    remote: RemoteDep,
    campaign_id: IntId | None = None,
    client_id: IntId | None = None,
    operator_id: IntId | None = None,
    since: Annotated[Moment | None, Query(description="placed at or after")] = None,
    until: Annotated[Moment | None, Query(description="placed before")] = None,
    disposition: Annotated[str | None, Query(max_length=50)] = None,
    min_seconds: Annotated[float | None, Query(ge=0, description="talk time at least")] = None,
    max_seconds: Annotated[float | None, Query(ge=0, description="talk time at most")] = None,
    phone: Annotated[str | None, Query(max_length=50, description="as written or E.164")] = None,
    call_id: BigIntId | None = None,
    sort: SortKey = "started_at",
    order: SortOrder = "desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> Page[RecordingOut]:
    """Recorded calls the caller may hear: a controller finds only its client's."""
    filters = RecordingFilter(
        campaign_id,
        client_id,
        operator_id,
        since,
        until,
        disposition,
        min_seconds,
        max_seconds,
        phone,
        call_id,
    )
    rows, total = await search_recordings(
        session, principal, filters, sort=sort, order=order, limit=limit, offset=offset
    )
    await record(
        session,
        principal,
        AuditAction.SEARCH,
        "recording",
        None,
        client_id=principal.client_id,
        detail={"filter": filters.as_detail(), "found": total},
        remote=remote,
    )
    sizes = await asyncio.gather(*(_size_or_none(store, row.call.recording_key or "") for row in rows))
    items = [_out(request, row, size) for row, size in zip(rows, sizes, strict=True)]
    return Page[RecordingOut](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{call_id}/audio",
    name="play_recording",
    response_class=StreamingResponse,
    dependencies=[Depends(requires(Permission.RECORDINGS_READ))],
    responses={
        200: {"content": {"audio/wav": {}, "audio/mpeg": {}, "audio/ogg": {}}},
        206: {"description": "the byte range asked for"},
        404: {"description": "No such recording for the caller, or its file is missing"},
        416: {"description": "The range lies outside the file"},
    },
)
async def play(
    call_id: BigIntId,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    store: StoreDep,
    remote: RemoteDep,
    download: bool = False,
) -> Response:
    """The recording's audio, whole or one byte range; ``download=1`` asks to save it as a file."""
    row = await access.recorded_call(session, principal, call_id, Permission.RECORDINGS_READ)
    key = row.call.recording_key or ""
    try:
        served = await serving.plan(store, key, request.headers.get("range"))
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(exc)
    action = AuditAction.DOWNLOAD if download else AuditAction.LISTEN
    await record(
        session,
        principal,
        action,
        "recording",
        call_id,
        client_id=row.client_id,
        detail=served.detail(),
        remote=remote,
    )
    return _stream(store, served, serving.download_name(call_id, key) if download else None)


@router.post(
    "/{call_id}/link",
    response_model=LinkOut,
    status_code=201,
    dependencies=[Depends(requires(Permission.RECORDINGS_READ))],
)
async def make_link(
    call_id: BigIntId,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    remote: RemoteDep,
    secret: LinkSecretDep,
    body: LinkBody | None = None,
) -> LinkOut:
    """A link to this recording for the call's client, valid without signing in until it expires.

    The link's address is ``DIALER_PUBLIC_URL``, never the request's ``Host`` header; without it a
    production service (``DIALER_SECRET_KEY`` set) refuses to make links (503)."""
    base = link_base(request)
    if base is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="shared links need DIALER_PUBLIC_URL, the address people reach this service at",
        )
    row = await access.recorded_call(session, principal, call_id, Permission.RECORDINGS_READ)
    lifetime = timedelta(seconds=(body or LinkBody()).expires_in_s)
    link = sharing.make_link(secret, row.call.recording_key or "", row.client_id, datetime.now(UTC), lifetime)
    await record(
        session,
        principal,
        AuditAction.LINK,
        "recording",
        call_id,
        client_id=row.client_id,
        detail={"expires_at": link.expires_at.isoformat(), "link": sharing.link_actor(link.token).label},
        remote=remote,
    )
    url = base + request.app.url_path_for("shared_recording", token=link.token)
    return LinkOut(url=url, token=link.token, expires_at=link.expires_at)


@shared_router.get(
    "/shared/{token}",
    name="shared_recording",
    response_class=StreamingResponse,
    responses={404: {"description": "The link is forged, expired, or its recording is gone"}, 416: {}},
)
async def shared(
    token: str,
    request: Request,
    session: SessionDep,
    store: StoreDep,
    remote: RemoteDep,
    secret: LinkSecretDep,
    download: bool = False,
) -> Response:
    """A recording through an expiring link (no sign-in); each use is audited as the link."""
    claim = sharing.open_link(secret, token, datetime.now(UTC))
    row = await access.call_behind_link(session, claim.key, claim.client_id)
    try:
        served = await serving.plan(store, claim.key, request.headers.get("range"))
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(exc)
    await record(
        session,
        sharing.link_actor(token),
        AuditAction.LINK_ACCESS,
        "recording",
        row.call.id,
        client_id=row.client_id,
        detail={**served.detail(), "download": download, "expires_at": claim.expires_at.isoformat()},
        remote=remote,
    )
    return _stream(store, served, serving.download_name(row.call.id, claim.key) if download else None)


@router.post(
    "/export",
    response_class=StreamingResponse,
    dependencies=[Depends(requires(Permission.RECORDINGS_EXPORT))],
    responses={
        200: {"content": {"application/zip": {}}, "description": "the recordings and manifest.csv"},
        422: {"description": "More recordings match than max_files, or no selection given"},
    },
)
async def export(
    body: ExportBody, session: SessionDep, principal: PrincipalDep, store: StoreDep, remote: RemoteDep
) -> StreamingResponse:
    """A ZIP of the selected recordings with a manifest CSV, streamed as it is built.

    ``X-Export-Files`` says how many recordings it holds, for a progress bar.
    """
    if body.filters is None and body.call_ids is None:
        raise InvalidInput("give filters or call_ids to say what to export")
    filters = body.filters.to_filter() if body.filters else None
    selection = await exporting.select_for_export(
        session, principal, filters=filters, call_ids=body.call_ids, max_files=body.max_files
    )
    clients = selection.client_ids
    await record(
        session,
        principal,
        AuditAction.EXPORT,
        "recording",
        None,
        client_id=next(iter(clients)) if len(clients) == 1 else principal.client_id,
        detail=exporting.audit_detail(selection, filters, len(body.call_ids) if body.call_ids else None),
        remote=remote,
    )
    total = len(selection.items)

    def progress(p: ExportProgress) -> None:
        if p.files_done % 1000 == 0 or p.files_done == total:
            log.info("export by %s: %d/%d files, %d missing", principal.actor, p.files_done, total, p.missing)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        stream_zip(store, selection.items, total=total, progress=progress),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="recordings-{stamp}.zip"',
            "X-Export-Files": str(total),
        },
    )


@router.delete(
    "/{call_id}", response_model=DeletedOut, dependencies=[Depends(requires(Permission.RECORDINGS_DELETE))]
)
async def delete(
    call_id: BigIntId,
    session: SessionDep,
    principal: PrincipalDep,
    store: StoreDep,
    remote: RemoteDep,
    reason: Annotated[str, Query(min_length=3, max_length=500, description="kept in the audit log")],
) -> DeletedOut:
    """Delete the recording's file and its reference on the call, with the reason audited."""
    removed = await deletion.delete_recording(
        session, principal, store, call_id, reason=reason, remote=remote
    )
    return DeletedOut(call_id=call_id, file_removed=removed)
