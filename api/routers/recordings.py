"""Recordings: the QA search, playback with seeking, download, expiring links, ZIP export and
deletion, over HTTP. Each access is audited by ``dialer.call_recordings.accesses`` (and
``deletion``) in the request's transaction, which commits before the first byte is sent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.auth import PrincipalDep, get_principal, requires
from api.deps import SessionDep, link_base, request_remote
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from api.schemas.recordings import DeletedOut, ExportBody, LinkBody, LinkOut, RecordingOut
from dialer.audit.service import Remote
from dialer.auth.permissions import Permission
from dialer.call_recordings import accesses, deletion, serving
from dialer.call_recordings.search import RecordingFilter, RecordingRow, SortKey, SortOrder
from dialer.dates import Moment
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.errors import InvalidInput
from recordings.ranges import RangeNotSatisfiable
from recordings.store import RecordingStore
from recordings.zip_stream import ExportProgress, stream_zip

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/recordings",
    tags=["recordings"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES,
)
shared_router = APIRouter(prefix="/recordings", tags=["recordings"])


async def recording_store(request: Request) -> RecordingStore:
    """The store the engine files recordings in (``DIALER_RECORDINGS_STORE``), opened at startup."""
    store: RecordingStore = request.app.state.recording_store
    return store


async def link_secret(request: Request) -> bytes:
    """The key recording links are signed with, made at startup (``recording_link_secret``)."""
    secret: bytes = request.app.state.recording_link_secret
    return secret


StoreDep = Annotated[RecordingStore, Depends(recording_store)]
RemoteDep = Annotated[Remote, Depends(request_remote)]
LinkSecretDep = Annotated[bytes, Depends(link_secret)]


def _audio_urls(request: Request) -> Callable[[int], str]:
    """Each call's audio URL, the route's path worked out once for the page (not per row)."""
    marker = "0"
    template = str(request.url_for("play_recording", call_id=marker))
    head, _, tail = template.rpartition(f"/{marker}/")
    return lambda call_id: f"{head}/{call_id}/{tail}"


def _out(row: RecordingRow, size: int | None, audio: str) -> RecordingOut:
    call = row.call
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
    rows, total = await accesses.search(
        session, principal, filters, sort=sort, order=order, limit=limit, offset=offset, remote=remote
    )
    sizes = await store.sizes([row.call.recording_key or "" for row in rows])
    audio_url = _audio_urls(request)
    items = [_out(row, sizes.get(row.call.recording_key or ""), audio_url(row.call.id)) for row in rows]
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
    try:
        served = await accesses.open_audio(
            session, principal, store, call_id, request.headers.get("range"), download=download, remote=remote
        )
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(exc)
    return _stream(store, served, serving.download_name(call_id, served.key) if download else None)


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
    lifetime = timedelta(seconds=(body or LinkBody()).expires_in_s)
    link = await accesses.share(
        session, principal, secret, call_id, now=datetime.now(UTC), lifetime=lifetime, remote=remote
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
    try:
        shared_audio = await accesses.open_shared(
            session, store, secret, token, request.headers.get("range"),
            download=download, now=datetime.now(UTC), remote=remote,
        )  # fmt: skip
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(exc)
    served = shared_audio.served
    name = serving.download_name(shared_audio.call_id, served.key) if download else None
    return _stream(store, served, name)


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
    selection = await accesses.select_export(
        session, principal, filters=filters, call_ids=body.call_ids, max_files=body.max_files, remote=remote
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
