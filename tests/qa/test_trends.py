"""Scores over time: groups, periods and averages, proved on many generated score sets."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dialer.qa.trends import GroupBy, Period, ScorePoint, aggregate, period_start

D = date(2026, 11, 23)  # a Monday


def point(day: date, operator: int | None, percent: int, campaign: int = 1, **criteria: int) -> ScorePoint:
    return ScorePoint(
        day, campaign, operator, Fraction(percent), {k: Fraction(v) for k, v in criteria.items()}
    )


def test_periods_start_on_the_day_the_monday_and_the_first():
    sunday = date(2026, 11, 29)
    assert period_start(sunday, Period.DAY) == sunday
    assert period_start(sunday, Period.WEEK) == D
    assert period_start(sunday, Period.MONTH) == date(2026, 11, 1)
    assert period_start(date(2027, 1, 1), Period.WEEK) == date(2026, 12, 28)  # ISO week crosses the year


def test_an_operators_week_averages_its_scores_and_each_criterion():
    points = [
        point(D, 7, 60, greeting=100, objections=50),
        point(D + timedelta(days=2), 7, 90, greeting=0),
        point(D + timedelta(days=7), 7, 30),
        point(D, 8, 100, greeting=100),
        point(D, None, 10),
    ]
    trends = aggregate(points, GroupBy.OPERATOR, Period.WEEK)
    assert [(t.key, t.period_start, t.mean.count, t.mean.value) for t in trends] == [
        (7, D, 2, Fraction(75)),
        (7, D + timedelta(days=7), 1, Fraction(30)),
        (8, D, 1, Fraction(100)),
        (None, D, 1, Fraction(10)),
    ]
    first = trends[0].criteria
    assert (first["greeting"].count, first["greeting"].value) == (2, Fraction(50))
    assert (first["objections"].count, first["objections"].value) == (1, Fraction(50))
    assert trends[1].criteria == {}


def test_campaign_grouping_ignores_the_operator():
    points = [point(D, 7, 40, campaign=1), point(D, 8, 80, campaign=1), point(D, 8, 20, campaign=2)]
    trends = aggregate(points, GroupBy.CAMPAIGN, Period.MONTH)
    assert [(t.key, t.mean.value) for t in trends] == [(1, Fraction(60)), (2, Fraction(20))]


days = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 2, 28))
points = st.builds(
    ScorePoint,
    day=days,
    campaign_id=st.integers(1, 3),
    operator_id=st.one_of(st.none(), st.integers(1, 4)),
    percent=st.fractions(min_value=0, max_value=100, max_denominator=10_000),
    criteria=st.dictionaries(
        st.sampled_from(["greeting", "need", "close"]), st.fractions(min_value=0, max_value=100), max_size=3
    ),
)


@given(st.lists(points, max_size=60), st.sampled_from(list(GroupBy)), st.sampled_from(list(Period)))
def test_every_score_is_counted_once_and_no_period_is_empty(
    scores: list[ScorePoint], group_by: GroupBy, period: Period
):
    trends = aggregate(scores, group_by, period)
    assert sum(t.mean.count for t in trends) == len(scores)
    assert all(t.mean.count >= 1 for t in trends)
    assert all(0 <= t.mean.value <= 100 for t in trends)
    slots = [(t.key, t.period_start) for t in trends]
    assert len(slots) == len(set(slots))
    key = (lambda p: p.operator_id) if group_by is GroupBy.OPERATOR else (lambda p: p.campaign_id)
    assert set(slots) == {(key(p), period_start(p.day, period)) for p in scores}


@given(st.lists(points, min_size=1, max_size=60), st.sampled_from(list(GroupBy)))
def test_a_months_average_is_the_count_weighted_mean_of_its_days(scores: list[ScorePoint], group_by: GroupBy):
    daily = aggregate(scores, group_by, Period.DAY)
    monthly = aggregate(scores, group_by, Period.MONTH)
    members: dict[tuple[int | None, date], list[tuple[int, Fraction]]] = defaultdict(list)
    for day in daily:
        members[(day.key, period_start(day.period_start, Period.MONTH))].append(
            (day.mean.count, day.mean.value)
        )
    for month in monthly:
        parts = members[(month.key, month.period_start)]
        assert month.mean.count == sum(n for n, _ in parts)
        assert month.mean.value == sum(n * v for n, v in parts) / month.mean.count


@given(st.lists(points, min_size=1, max_size=60))
def test_a_campaigns_average_is_the_count_weighted_mean_of_its_operators(scores: list[ScorePoint]):
    for campaign in aggregate(scores, GroupBy.CAMPAIGN, Period.WEEK):
        own = [
            p
            for p in scores
            if p.campaign_id == campaign.key and period_start(p.day, Period.WEEK) == campaign.period_start
        ]
        per_operator = aggregate(own, GroupBy.OPERATOR, Period.WEEK)
        weighted = sum(t.mean.count * t.mean.value for t in per_operator) / campaign.mean.count
        assert weighted == campaign.mean.value
