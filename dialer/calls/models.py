"""Call records (one row per dialing attempt, every step timed) and the pacing decisions' log.

A call's steps arrive as facts from the engine, in any order and possibly twice; the columns keep
the first time each fact was seen, and ``state`` is the furthest step reached
(``dialer.calls.lifecycle``). ``outcome`` is the engine's verdict at hangup and stays empty until then.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, Float, ForeignKey, Index, Integer, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values


class CallState(enum.StrEnum):
    """Steps of a call, in the order they happen (a later step never goes back to an earlier one)."""

    PLACED = "placed"
    RINGING = "ringing"
    ANSWERED = "answered"
    CONNECTED = "connected"
    ENDED = "ended"


class CallOutcome(enum.StrEnum):
    """How a call ended, as the engine concludes it at hangup."""

    HUMAN_CONNECTED = "human_connected"
    ABANDONED = "abandoned"
    MACHINE = "machine"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    UNREACHABLE = "unreachable"
    INVALID_NUMBER = "invalid_number"  # the number does not exist (Q.850 1, 3, 28): never dialed again
    REJECTED = "rejected"
    CHANNEL_UNAVAILABLE = "channel_unavailable"
    FAILED = "failed"
    PBX_RESTART = "pbx_restart"
    CANCELLED = "cancelled"
    SURVEYED = "surveyed"  # a person went through the IVR survey (dialer.surveys) and reached no operator


class RecordingStatus(enum.StrEnum):
    """Where a call's recording stands (``dialer.call_recordings.filing``); None: not ended yet."""

    PENDING = "pending"  # the call ended; its file is still to be filed (picked up again after a crash)
    FILED = "filed"
    MISSING = "missing"  # the policy wanted a recording and no file was found
    EMPTY = "empty"
    CORRUPT = "corrupt"
    NOT_RECORDED_BY_POLICY = "not_recorded_by_policy"
    DELETED = "deleted"  # filed, later deleted (retention or an administrator); see the audit log


class HangupSide(enum.StrEnum):
    CUSTOMER = "customer"
    OPERATOR = "operator"
    SYSTEM = "system"
    PBX = "pbx"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=enum_values)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_campaign_placed", "campaign_id", "placed_at"),
        Index("ix_calls_campaign_answered", "campaign_id", "answered_at"),
        Index("ix_calls_operator_placed", "operator_id", "placed_at"),
        Index("ix_calls_campaign_recorded", "campaign_id", "recorded_at"),
        Index("ix_calls_placed_id", "placed_at", "id"),  # a month in placing order (billing export)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_uid: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), nullable=True
    )
    trunk: Mapped[str] = mapped_column(String(100), default="")
    pbx: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[CallState] = mapped_column(_enum(CallState), default=CallState.PLACED)
    outcome: Mapped[CallOutcome | None] = mapped_column(_enum(CallOutcome), nullable=True, index=True)
    hangup_cause: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hangup_side: Mapped[HangupSide | None] = mapped_column(_enum(HangupSide), nullable=True)
    amd_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    amd_cause: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # A person's review of the AMD verdict (dialer.calls.amd_review): "human" on a call AMD took for
    # a machine is a false positive, an abandon under profiles that count them (UK).
    amd_review: Mapped[str | None] = mapped_column(String(10), nullable=True)
    amd_review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    amd_reviewed_by: Mapped[str | None] = mapped_column(String(50), nullable=True)
    amd_reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ringing_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    amd_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    abandoned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    connected_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    wrap_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # When the call's end was first stored (wall clock, never before ended_at): billing assigns a call
    # recorded after its month was closed to the next open month (dialer.metering.periods).
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The last moment the engine saw the call alive (renewed with the leases): the proven end of a
    # call that ended while no engine watched and whose end Asterisk's record does not show.
    seen_alive_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Why a person should look at this call's record (None: nothing to review), e.g. its end was
    # estimated from what was proven because Asterisk's record of it was not found.
    review: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The operator (or a supervisor) asked from the page to hang up; the engine driving it does.
    hangup_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    ring_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    talk_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    wrap_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The talk billing counts (dialer.billing.talk_time.call_talk_seconds): whole seconds from
    # connected_at to ended_at, a started second counting; 0 if never connected; None until the
    # call ends. Written by dialer.calls.lifecycle only; metering, the billing export and the QA
    # search read it (the contract's rounding then applies per call).
    billable_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)

    disposition_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    disposition_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    disposition_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    disposed_by: Mapped[str | None] = mapped_column(String(50), nullable=True)
    hot_lead: Mapped[bool] = mapped_column(default=False, server_default=false())
    crm_pushed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    recording_key: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The campaign's policy when the call was placed (what the dialplan was told to record).
    recording_policy: Mapped[str | None] = mapped_column(String(20), nullable=True)
    recording_status: Mapped[RecordingStatus | None] = mapped_column(
        Enum(RecordingStatus, native_enum=False, length=30, values_callable=enum_values),
        nullable=True,
        index=True,
    )
    recording_problem: Mapped[str | None] = mapped_column(String(500), nullable=True)  # why not filed
    recording_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    recording_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    recording_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recording_format: Mapped[str | None] = mapped_column(String(10), nullable=True)  # wav, mp3, opus
    recording_filed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class PacingDecisionLog(Base):
    """One change of a campaign's dial level, with the figures that caused it."""

    __tablename__ = "pacing_decisions"
    __table_args__ = (Index("ix_pacing_decisions_campaign_at", "campaign_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    mode_used: Mapped[str] = mapped_column(String(20))
    calls_to_place: Mapped[int] = mapped_column(Integer)
    level: Mapped[float] = mapped_column(Float)
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
