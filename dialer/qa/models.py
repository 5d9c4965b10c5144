"""Scorecards (versioned per campaign), the scores given with them, and the daily QA queue.

A scorecard version is frozen once a score uses it: replacing a used card adds a new version, and
each score keeps the version it was given with (``Score.scorecard_id``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, Money, UtcDateTime, enum_values


class Scale(enum.StrEnum):
    """How a criterion is marked: 0..max_points points, or yes (1) / no (0)."""

    POINTS = "points"
    YES_NO = "yes_no"


class QueueStatus(enum.StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    DONE = "done"


class Scorecard(Base):
    __tablename__ = "qa_scorecards"
    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    # Calls sampled per operator per day for this campaign; None: DIALER_QA_SAMPLE_PER_OPERATOR.
    sample_per_operator: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="scorecard",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Criterion.position",
    )


class Criterion(Base):
    __tablename__ = "qa_criteria"
    __table_args__ = (UniqueConstraint("scorecard_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecards.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Money)
    scale: Mapped[Scale] = mapped_column(
        Enum(Scale, native_enum=False, length=20, values_callable=enum_values)
    )
    max_points: Mapped[int] = mapped_column(Integer)

    scorecard: Mapped[Scorecard] = relationship(back_populates="criteria", lazy="raise")


class Score(Base):
    """One scorer's marks for one call; ``percent`` is the weighted total (``dialer.qa.scoring``)."""

    __tablename__ = "qa_scores"
    __table_args__ = (
        UniqueConstraint("call_id", "scorer"),
        Index("ix_qa_scores_campaign_call_at", "campaign_id", "call_at"),
        Index("ix_qa_scores_operator_call_at", "operator_id", "call_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(BigId, ForeignKey("calls.id", ondelete="CASCADE"))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("qa_scorecards.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), nullable=True
    )
    call_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the call was placed
    scorer: Mapped[str] = mapped_column(String(100))  # the principal's actor label, user:3 or key:7
    scorer_role: Mapped[str] = mapped_column(String(20))
    percent: Mapped[Decimal] = mapped_column(Money)
    comment: Mapped[str] = mapped_column(Text, default="")
    # Comments at moments of the recording: [{"at_s": "12.5", "text": "..."}], in time order.
    moments: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    marks: Mapped[list[ScoreValue]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ScoreValue.criterion_id"
    )


class ScoreValue(Base):
    __tablename__ = "qa_score_values"

    score_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("qa_scores.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("qa_criteria.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column(Integer)


class QueueItem(Base):
    """A call sampled for QA on its day; done once someone scores it."""

    __tablename__ = "qa_queue"
    __table_args__ = (
        Index("ix_qa_queue_status_campaign", "status", "campaign_id"),
        Index("ix_qa_queue_operator_day", "operator_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(BigId, ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), nullable=True
    )
    day: Mapped[date] = mapped_column(Date)  # the UTC day the call was placed
    status: Mapped[QueueStatus] = mapped_column(
        Enum(QueueStatus, native_enum=False, length=20, values_callable=enum_values),
        default=QueueStatus.QUEUED,
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    score_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("qa_scores.id", ondelete="SET NULL"), nullable=True
    )
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
