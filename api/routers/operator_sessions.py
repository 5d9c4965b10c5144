"""An operator's session: log in to campaigns, ready, pause with a reason, log out, and its state.

An operator may act only on their own record; supervisors on anyone's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.calls import LoginBody, OperatorSessionOut, PauseBody
from dialer.db.bounds import IntId
from dialer.operators import sessions
from dialer.operators.models import OperatorStatus

router = APIRouter(
    prefix="/operators/{operator_id}/session",
    tags=["operator sessions"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES | {409: {"description": "The operator's state does not allow this"}},
)


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("", response_model=OperatorSessionOut)
async def get_session(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> OperatorStatus:
    return await sessions.status(session, principal, operator_id)


@router.post("/login", response_model=OperatorSessionOut)
async def login(
    operator_id: IntId, body: LoginBody, session: SessionDep, principal: PrincipalDep
) -> OperatorStatus:
    """Log in to campaigns the operator is assigned to; paused (reason ``login``) until ready."""
    return await sessions.login(session, principal, operator_id, body.campaign_ids, _now())


@router.post("/ready", response_model=OperatorSessionOut)
async def ready(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> OperatorStatus:
    return await sessions.ready(session, principal, operator_id, _now())


@router.post("/pause", response_model=OperatorSessionOut)
async def pause(
    operator_id: IntId, body: PauseBody, session: SessionDep, principal: PrincipalDep
) -> OperatorStatus:
    return await sessions.pause(session, principal, operator_id, body.reason, _now())


@router.post("/logout", response_model=OperatorSessionOut)
async def logout(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> OperatorStatus:
    return await sessions.logout(session, principal, operator_id, _now())
