"""Acceptance acts of a contract: issued by the centre, signed or disputed by the client's controller,
printable as HTML and PDF."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PrincipalDep, get_principal, requires
from api.deps import SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.routers.reports import attachment
from dialer.acts import documents, service
from dialer.acts.delivery import mail_act
from dialer.acts.models import AcceptanceAct
from dialer.auth.permissions import Permission
from dialer.billing.acceptance import ActState
from dialer.db.bounds import BigIntId, IntId
from dialer.reports.monthly import from_json

router = APIRouter(
    prefix="/contracts/{contract_id}/acts",
    tags=["acts"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES,
)
READS = [Depends(requires(Permission.REPORTS_READ))]
ANSWERS = [Depends(requires(Permission.ACTS_SIGN))]


class ActIssue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="the month the act is on, YYYY-MM")


class ActDispute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objection: str = Field(min_length=1, max_length=10_000, description="what the client objects to")


class ActOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    contract_id: int
    client_id: int
    report_id: int
    replaces_id: int | None
    period: str
    currency: str
    net: Decimal
    vat: Decimal
    total: Decimal
    lines: list[dict[str, Any]]
    state: ActState
    issued_on: date
    deadline: date
    decided_on: date | None
    objection: str | None
    issued_by: str
    decided_by: str | None


@router.post(
    "",
    response_model=ActOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(requires(Permission.ACTS_ISSUE))],
)
async def issue_act(
    contract_id: IntId, body: ActIssue, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> AcceptanceAct:
    """Issue the act on a month from its monthly report (made now if it was not, freezing the month)
    and e-mail it (PDF) to the client's report recipients. Refused while the month's last act is
    issued, signed or deemed accepted; after a dispute the new act is the corrected one."""
    now = datetime.now(UTC)
    act = await service.issue(session, principal, contract_id, body.month, now)
    record = await service.report_of(session, act)
    await mail_act(session, act, from_json(record.data), settings.company_name, now)
    return act


@router.get("", response_model=list[ActOut], dependencies=READS)
async def list_acts(contract_id: IntId, session: SessionDep, principal: PrincipalDep) -> list[AcceptanceAct]:
    return await service.list_acts(session, principal, contract_id)


async def _document(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, contract_id: IntId, act_id: BigIntId
) -> documents.ActDocument:
    act, _ = await service.get_act(session, principal, contract_id, act_id)
    record = await service.report_of(session, act)
    return documents.ActDocument(act, from_json(record.data), settings.company_name)


@router.get("/{act_id}.pdf", dependencies=READS, response_class=Response)
async def act_pdf(
    contract_id: IntId, act_id: BigIntId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> Response:
    """The act as a PDF to print and sign."""
    doc = await _document(session, principal, settings, contract_id, act_id)
    return Response(
        documents.to_pdf(doc), media_type="application/pdf", headers=attachment(f"{doc.act.number}.pdf")
    )


@router.get("/{act_id}.html", dependencies=READS, response_class=HTMLResponse)
async def act_html(
    contract_id: IntId, act_id: BigIntId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> HTMLResponse:
    """The act as a printable page."""
    return HTMLResponse(documents.to_html(await _document(session, principal, settings, contract_id, act_id)))


@router.get("/{act_id}", response_model=ActOut, dependencies=READS)
async def get_act(
    contract_id: IntId, act_id: BigIntId, session: SessionDep, principal: PrincipalDep
) -> AcceptanceAct:
    act, _ = await service.get_act(session, principal, contract_id, act_id)
    return act


@router.post("/{act_id}/sign", response_model=ActOut, dependencies=ANSWERS)
async def sign_act(
    contract_id: IntId, act_id: BigIntId, session: SessionDep, principal: PrincipalDep
) -> AcceptanceAct:
    """The client signs the act (today, by the contract's zone), within its deadline."""
    return await service.sign(session, principal, contract_id, act_id, datetime.now(UTC))


@router.post("/{act_id}/dispute", response_model=ActOut, dependencies=ANSWERS)
async def dispute_act(
    contract_id: IntId, act_id: BigIntId, body: ActDispute, session: SessionDep, principal: PrincipalDep
) -> AcceptanceAct:
    """The client objects to the act, in writing, within its deadline."""
    return await service.dispute(session, principal, contract_id, act_id, body.objection, datetime.now(UTC))
