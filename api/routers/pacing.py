"""A campaign's pacing: its current dial level, the latest changes with their figures, and its
abandon rate over the compliance window against the cap; and whether it dials at all, and why not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.schemas.calls import AbandonOut, PacingDecisionOut, PacingOut
from api.schemas.campaigns import BlockerOut, DialingStatusOut
from dialer.calls.pacing_log import pacing_status
from dialer.db.bounds import IntId
from dialer.supervision.dialing_status import dialing_status

router = APIRouter(
    prefix="/campaigns", tags=["campaigns"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("/{campaign_id}/pacing", response_model=PacingOut)
async def get_pacing(
    campaign_id: IntId,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> PacingOut:
    status = await pacing_status(session, principal, campaign_id, datetime.now(UTC), limit=limit)
    decisions = [PacingDecisionOut.model_validate(d) for d in status.decisions]
    return PacingOut(
        campaign_id=status.campaign_id,
        profile=status.profile,
        level=decisions[0].level if decisions else None,
        abandon=AbandonOut(
            answered=status.abandon.answered,
            abandoned=status.abandon.abandoned,
            rate=status.abandon.rate,
            cap=status.abandon_cap,
            window_hours=status.abandon_window.total_seconds() / 3600,
            within_cap=status.within_cap,
        ),
        decisions=decisions,
    )


@router.get("/{campaign_id}/status", response_model=DialingStatusOut)
async def get_dialing_status(
    campaign_id: IntId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> DialingStatusOut:
    """Whether the campaign dials now; while it runs without dialing, each reason (``blockers``):
    ``no_engine``, ``no_operator_logged_in``, ``no_operator_ready``, ``no_softphone_registered``,
    ``no_contact_left``, ``nothing_due_now`` (with ``next_due_at``)."""
    status = await dialing_status(
        session,
        principal,
        campaign_id,
        datetime.now(UTC),
        owner_ttl=timedelta(seconds=settings.campaign_owner_ttl_s),
    )
    return DialingStatusOut(
        campaign_id=status.campaign_id,
        state=status.state,
        dialing=status.dialing,
        blockers=[BlockerOut(code=b.code, message=b.message) for b in status.blockers],
        engine=status.engine,
        operators_logged_in=status.operators_logged_in,
        operators_ready=status.operators_ready,
        contacts_open=status.contacts_open,
        contacts_due_now=status.contacts_due_now,
        next_due_at=status.next_due_at,
    )
