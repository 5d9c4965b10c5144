"""The operator's desk: everything the operator's page shows at load, in one read."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.calls import OperatorSessionOut
from api.schemas.desk import DeskOperatorOut, DeskOut
from dialer.db.bounds import IntId
from dialer.operators import desk as service

router = APIRouter(
    prefix="/desk",
    tags=["operator sessions"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES,
)


@router.get("", response_model=DeskOut)
async def get_desk(session: SessionDep, principal: PrincipalDep, operator_id: IntId | None = None) -> DeskOut:
    """The signed-in operator's desk (a supervisor names the operator): their shift, campaigns with
    disposition codes, the call in hand with the contact's card and filled script, and the event id
    to follow ``GET /events`` from."""
    desk = await service.desk(session, principal, operator_id, datetime.now(UTC))
    return DeskOut(
        operator=DeskOperatorOut.model_validate(desk.operator),
        session=OperatorSessionOut.model_validate(desk.status),
        campaigns=desk.campaigns,
        call=desk.call,
        event_id=desk.event_id,
        now=desk.now,
    )
