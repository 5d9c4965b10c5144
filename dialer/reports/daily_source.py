"""The daily report's reads: a campaign's calls of the day and its operators' state changes.

The aggregation itself is pure (``dialer.reports.daily``); this module only turns rows into its facts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, CallOutcome
from dialer.campaigns.models import Campaign, DispositionCode
from dialer.clients.models import Client
from dialer.operators.models import Operator, OperatorStateEvent
from dialer.reports.daily import (
    CallFact,
    CampaignFacts,
    DailyReport,
    Goals,
    StateChange,
    daily_report,
    day_bounds,
)


def goals_of(brief: dict[str, object] | None) -> Goals:
    """The day's goals from the campaign's brief (``brief.goals``); missing ones are no goal."""
    raw = (brief or {}).get("goals")
    if not isinstance(raw, dict):
        return Goals()
    calls, rate, leads = raw.get("calls"), raw.get("conversion_rate"), raw.get("leads")
    return Goals(
        calls=int(calls) if isinstance(calls, int | float) else None,
        conversion_rate=float(rate) if isinstance(rate, int | float | str) and rate != "" else None,
        leads=int(leads) if isinstance(leads, int | float) else None,
    )


async def call_facts(session: AsyncSession, campaign_id: int, day: date, tz: str) -> list[CallFact]:
    start, end = day_bounds(day, tz)
    rows = await session.scalars(
        select(Call)
        .where(Call.campaign_id == campaign_id, Call.placed_at >= start, Call.placed_at < end)
        .order_by(Call.placed_at, Call.id)
    )
    return [
        CallFact(
            call_id=c.id,
            contact_id=c.contact_id,
            operator_id=c.operator_id,
            placed_at=c.placed_at,
            answered_at=c.answered_at,
            connected_at=c.connected_at,
            abandoned=c.outcome is CallOutcome.ABANDONED or c.abandoned_at is not None,
            talk_seconds=c.talk_seconds,
            disposition_code=c.disposition_code,
            hot_lead=c.hot_lead,
            phone=c.phone,
            recording=c.recording_key is not None,
            invalid_number=c.outcome is CallOutcome.INVALID_NUMBER,
        )
        for c in rows
    ]


async def state_changes(session: AsyncSession, day: date, tz: str) -> list[StateChange]:
    """Every operator state change in the day, and each operator's last change before it."""
    start, end = day_bounds(day, tz)
    last_before = (
        select(OperatorStateEvent.operator_id, func.max(OperatorStateEvent.at).label("at"))
        .where(OperatorStateEvent.at < start)
        .group_by(OperatorStateEvent.operator_id)
        .subquery()
    )
    rows = await session.scalars(
        select(OperatorStateEvent)
        .outerjoin(
            last_before,
            and_(
                last_before.c.operator_id == OperatorStateEvent.operator_id,
                last_before.c.at == OperatorStateEvent.at,
            ),
        )
        .where(
            or_(
                and_(OperatorStateEvent.at >= start, OperatorStateEvent.at < end),
                last_before.c.at.is_not(None),
            )
        )
        .order_by(OperatorStateEvent.operator_id, OperatorStateEvent.at, OperatorStateEvent.id)
    )
    return [
        StateChange(e.operator_id, e.at, str(e.state), tuple(int(i) for i in e.campaign_ids or ()))
        for e in rows
    ]


async def campaign_facts(session: AsyncSession, campaign: Campaign, operator_ids: set[int]) -> CampaignFacts:
    client = await session.get(Client, campaign.client_id)
    codes = list(
        await session.scalars(
            select(DispositionCode)
            .where(DispositionCode.campaign_id == campaign.id)
            .order_by(DispositionCode.id)
        )
    )
    names = {
        o.id: o.name for o in await session.scalars(select(Operator).where(Operator.id.in_(operator_ids)))
    }
    return CampaignFacts(
        campaign_id=campaign.id,
        campaign=campaign.name,
        client=client.name if client is not None else "",
        labels={d.code: d.label for d in codes},
        conversion_codes=frozenset(d.code for d in codes if d.hot_lead),
        operator_names=names,
        goals=goals_of(campaign.brief),
    )


async def load_daily_report(
    session: AsyncSession, campaign: Campaign, day: date, tz: str = "UTC", public_url: str = ""
) -> DailyReport:
    """The campaign's report on ``day`` (a local day of ``tz``), with links on ``public_url``."""
    calls = await call_facts(session, campaign.id, day, tz)
    changes = await state_changes(session, day, tz)
    operators = {c.operator_id for c in calls if c.operator_id is not None}
    operators |= {c.operator_id for c in changes if campaign.id in c.campaign_ids}
    facts = await campaign_facts(session, campaign, operators)
    return daily_report(facts, day, tz, calls, changes, public_url)
