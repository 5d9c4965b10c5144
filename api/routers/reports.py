"""Reports: a campaign's daily report, a contract's monthly report, and where a client's reports go."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from api.auth import PrincipalDep, get_principal, requires
from api.deps import SessionDep, SettingsDep, link_base
from api.errors import ERROR_RESPONSES
from dialer.auth.permissions import Permission
from dialer.dates import Day
from dialer.db.bounds import IntId
from dialer.reports import daily_documents, monthly_documents, recipients, service
from dialer.reports.recipients import RecipientsIn
from dialer.settings import Settings

router = APIRouter(tags=["reports"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


READS = [Depends(requires(Permission.REPORTS_READ))]


class DailyFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"


def public_url(settings: Settings, request: Request) -> str:
    """Where a report's links point (``api.deps.link_base``; in production, without
    ``DIALER_PUBLIC_URL``, the API's own address, never the request's Host)."""
    return link_base(request) or settings.effective_public_url


def attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/campaigns/{campaign_id}/reports/daily", dependencies=READS)
async def get_daily_report(
    campaign_id: IntId,
    day: Day,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    format: DailyFormat = DailyFormat.JSON,
    tz: Annotated[str, Query(description="IANA zone the day and its hours are in")] = "UTC",
) -> Response:
    """The campaign's report on ``day``: JSON, CSV (``;``), XLSX, or an HTML page with charts."""
    report = await service.daily_report_for(
        session, principal, campaign_id, day, tz=tz, public_url=public_url(settings, request)
    )
    name = f"daily-{campaign_id}-{day.isoformat()}"
    if format is DailyFormat.CSV:
        text = "\ufeff" + daily_documents.csv_text(report)
        return Response(text, media_type="text/csv; charset=utf-8", headers=attachment(f"{name}.csv"))
    if format is DailyFormat.XLSX:
        return Response(
            daily_documents.xlsx_bytes(report), media_type=XLSX, headers=attachment(f"{name}.xlsx")
        )
    if format is DailyFormat.HTML:
        return HTMLResponse(daily_documents.to_html(report))
    return JSONResponse(daily_documents.to_json(report))


class MonthlyFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"
    PDF = "pdf"


@router.get("/contracts/{contract_id}/reports/monthly", dependencies=READS)
async def get_monthly_report(
    contract_id: IntId,
    month: Annotated[str, Query(description="YYYY-MM", examples=["2026-11"])],
    session: SessionDep,
    principal: PrincipalDep,
    format: MonthlyFormat = MonthlyFormat.JSON,
) -> Response:
    """The contract's report on ``month``: as generated and frozen once the month is reported, else
    preliminary (computed now, ``statement.frozen`` false). PDF and HTML carry the charts."""
    report = await service.monthly_report_for(session, principal, contract_id, month, datetime.now(UTC))
    name = f"monthly-{contract_id}-{report.period}"
    match format:
        case MonthlyFormat.CSV:
            text = "\ufeff" + monthly_documents.csv_text(report)
            return Response(text, media_type="text/csv; charset=utf-8", headers=attachment(f"{name}.csv"))
        case MonthlyFormat.XLSX:
            return Response(
                monthly_documents.xlsx_bytes(report), media_type=XLSX, headers=attachment(f"{name}.xlsx")
            )
        case MonthlyFormat.HTML:
            return HTMLResponse(monthly_documents.to_html(report))
        case MonthlyFormat.PDF:
            pdf = monthly_documents.to_pdf(report)
            return Response(pdf, media_type="application/pdf", headers=attachment(f"{name}.pdf"))
    return JSONResponse(monthly_documents.json_document(report))


class RecipientsOut(BaseModel):
    client_id: int
    emails: list[str]
    daily_email: bool
    daily_webhook: bool
    monthly_email: bool


def _out(row: object) -> RecipientsOut:
    return RecipientsOut.model_validate(row, from_attributes=True)


@router.get("/clients/{client_id}/report-recipients", response_model=RecipientsOut, dependencies=READS)
async def get_report_recipients(
    client_id: IntId, session: SessionDep, principal: PrincipalDep
) -> RecipientsOut:
    """Where the client's daily and monthly reports go."""
    return _out(await recipients.get_recipients(session, principal, client_id))


@router.put(
    "/clients/{client_id}/report-recipients",
    response_model=RecipientsOut,
    dependencies=[Depends(requires(Permission.REPORTS_WRITE))],
)
async def put_report_recipients(
    client_id: IntId, body: RecipientsIn, session: SessionDep, principal: PrincipalDep
) -> RecipientsOut:
    """Set the addresses, and which reports go by e-mail or (daily) by the CRM webhook."""
    row = await recipients.put_recipients(session, principal, client_id, body, datetime.now(UTC))
    return _out(row)
