"""Scores over time as the API serves them: the caller's visible scores in a date range, read from
the database and averaged by ``dialer.qa.trends``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.campaigns.models import Campaign
from dialer.errors import InvalidInput
from dialer.operators.models import Operator
from dialer.qa.models import Criterion, Score, ScoreValue
from dialer.qa.scores import visible_scores
from dialer.qa.trends import GroupBy, Period, ScorePoint, Trend, aggregate

MAX_DAYS = 3 * 366


@dataclass(frozen=True, slots=True)
class TrendQuery:
    group_by: GroupBy
    period: Period
    date_from: date  # first day, inclusive (UTC)
    date_to: date  # last day, inclusive (UTC)
    campaign_id: int | None = None
    operator_id: int | None = None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def score_points(session: AsyncSession, principal: Principal, q: TrendQuery) -> list[ScorePoint]:
    """The scores the caller may see of calls placed in the range, with their criteria's shares."""
    if q.date_to < q.date_from:
        raise InvalidInput(f"date_to: {q.date_to} is before date_from {q.date_from}")
    if (q.date_to - q.date_from).days >= MAX_DAYS:
        raise InvalidInput(f"date_to: a range of at most {MAX_DAYS} days, please")
    scores = visible_scores(principal).where(
        Score.call_at >= _midnight(q.date_from), Score.call_at < _midnight(q.date_to + timedelta(days=1))
    )
    if q.campaign_id is not None:
        scores = scores.where(Score.campaign_id == q.campaign_id)
    if q.operator_id is not None:
        scores = scores.where(Score.operator_id == q.operator_id)
    chosen = scores.subquery()
    rows = await session.execute(
        select(chosen.c.id, chosen.c.call_at, chosen.c.campaign_id, chosen.c.operator_id, chosen.c.percent)
    )
    marks = await session.execute(
        select(ScoreValue.score_id, Criterion.key, ScoreValue.value, Criterion.max_points)
        .join(Criterion, Criterion.id == ScoreValue.criterion_id)
        .where(ScoreValue.score_id.in_(select(chosen.c.id)))
    )
    shares: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for score_id, key, value, top in marks:
        shares[score_id][key] = 100 * Fraction(value, top)
    return [
        ScorePoint(
            day=call_at.astimezone(UTC).date(),
            campaign_id=campaign_id,
            operator_id=operator_id,
            percent=Fraction(percent),
            criteria=shares[score_id],
        )
        for score_id, call_at, campaign_id, operator_id, percent in rows
    ]


async def trends(session: AsyncSession, principal: Principal, q: TrendQuery) -> list[Trend]:
    principal.require(Permission.SCORES_READ)
    return aggregate(await score_points(session, principal, q), q.group_by, q.period)


async def names(session: AsyncSession, group_by: GroupBy, keys: set[int]) -> dict[int, str]:
    """Display names of the operators or campaigns ``keys``."""
    if not keys:
        return {}
    model = Operator if group_by is GroupBy.OPERATOR else Campaign
    rows = await session.execute(select(model.id, model.name).where(model.id.in_(keys)))
    return {key: name for key, name in rows}
