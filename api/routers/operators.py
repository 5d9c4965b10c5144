"""Operators of the centre and the softphone endpoint each one uses.

Every change is committed, then the operators' PJSIP file is rewritten and Asterisk reloaded
(``dialer.softphones.provisioning``) before the answer: a created operator's softphone can register,
a disabled or deleted one's cannot, as soon as the client has its answer.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import PlainTextResponse
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, remote_of
from api.errors import ERROR_RESPONSES
from api.schemas.operators import OperatorOut, SoftphoneOut
from dialer.auth.principal import Principal
from dialer.db.bounds import IntId
from dialer.operators import service
from dialer.operators.models import Operator
from dialer.operators.schemas import OperatorCreate, OperatorUpdate
from dialer.settings import Settings
from dialer.softphones.provisioning import Provisioner
from dialer.softphones.qr import qr_image
from dialer.softphones.settings_view import SipServer, SoftphoneSettings, read_settings

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}

router = APIRouter(
    prefix="/operators", tags=["operators"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=list[OperatorOut])
async def list_operators(session: SessionDep, principal: PrincipalDep) -> list[Operator]:
    return await service.list_operators(session, principal)


@router.post("", response_model=OperatorOut, status_code=status.HTTP_201_CREATED)
async def create_operator(
    body: OperatorCreate, request: Request, session: SessionDep, principal: PrincipalDep
) -> Operator:
    operator = await service.create_operator(session, principal, body)
    await _provision(request, session)
    return operator


@router.get("/{operator_id}", response_model=OperatorOut)
async def get_operator(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> Operator:
    return await service.get_operator(session, principal, operator_id)


@router.patch("/{operator_id}", response_model=OperatorOut)
async def update_operator(
    operator_id: IntId, body: OperatorUpdate, request: Request, session: SessionDep, principal: PrincipalDep
) -> Operator:
    operator = await service.update_operator(session, principal, operator_id, body)
    await _provision(request, session)
    return operator


@router.delete("/{operator_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_operator(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> None:
    await service.delete_operator(session, principal, operator_id)
    await _provision(request, session)


@router.post("/{operator_id}/softphone/password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_softphone_password(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> None:
    """A new generated SIP password; the old one stops working at once (Asterisk is reloaded)."""
    await service.reset_sip_password(session, principal, operator_id)
    await _provision(request, session)


@router.get("/{operator_id}/softphone", response_model=SoftphoneOut)
async def softphone_settings(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> SoftphoneOut:
    """The operator's softphone settings, password included (each reading is audited). An operator
    reads their own; supervisors and admins anyone's. 409 for a disabled operator."""
    found = await _settings(request, session, principal, operator_id, "json")
    return SoftphoneOut.of(found)


@router.get("/{operator_id}/softphone.txt", response_class=PlainTextResponse)
async def softphone_settings_text(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> PlainTextResponse:
    """The same settings as plain text (what the QR code holds)."""
    found = await _settings(request, session, principal, operator_id, "text")
    return PlainTextResponse(found.text(), headers={"Cache-Control": "no-store"})


@router.get(
    "/{operator_id}/softphone/qr.svg",
    responses={200: {"content": {"image/svg+xml": {}}}},
    response_class=Response,
)
async def softphone_qr_svg(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    """The settings' text as a QR code (SVG), to read with a phone's camera."""
    return await _qr(request, session, principal, operator_id, "svg")


@router.get(
    "/{operator_id}/softphone/qr.png",
    responses={200: {"content": {"image/png": {}}}},
    response_class=Response,
)
async def softphone_qr_png(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> Response:
    """The settings' text as a QR code (PNG)."""
    return await _qr(request, session, principal, operator_id, "png")


async def _qr(
    request: Request, session: AsyncSession, principal: Principal, operator_id: int, kind: str
) -> Response:
    found = await _settings(request, session, principal, operator_id, kind)
    image = await asyncio.to_thread(qr_image, found.text(), kind)
    return Response(image, media_type=MEDIA_TYPES[kind], headers={"Cache-Control": "no-store"})


async def _settings(
    request: Request, session: AsyncSession, principal: Principal, operator_id: int, form: str
) -> SoftphoneSettings:
    settings: Settings = request.app.state.settings
    server = SipServer(settings.effective_sip_host, settings.sip_public_port, settings.sip_transport)
    return await read_settings(session, principal, operator_id, server, form=form, remote=remote_of(request))


async def _provision(request: Request, session: AsyncSession) -> None:
    """Commit the change, then make Asterisk's endpoints equal to the database."""
    await session.commit()
    provisioner: Provisioner = request.app.state.provisioner
    await provisioner.sync(request.app.state.sessions)
