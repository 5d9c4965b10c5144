"""The wallboard, its charts, and supervisors' actions on operators as the API shows and takes them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.campaigns import BlockerOut
from api.schemas.common import DecimalStr, Out
from dialer.campaigns.models import CampaignState
from dialer.operators.models import OperatorState
from dialer.operators.schemas import SIP_ENDPOINT
from dialer.supervision.models import SpyMode, SpyStatus


class OperatorBoardOut(Out):
    operator_id: int
    name: str
    login: str
    endpoint: str
    state: OperatorState
    reason: str | None
    since: datetime | None
    seconds_in_state: float | None
    registered: bool = Field(description="the softphone is registered with Asterisk")
    campaign_ids: list[int]
    call_uid: str | None
    calls_today: int = Field(description="calls put through to the operator today")
    talk_seconds_today: float


class DialLevelOut(Out):
    level: float = Field(description="calls in flight per operator expected free (1.0: progressive)")
    mode: str
    calls_to_place: int
    reason: str
    limited_by: str
    answer_rate: float | None = Field(description="the answer rate pacing estimated")
    at: datetime


class AbandonBoardOut(Out):
    answered: int
    abandoned: int
    rate: float
    cap: float
    window_hours: float
    within_cap: bool


class TodayOut(Out):
    day: date
    placed: int
    answered: int
    connected: int
    abandoned: int
    contacts_dialed: int
    contacts_processed: int
    answer_rate: float
    talk_seconds: float


class VolumeBoardOut(Out):
    contract_id: int
    unit: str
    committed: DecimalStr | None
    used: DecimalStr
    left: DecimalStr | None
    runs_out_on: date | None


class CampaignBoardOut(Out):
    campaign_id: int
    name: str
    state: CampaignState
    mode: str
    dialing: bool
    blockers: list[BlockerOut]
    calls_in_progress: int
    operators: list[OperatorBoardOut]
    dial_level: DialLevelOut | None
    abandon: AbandonBoardOut
    today: TodayOut
    volume: VolumeBoardOut | None


class FloorBoardOut(Out):
    at: datetime
    timezone: str
    states: dict[str, int] = Field(description="how many operators are in each state")
    operators: list[OperatorBoardOut]
    campaigns: list[CampaignBoardOut]
    calls_in_progress: int
    placed_today: int
    connected_today: int


class ForcePauseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(
        None, pattern=r"^[a-z0-9_]{1,50}$", description="pause reason code (default ``supervisor``)"
    )


class SpyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: SpyMode = Field(description="listen (silent), whisper (the operator hears you), barge (both do)")
    endpoint: str = Field(
        min_length=1,
        max_length=100,
        pattern=SIP_ENDPOINT,
        description="the supervisor's own PJSIP endpoint: its softphone rings, then hears the call",
    )


class SpyRequestOut(Out):
    id: int
    operator_id: int
    call_uid: str
    mode: SpyMode
    endpoint: str
    requested_by: str
    status: SpyStatus
    requested_at: datetime
    engine: str | None
    target_channel: str | None
    started_at: datetime | None
    ended_at: datetime | None
    error: str | None


class CallSlotOut(Out):
    start: datetime
    placed: int
    answered: int


class OccupancySlotOut(Out):
    start: datetime
    available_seconds: float
    busy_seconds: float
    occupancy: float | None
