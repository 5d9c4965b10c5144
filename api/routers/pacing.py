"""A campaign's pacing: its current dial level, the latest changes with their figures, and its
abandon rate over the compliance window against the cap."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.calls import AbandonOut, PacingDecisionOut, PacingOut
from dialer.calls.pacing_log import pacing_status
from dialer.db.bounds import IntId

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
