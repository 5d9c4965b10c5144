"""A campaign's contact base: upload, list with filters, export as CSV."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SessionsDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from api.schemas.contacts import ContactOut, ImportReportOut
from api.uploads import UPLOAD_BODY, received_file
from dialer.campaigns import service
from dialer.contacts import queries
from dialer.contacts.columns import check_column_map
from dialer.contacts.console import parse_column_map
from dialer.contacts.importing import import_contacts
from dialer.contacts.models import ContactStatus
from dialer.db.bounds import Int32, IntId, Offset
from dialer.errors import InvalidInput

router = APIRouter(
    prefix="/campaigns", tags=["contacts"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


class ContactFilters:
    """The filters shared by the list and the export."""

    def __init__(
        self,
        status: Annotated[list[ContactStatus] | None, Query(description="one or more statuses")] = None,
        min_attempts: Annotated[Int32 | None, Query(ge=0)] = None,
        max_attempts: Annotated[Int32 | None, Query(ge=0)] = None,
        last_outcome: Annotated[str | None, Query(max_length=40)] = None,
        on_dnc: bool | None = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "status": status or None,
            "min_attempts": min_attempts,
            "max_attempts": max_attempts,
            "last_outcome": last_outcome,
            "on_dnc": on_dnc,
        }


FiltersDep = Annotated[ContactFilters, Depends()]


@router.post(
    "/{campaign_id}/contacts/import",
    response_model=ImportReportOut,
    openapi_extra=UPLOAD_BODY,
    responses={
        413: {"description": "The file is over the size limit"},
        415: {"description": "Not a multipart/form-data upload"},
        422: {"description": "The file cannot be read as a CSV or XLSX table"},
    },
)
async def import_file(
    campaign_id: IntId,
    request: Request,
    session: SessionDep,
    sessions: SessionsDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    column_map: Annotated[
        list[Annotated[str, Query(max_length=300)]] | None,
        Query(
            alias="map",
            max_length=50,
            description="FIELD=COLUMN, as the CLI's --map (phone, name, company, timezone, consent, "
            "extension); repeat map=phone=... for several phone columns",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        Query(
            max_length=200,
            description="the XLSX sheet, by name or number from 1; default: the first "
            "sheet with a phone column",
        ),
    ] = None,
) -> dict[str, Any]:
    """Load a CSV or XLSX base (form field ``file``). Answers the report: rows read, imported,
    duplicates, on do-not-call, and each rejected row with its column and reason."""
    try:
        mapping = parse_column_map(column_map)
        check_column_map(mapping)
    except ValueError as error:
        raise InvalidInput(f"map: {error}".replace("--map", "map")) from None
    campaign = await service.campaign_for_contacts(session, principal, campaign_id, write=True)
    await session.commit()  # the import writes through its own sessions; hold no lock against it
    limit = settings.import_max_bytes
    async with received_file(request, limit=limit, folder=settings.data_dir / "uploads") as (file, name):
        report = await import_contacts(
            sessions,
            campaign.id,
            file,
            name,
            settings=settings,
            created_by=principal.user_id,
            column_map=mapping,
            sheet=sheet,
        )
    return report.to_dict()


@router.get("/{campaign_id}/contacts", response_model=Page[ContactOut])
async def list_contacts(
    campaign_id: IntId,
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[ContactOut]:
    """The campaign's contacts in import order, filtered by status, attempts, last outcome, do-not-call."""
    campaign = await service.campaign_for_contacts(session, principal, campaign_id)
    rows, total = await queries.list_contacts(
        session, campaign.id, **filters.values, limit=limit, offset=offset
    )
    items = [ContactOut.model_validate(row) for row in rows]
    return Page[ContactOut](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{campaign_id}/contacts.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM, ';'-separated"}},
)
async def export_contacts(
    campaign_id: IntId,
    session: SessionDep,
    sessions: SessionsDep,
    principal: PrincipalDep,
    filters: FiltersDep,
) -> StreamingResponse:
    """The matching contacts as CSV (as Excel opens it in Russian locales, and as the import reads it)."""
    campaign = await service.campaign_for_contacts(session, principal, campaign_id)
    await session.commit()
    chunks: AsyncIterator[bytes] = queries.export_contacts_csv(sessions, campaign.id, **filters.values)
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}-contacts.csv"'},
    )
