"""Scores over time: averages per operator or campaign by day, ISO week or month (pure).

Each group's average is the plain mean of its scores' percentages, kept exact (``Fraction``); a
criterion's average is the mean share of its scale reached, as a percentage, over the scores whose
card had that criterion (matched by key across card versions). Periods with no score are absent.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday to Sunday
    MONTH = "month"


class GroupBy(enum.StrEnum):
    OPERATOR = "operator"
    CAMPAIGN = "campaign"


def period_start(day: date, period: Period) -> date:
    """The first day of the period ``day`` falls in."""
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """One score as the statistics see it."""

    day: date  # the UTC day of the scored call
    campaign_id: int
    operator_id: int | None
    percent: Fraction  # 0..100
    criteria: Mapping[str, Fraction] = field(default_factory=dict)  # key -> percent of its scale


@dataclass(frozen=True, slots=True)
class Mean:
    count: int
    total: Fraction

    @property
    def value(self) -> Fraction:
        return self.total / self.count


@dataclass(frozen=True, slots=True)
class Trend:
    """One group (an operator's or a campaign's scores) in one period."""

    key: int | None  # the operator's or campaign's id (None: calls nobody took)
    period_start: date
    mean: Mean
    criteria: dict[str, Mean]


def aggregate(points: Iterable[ScorePoint], group_by: GroupBy, period: Period) -> list[Trend]:
    """Averages per group and period, ordered by group (None last) then period."""
    totals: dict[tuple[int | None, date], list[Fraction]] = defaultdict(list)
    by_criterion: dict[tuple[int | None, date], dict[str, list[Fraction]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for point in points:
        key = point.operator_id if group_by is GroupBy.OPERATOR else point.campaign_id
        slot = (key, period_start(point.day, period))
        totals[slot].append(point.percent)
        for criterion, share in point.criteria.items():
            by_criterion[slot][criterion].append(share)

    def order(slot: tuple[int | None, date]) -> tuple[bool, int, date]:
        key, start = slot
        return (key is None, key or 0, start)

    return [
        Trend(
            key=slot[0],
            period_start=slot[1],
            mean=_mean(totals[slot]),
            criteria={k: _mean(v) for k, v in sorted(by_criterion[slot].items())},
        )
        for slot in sorted(totals, key=order)
    ]


def _mean(values: list[Fraction]) -> Mean:
    return Mean(len(values), sum(values, Fraction(0)))
