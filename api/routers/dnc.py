"""Do-not-call lists: the global one and one per client; entries added, removed, listed, imported."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SessionsDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from api.schemas.contacts import DncEntryIn, DncEntryOut, ImportReportOut
from api.uploads import UPLOAD_BODY, received_file
from dialer.clients import service
from dialer.contacts import dnc
from dialer.contacts.importing import import_dnc
from dialer.contacts.models import DncEntry
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.errors import InvalidInput

router = APIRouter(
    prefix="/dnc", tags=["do-not-call"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

ClientQuery = Annotated[
    IntId | None,
    Query(description="the client's list; leave out for the global list (a controller: its own)"),
]


def _list_name(client_id: IntId | None) -> str:
    return "the global list" if client_id is None else f"client {client_id}'s list"


@router.get("", response_model=Page[DncEntryOut])
async def list_entries(
    session: SessionDep,
    principal: PrincipalDep,
    client_id: ClientQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[DncEntryOut]:
    """One list's numbers, newest first."""
    list_id = await service.dnc_list_for(session, principal, client_id)
    rows, total = await dnc.list_dnc(session, list_id, limit, offset)
    items = [DncEntryOut.model_validate(row) for row in rows]
    return Page[DncEntryOut](items=items, total=total, limit=limit, offset=offset)


@router.post("", response_model=DncEntryOut, status_code=status.HTTP_201_CREATED)
async def add_entry(
    body: DncEntryIn,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    client_id: ClientQuery = None,
) -> DncEntry:
    """Put a number on a list (normalised to E.164); its contacts are marked and never dialed.

    The list is named by ``?client_id=`` as on the other ``/dnc`` routes, or by the body's
    ``client_id``; both given must agree (422)."""
    if client_id is not None and body.client_id is not None and client_id != body.client_id:
        raise InvalidInput(f"client_id: the query names client {client_id}, the body client {body.client_id}")
    list_client = client_id if client_id is not None else body.client_id
    list_id = await service.dnc_list_for(session, principal, list_client, write=True)
    try:
        return await dnc.add_dnc(session, list_id, body.phone, body.reason, settings.default_country)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"phone: {exc}") from None


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_entry(
    entry_id: BigIntId, session: SessionDep, principal: PrincipalDep, client_id: ClientQuery = None
) -> None:
    """Take a number off the list named by ``client_id``; contacts it marked stay marked."""
    list_id = await service.dnc_list_for(session, principal, client_id, write=True)
    if not await dnc.remove_dnc(session, entry_id, list_id):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"do-not-call entry {entry_id} not found on {_list_name(list_id)}",
        )


@router.post(
    "/import",
    response_model=ImportReportOut,
    openapi_extra=UPLOAD_BODY,
    responses={413: {"description": "The file is over the size limit"}},
)
async def import_entries(
    request: Request,
    session: SessionDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    client_id: ClientQuery = None,
) -> dict[str, Any]:
    """Load a CSV or XLSX of numbers (form field ``file``) into a list; answers the import report."""
    list_id = await service.dnc_list_for(session, principal, client_id, write=True)
    await session.commit()  # the import writes through its own sessions; hold no lock against it
    limit = settings.import_max_bytes
    async with received_file(request, limit=limit, folder=settings.data_dir / "uploads") as (file, name):
        report = await import_dnc(
            sessions, list_id, file, name, settings=settings, created_by=principal.user_id
        )
    return report.to_dict()
