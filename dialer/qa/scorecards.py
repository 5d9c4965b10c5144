"""A campaign's scorecard: created, read, listed by version and replaced.

Replacing keeps what scores rest on: a card no score uses is changed in place; a used card is frozen
and the replacement becomes the next version. A change of name or sample size alone never needs a
new version (neither affects a score).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.campaigns.models import Campaign
from dialer.errors import Conflict, NotFound
from dialer.qa.models import Criterion, Score, Scorecard
from dialer.qa.schemas import CriterionIn, ScorecardIn
from dialer.qa.scoring import Rule


async def visible_campaign(session: AsyncSession, principal: Principal, campaign_id: int) -> Campaign:
    """The campaign if the caller may see it; otherwise ``NotFound`` (never forbidden)."""
    campaign = await session.scalar(
        select(Campaign).where(Campaign.id == campaign_id, campaign_filter(principal))
    )
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found")
    return campaign


async def latest(session: AsyncSession, campaign_id: int) -> Scorecard | None:
    """The campaign's current scorecard (its highest version), if it has one."""
    query = (
        select(Scorecard)
        .where(Scorecard.campaign_id == campaign_id)
        .order_by(Scorecard.version.desc())
        .limit(1)
    )
    return await session.scalar(query)


def rules(card: Scorecard) -> list[Rule]:
    return [Rule(c.key, c.weight, c.scale, c.max_points) for c in card.criteria]


def _criteria(data: ScorecardIn) -> list[Criterion]:
    return [
        Criterion(
            position=position,
            key=c.key,
            label=c.label,
            weight=c.weight,
            scale=c.scale,
            max_points=c.top,
        )
        for position, c in enumerate(data.criteria)
    ]


def _same_criteria(card: Scorecard, wanted: list[CriterionIn]) -> bool:
    have = [(c.key, c.label, c.weight, c.scale, c.max_points) for c in card.criteria]
    want = [(c.key, c.label, c.weight, c.scale, c.top) for c in wanted]
    return have == want


async def _used(session: AsyncSession, card: Scorecard) -> bool:
    return bool(await session.scalar(select(exists().where(Score.scorecard_id == card.id))))


async def list_scorecards(session: AsyncSession, principal: Principal, campaign_id: int) -> list[Scorecard]:
    """Every version of the campaign's scorecard, newest first."""
    principal.require(Permission.SCORECARDS_READ)
    await visible_campaign(session, principal, campaign_id)
    query = select(Scorecard).where(Scorecard.campaign_id == campaign_id).order_by(Scorecard.version.desc())
    return list(await session.scalars(query))


async def current_scorecard(session: AsyncSession, principal: Principal, campaign_id: int) -> Scorecard:
    principal.require(Permission.SCORECARDS_READ)
    await visible_campaign(session, principal, campaign_id)
    card = await latest(session, campaign_id)
    if card is None:
        raise NotFound(f"campaign {campaign_id} has no scorecard yet")
    return card


async def get_scorecard(session: AsyncSession, principal: Principal, scorecard_id: int) -> Scorecard:
    """Any version, current or not, if the caller may see its campaign."""
    principal.require(Permission.SCORECARDS_READ)
    visible = select(Campaign.id).where(campaign_filter(principal))
    card = await session.scalar(
        select(Scorecard).where(Scorecard.id == scorecard_id, Scorecard.campaign_id.in_(visible))
    )
    if card is None:
        raise NotFound(f"scorecard {scorecard_id} not found")
    return card


async def _add_version(
    session: AsyncSession,
    principal: Principal,
    campaign_id: int,
    version: int,
    data: ScorecardIn,
    now: datetime,
) -> Scorecard:
    card = Scorecard(
        campaign_id=campaign_id,
        version=version,
        name=data.name,
        sample_per_operator=data.sample_per_operator,
        created_at=now,
        created_by=principal.actor,
        criteria=_criteria(data),
    )
    session.add(card)
    await session.flush()
    return card


async def create_scorecard(
    session: AsyncSession, principal: Principal, campaign_id: int, data: ScorecardIn, now: datetime
) -> Scorecard:
    """The campaign's first scorecard (version 1); a campaign with one is replaced instead."""
    principal.require(Permission.SCORECARDS_WRITE)
    await visible_campaign(session, principal, campaign_id)
    existing = await latest(session, campaign_id)
    if existing is not None:
        raise Conflict(
            f"campaign {campaign_id} already has a scorecard (version {existing.version}); "
            f"replace it with PUT /campaigns/{campaign_id}/scorecard"
        )
    return await _add_version(session, principal, campaign_id, 1, data, now)


async def replace_scorecard(
    session: AsyncSession, principal: Principal, campaign_id: int, data: ScorecardIn, now: datetime
) -> Scorecard:
    """The campaign's scorecard as ``data`` says: changed in place while unused, else a new version."""
    principal.require(Permission.SCORECARDS_WRITE)
    await visible_campaign(session, principal, campaign_id)
    card = await latest(session, campaign_id)
    if card is None:
        raise NotFound(f"campaign {campaign_id} has no scorecard yet; create one with POST")
    if not _same_criteria(card, data.criteria) and await _used(session, card):
        newest = await session.scalar(
            select(func.max(Scorecard.version)).where(Scorecard.campaign_id == campaign_id)
        )
        return await _add_version(session, principal, campaign_id, (newest or 0) + 1, data, now)
    card.name = data.name
    card.sample_per_operator = data.sample_per_operator
    if not _same_criteria(card, data.criteria):
        card.criteria.clear()
        await session.flush()  # the old keys go before the new ones arrive (unique per card)
        card.criteria.extend(_criteria(data))
    await session.flush()
    return card
