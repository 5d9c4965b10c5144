"""Scorecards, scores, score statistics and the QA queue as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from api.schemas.common import DecimalStr, Out
from dialer.qa.models import QueueStatus, Scale, Score, Scorecard
from dialer.qa.scoring import SHOWN_PLACES, shown_percent
from dialer.qa.trends import GroupBy, Period, Trend


class CriterionOut(Out):
    key: str
    label: str
    weight: DecimalStr
    scale: Scale
    max_points: int = Field(description="top of the scale; 1 for yes/no")


class ScorecardOut(Out):
    id: int
    campaign_id: int
    version: int
    name: str
    sample_per_operator: int | None = Field(description="null: DIALER_QA_SAMPLE_PER_OPERATOR applies")
    created_at: datetime
    created_by: str
    criteria: list[CriterionOut]


class MomentOut(BaseModel):
    at_s: DecimalStr = Field(description="seconds into the recording")
    text: str


class ScoreOut(BaseModel):
    id: int
    call_id: int
    campaign_id: int
    operator_id: int | None
    call_at: datetime = Field(description="when the call was placed")
    scorecard_id: int
    scorecard_version: int
    scorer: str = Field(description="user:<id> or key:<id>")
    scorer_role: str
    percent: DecimalStr = Field(description="weighted total, percent of the maximum, to 2 places")
    values: dict[str, int]
    moments: list[MomentOut]
    comment: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, score: Score, card: Scorecard) -> ScoreOut:
        keys = {c.id: c.key for c in card.criteria}
        return cls(
            id=score.id,
            call_id=score.call_id,
            campaign_id=score.campaign_id,
            operator_id=score.operator_id,
            call_at=score.call_at,
            scorecard_id=card.id,
            scorecard_version=card.version,
            scorer=score.scorer,
            scorer_role=score.scorer_role,
            percent=score.percent.quantize(SHOWN_PLACES),
            values={keys[m.criterion_id]: m.value for m in score.marks},
            moments=[MomentOut(at_s=Decimal(m["at_s"]), text=m["text"]) for m in score.moments],
            comment=score.comment,
            created_at=score.created_at,
            updated_at=score.updated_at,
        )


class CriterionTrendOut(BaseModel):
    key: str
    scores: int
    average: DecimalStr = Field(description="mean share of the criterion's scale reached, percent")


class TrendOut(BaseModel):
    key: int | None = Field(description="the operator's or campaign's id, as grouped")
    name: str | None
    period_start: date
    scores: int
    average: DecimalStr = Field(description="mean weighted total, percent, to 2 places")
    criteria: list[CriterionTrendOut]

    @classmethod
    def of(cls, trend: Trend, name: str | None) -> TrendOut:
        return cls(
            key=trend.key,
            name=name,
            period_start=trend.period_start,
            scores=trend.mean.count,
            average=shown_percent(trend.mean.value),
            criteria=[
                CriterionTrendOut(key=key, scores=mean.count, average=shown_percent(mean.value))
                for key, mean in trend.criteria.items()
            ],
        )


class TrendsOut(BaseModel):
    group_by: GroupBy
    period: Period
    date_from: date
    date_to: date
    groups: list[TrendOut] = Field(description="one per group and period with scores; empty periods absent")


class QueueItemOut(Out):
    id: int
    call_id: int
    campaign_id: int
    operator_id: int | None
    day: date = Field(description="the UTC day the call was placed")
    status: QueueStatus
    created_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    score_id: int | None
    done_at: datetime | None
    audio_url: str = ""
