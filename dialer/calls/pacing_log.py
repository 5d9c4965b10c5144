"""The log of a campaign's pacing decisions, and what the API shows of its pacing.

The engine calls ``record_decision`` after each pacing decision; a row is written only when the
mode or the dial level (to two decimals) changed since the campaign's last row, so the log holds
every change of level with the figures that caused it, not every tick.

Interface::

    record_decision(session, campaign_id, decision, at, *, only_if_changed=True)
        -> PacingDecisionLog | None
    pacing_status(session, principal, campaign_id, now, *, limit=20) -> PacingStatus
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.principal import Principal
from dialer.calls.abandons import campaign_abandon_tally
from dialer.calls.models import PacingDecisionLog
from dialer.campaigns.profile import campaign_profile
from dialer.campaigns.service import get_campaign
from dialer.compliance import AbandonTally
from dialer.pacing.decision import PacingDecision


async def latest_decisions(
    session: AsyncSession, campaign_id: int, limit: int = 20
) -> list[PacingDecisionLog]:
    query = (
        select(PacingDecisionLog)
        .where(PacingDecisionLog.campaign_id == campaign_id)
        .order_by(PacingDecisionLog.at.desc(), PacingDecisionLog.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


async def record_decision(
    session: AsyncSession,
    campaign_id: int,
    decision: PacingDecision,
    at: datetime,
    *,
    only_if_changed: bool = True,
) -> PacingDecisionLog | None:
    """Log the decision (None when it repeats the last logged mode and level)."""
    level = round(decision.dial_level, 2)
    if only_if_changed:
        last = await latest_decisions(session, campaign_id, 1)
        if last and last[0].mode_used == decision.mode_used.value and round(last[0].level, 2) == level:
            return None
    row = PacingDecisionLog(
        campaign_id=campaign_id,
        at=at,
        mode_used=decision.mode_used.value,
        calls_to_place=decision.calls,
        level=decision.dial_level,
        inputs=decision.explanation.as_dict() | {"mode_requested": decision.mode_requested.value},
        explanation=decision.log_line(),
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class PacingStatus:
    """A campaign's recent pacing decisions and its abandon rate over its profile's window."""

    campaign_id: int
    profile: str
    decisions: list[PacingDecisionLog]
    abandon: AbandonTally
    abandon_cap: float
    abandon_window: timedelta

    @property
    def within_cap(self) -> bool:
        return self.abandon.rate <= self.abandon_cap


async def pacing_status(
    session: AsyncSession, principal: Principal, campaign_id: int, now: datetime, *, limit: int = 20
) -> PacingStatus:
    """For a campaign the caller may see (else ``NotFound``)."""
    campaign = await get_campaign(session, principal, campaign_id)
    profile = campaign_profile(campaign)
    return PacingStatus(
        campaign_id=campaign.id,
        profile=profile.name,
        decisions=await latest_decisions(session, campaign.id, limit),
        abandon=await campaign_abandon_tally(session, campaign.id, profile, now),
        abandon_cap=profile.abandon_cap,
        abandon_window=profile.abandon_window,
    )
