"""Call records, dispositions, operator sessions and pacing as the API shows and takes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Out
from dialer.calls.amd_review import AmdReview
from dialer.calls.models import CallOutcome, CallState, HangupSide, RecordingStatus
from dialer.contacts.models import ContactStatus
from dialer.dates import Moment
from dialer.db.bounds import IntId
from dialer.operators.models import OperatorState


class CallOut(Out):
    id: int
    call_uid: str
    campaign_id: int
    contact_id: int
    phone: str
    attempt: int
    operator_id: int | None
    trunk: str
    pbx: str
    state: CallState
    outcome: CallOutcome | None
    hangup_cause: int | None
    hangup_side: HangupSide | None
    amd_status: str | None
    amd_cause: str | None
    amd_review: str | None = None
    amd_review_note: str | None = None
    amd_reviewed_by: str | None = None
    amd_reviewed_at: datetime | None = None
    placed_at: datetime
    ringing_at: datetime | None
    answered_at: datetime | None
    amd_at: datetime | None
    abandoned_at: datetime | None
    connected_at: datetime | None
    ended_at: datetime | None
    wrap_ended_at: datetime | None
    ring_seconds: float | None
    talk_seconds: float | None
    wrap_seconds: float | None
    billable_seconds: int | None = Field(
        None,
        description="the talk billing counts, stored when the call ended: whole seconds from "
        "connected_at to ended_at, a started second counting whole; 0 if never connected; null "
        "while the call is open (the contract's rounding applies on top)",
    )
    review: str | None = Field(
        None,
        description="why a person should check this call's record, e.g. it ended while no engine "
        "watched and Asterisk's record of its end was not found (billed up to the last moment it "
        "was seen alive); null: nothing to review",
    )
    disposition_code: str | None
    disposition_note: str | None
    disposition_at: datetime | None
    disposed_by: str | None
    hot_lead: bool
    recording_key: str | None
    recording_status: RecordingStatus | None = Field(
        description="filed, missing, empty, corrupt, not_recorded_by_policy, pending or deleted"
    )
    recording_problem: str | None = Field(description="why the recording was not filed")
    recording_seconds: float | None
    recording_bytes: int | None
    recording_sha256: str | None
    recording_format: str | None
    recording_filed_at: datetime | None


class AmdReviewBody(BaseModel):
    """A person's verdict on a call AMD classed: ``human`` on a machine verdict is a false positive."""

    model_config = ConfigDict(extra="forbid")

    verdict: AmdReview = Field(description="what the call really reached: human or machine")
    note: str | None = Field(None, max_length=2000)


class MeetingIn(BaseModel):
    """A meeting the operator set with the client's manager (sent with the hot lead)."""

    model_config = ConfigDict(extra="forbid")

    date: Moment | None = Field(None, description="when the meeting is")
    place: str | None = Field(None, max_length=500)
    manager: str | None = Field(None, max_length=200, description="the client's manager who will meet")


class DispositionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=50, examples=["sale"])
    note: str | None = Field(None, max_length=5000)
    callback_at: Moment | None = Field(
        None,
        description="for a callback code: when to call back (moved to the next calling window if outside)",
    )
    same_operator: bool = Field(False, description="a callback goes to the operator who took this call")
    meeting: MeetingIn | None = Field(
        None, description="for a hot-lead code: the meeting set, sent with the lead"
    )


class DispositionOut(BaseModel):
    call: CallOut
    contact_status: ContactStatus
    contact_next_attempt_at: datetime | None = Field(description="for a callback: when it will be dialed")


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_ids: list[IntId] = Field(min_length=1, max_length=50)


class PauseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(pattern=r"^[a-z0-9_]{1,50}$", examples=["lunch"])


class OperatorSessionOut(Out):
    operator_id: int
    state: OperatorState
    since: datetime
    reason: str | None
    campaign_ids: list[int]
    registered: bool
    held_channel: str | None
    call_uid: str | None
    wrap_until: datetime | None


class PacingDecisionOut(Out):
    at: datetime
    mode_used: str
    calls_to_place: int
    level: float
    inputs: dict[str, Any]
    explanation: str


class AbandonOut(BaseModel):
    answered: int
    abandoned: int
    rate: float
    cap: float
    window_hours: float
    within_cap: bool


class PacingOut(BaseModel):
    campaign_id: int
    profile: str
    level: float | None = Field(description="the current dial level: the latest decision's")
    abandon: AbandonOut
    decisions: list[PacingDecisionOut] = Field(description="the latest changes of level, newest first")
