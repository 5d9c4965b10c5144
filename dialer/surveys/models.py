"""A campaign's survey (one per campaign, its questions as one ordered document) and what each
surveyed call answered.

The questions are replaced whole (``PUT``); an answer keeps the question's key, the digit pressed and
the meaning it had at that moment, so later edits never change what a customer said.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values


class ResponseOutcome(enum.StrEnum):
    """How a surveyed call left the survey."""

    COMPLETED = "completed"  # every question asked
    TRANSFER = "transfer"  # the customer pressed the operator digit
    HUNG_UP = "hung_up"  # the customer hung up mid-survey: the answers are partial


class SurveyDefinition(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    intro: Mapped[str] = mapped_column(String(200), default="")
    goodbye: Mapped[str] = mapped_column(String(200), default="")
    retry_prompt: Mapped[str] = mapped_column(String(200), default="")
    # [{key, prompt, choices: [{digit, meaning}], timeout_s, attempts, transfer_digit}, ...] in order
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class SurveyResponse(Base):
    """One surveyed call: its outcome and when the survey ended."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_campaign_finished", "campaign_id", "finished_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int] = mapped_column(BigId, ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[ResponseOutcome] = mapped_column(
        Enum(ResponseOutcome, native_enum=False, length=20, values_callable=enum_values)
    )
    answered: Mapped[int] = mapped_column(Integer, default=0)  # questions with a valid answer
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SurveyAnswer(Base):
    """One question as the call answered it; ``digits`` None: no valid answer within the attempts."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # the question's place in the survey, from 1
    question: Mapped[str] = mapped_column(String(50))
    digits: Mapped[str | None] = mapped_column(String(20), nullable=True)
    meaning: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the answers reached the engine
