"""The per-minute billing export of a client: ``GET /clients/{client_id}/billing-export``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SessionsDep, remote_of
from api.errors import ERROR_RESPONSES
from dialer.billing_export.period import export_span
from dialer.billing_export.service import EXPORT_PERMISSION, ExportFormat, export_bytes, prepare
from dialer.dates import Day
from dialer.db.bounds import IntId

router = APIRouter(
    prefix="/clients", tags=["billing"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get(
    "/{client_id}/billing-export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}, ExportFormat.XLSX.media_type: {}},
            "description": "One row per call and a totals row per contract, as a file to save",
        },
        404: {"description": "No such client (or not yours), or it has no per-minute contract then"},
    },
)
async def billing_export(
    client_id: IntId,
    request: Request,
    session: SessionDep,
    sessions: SessionsDep,
    principal: PrincipalDep,
    month: Annotated[str | None, Query(description="YYYY-MM: the contracts' billing month")] = None,
    first: Annotated[Day | None, Query(alias="from", description="first day, instead of a month")] = None,
    last: Annotated[Day | None, Query(alias="to", description="last day, included")] = None,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.CSV,
    delimiter: Annotated[Literal[";", ","], Query(description="CSV field separator")] = ";",
) -> StreamingResponse:
    """The client's calls in a billing month (late records of earlier months included and marked)
    or over days ``from``..``to``, each priced by its contract's per-minute terms (rounding,
    minimum, free calls), with a totals row per contract equal to the sum of its rows; CSV (UTF-8
    with BOM) or XLSX. Streamed as it is read; an XLSX starts once its workbook is complete.
    Audited as an export. A client's controller may export only its own client."""
    principal.require(EXPORT_PERMISSION)  # a refused role hears 403 before any complaint about its query
    span = export_span(month, first, last)
    plan = await prepare(session, principal, client_id, span, export_format, remote=remote_of(request))
    await session.commit()  # the audit row stands before the first byte; the export reads on its own
    chunks = export_bytes(sessions, plan, export_format, delimiter=delimiter)
    return StreamingResponse(
        chunks,
        media_type=export_format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{plan.file_name(export_format.value)}"'},
    )
