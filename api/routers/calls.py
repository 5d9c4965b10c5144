"""Call records: listed and read within the caller's scope, and disposed by the operator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.calls import AmdReviewBody, CallOut, DispositionBody, DispositionOut
from api.schemas.common import Page
from dialer.calls import service
from dialer.calls.amd_review import review_amd
from dialer.calls.dispositions import contact_of
from dialer.calls.hangup import request_hangup
from dialer.calls.models import Call, CallOutcome
from dialer.dates import Moment
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.hotleads.outbox import attach_meeting
from dialer.operators import disposing

router = APIRouter(
    prefix="/calls", tags=["calls"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=Page[CallOut])
async def list_calls(
    session: SessionDep,
    principal: PrincipalDep,
    campaign_id: IntId | None = None,
    operator_id: IntId | None = None,
    outcome: CallOutcome | None = None,
    since: Annotated[Moment | None, Query(description="placed at or after")] = None,
    until: Annotated[Moment | None, Query(description="placed before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[CallOut]:
    """Calls newest first: a controller sees its client's, an operator the calls they took."""
    rows, total = await service.list_calls(
        session,
        principal,
        campaign_id=campaign_id,
        operator_id=operator_id,
        outcome=outcome,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return Page[CallOut](
        items=[CallOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get("/{call_id}", response_model=CallOut)
async def get_call(call_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> Call:
    return await service.get_call(session, principal, call_id)


@router.post(
    "/{call_id}/disposition",
    response_model=DispositionOut,
    responses={409: {"description": "The call is already disposed with another code"}},
)
async def dispose(
    call_id: BigIntId, body: DispositionBody, session: SessionDep, principal: PrincipalDep
) -> DispositionOut:
    """Set the call's disposition and move its contact on (final, retry, callback, do-not-call)."""
    call = await disposing.dispose(
        session,
        principal,
        call_id,
        body.code,
        note=body.note,
        callback_at=body.callback_at,
        same_operator=body.same_operator,
        at=datetime.now(UTC),
    )
    if body.meeting is not None:
        await attach_meeting(session, call, body.meeting.model_dump(mode="json"))
    contact = await contact_of(session, call)
    return DispositionOut(
        call=CallOut.model_validate(call),
        contact_status=contact.status,
        contact_next_attempt_at=contact.next_attempt_at,
    )


@router.post(
    "/{call_id}/hangup",
    response_model=CallOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"description": "The call has ended, or is not put through to an operator"}},
)
async def hang_up(call_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> Call:
    """Ask the engine driving the call to hang it up (at its next tick; the call then ends as any
    call does). An operator may hang up only their own call."""
    return await request_hangup(session, principal, call_id, datetime.now(UTC))


@router.post(
    "/{call_id}/amd-review",
    response_model=CallOut,
    responses={409: {"description": "The call had no answering-machine verdict"}},
)
async def amd_review(
    call_id: BigIntId, body: AmdReviewBody, session: SessionDep, principal: PrincipalDep
) -> Call:
    """Review the call's AMD verdict (operator, QA, supervisor): ``human`` on a call AMD took for a
    machine is a false positive, counted as an abandoned call where the profile says so (UK)."""
    return await review_amd(session, principal, call_id, body.verdict, note=body.note, at=datetime.now(UTC))
