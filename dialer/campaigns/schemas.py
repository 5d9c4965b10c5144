"""The rules a campaign must follow: dialing settings, calling hours, retries and dispositions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from dialer.campaigns.calling_hours import CallingHours
from dialer.campaigns.disposition_codes import DispositionIn, check_codes
from dialer.campaigns.models import OperatorConnection, RecordingPolicy
from dialer.campaigns.sounds import check_sound_name
from dialer.clients.schemas import Country
from dialer.compliance import PROFILES
from dialer.db.bounds import Int32, IntId
from dialer.dialing_modes import DialMode, traits

MAX_RETRY_DELAY = 30 * 24 * 3600


def _delay(value: int | list[int]) -> int | list[int]:
    delays = value if isinstance(value, list) else [value]
    if not 1 <= len(delays) <= 50:
        raise ValueError("give one delay, or a list of 1 to 50 delays (one per attempt)")
    for seconds in delays:
        if not 0 <= seconds <= MAX_RETRY_DELAY:
            raise ValueError(f"{seconds} is not a delay from 0 to {MAX_RETRY_DELAY} seconds (30 days)")
    return value


Delay = Annotated[int | list[int], AfterValidator(_delay)]
AbandonCap = Annotated[
    Decimal,
    Field(gt=0, le=1, max_digits=7, decimal_places=6, description="share of answered calls, 0.03 for 3%"),
]
CallerId = Annotated[str, Field(pattern=r"^\+?[0-9]{3,20}$", examples=["+74951502222"])]
Dispositions = Annotated[list[DispositionIn], Field(max_length=100), AfterValidator(check_codes)]


def _profile(name: str) -> str:
    if name not in PROFILES:
        raise ValueError(f"unknown compliance profile {name!r}; one of: {', '.join(sorted(PROFILES))}")
    return name


ComplianceProfileName = Annotated[
    str, AfterValidator(_profile), Field(description="rules the campaign dials under: us, uk, ru or custom")
]
RingTimeout = Annotated[
    int, Field(ge=15, le=120, description="seconds a customer's phone rings, at least 15")
]
ConnectLimit = Annotated[
    int, Field(ge=100, le=10_000, description="ms an answered person may wait for an operator before abandon")
]
WrapUp = Annotated[int, Field(ge=0, le=3600, description="seconds of wrap-up after each call")]
DialRatio = Annotated[
    Decimal,
    Field(
        ge=1,
        le=5,
        max_digits=4,
        decimal_places=2,
        description="fixed_ratio mode: lines dialed per ready operator, 1.0 to 5.0 (e.g. 1.5)",
    ),
]
SoundName = Annotated[
    str,
    AfterValidator(check_sound_name),
    Field(max_length=200, description="Asterisk sound name (e.g. custom/romashka-id); empty: the global one"),
]


def dial_ratio_problem(mode: DialMode | None, ratio: Decimal | None) -> str | None:
    """Why a campaign's mode and ratio do not go together (None when they do)."""
    if mode is not None and traits(mode).needs_dial_ratio and ratio is None:
        return f"dial_ratio: required for the {mode.value} dialing mode (lines per ready operator, 1.0-5.0)"
    return None


class RetryDelays(BaseModel):
    """Seconds to wait before dialing a contact again, per outcome of the last attempt.

    A number, or a list per attempt whose last entry repeats (``[900, 3600, 14400]``): the shape
    ``dialer.compliance.attempts`` reads. Defaults match that module's.
    """

    model_config = ConfigDict(extra="forbid")

    busy: Delay = 900
    no_answer: Delay = 3 * 3600
    machine: Delay = 4 * 3600
    abandoned: Delay = 3600
    failed: Delay = 4 * 3600


class BriefGoals(BaseModel):
    """A day's targets the daily report sets the results against; empty: no target."""

    model_config = ConfigDict(extra="forbid")

    calls: Int32 | None = Field(None, ge=0, description="calls placed per day")
    conversion_rate: float | None = Field(
        None, ge=0, le=1, description="share of connected calls ending in a hot-lead code, e.g. 0.05"
    )
    leads: Int32 | None = Field(None, ge=0, description="hot leads per day")


class Brief(BaseModel):
    """What the campaign sells, to whom, and what a good call ends with."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field("", max_length=2000)
    audience: str = Field("", max_length=2000)
    expected_result: str = Field("", max_length=2000)
    notes: str = Field("", max_length=10000)
    goals: BriefGoals = Field(default_factory=BriefGoals)


class CampaignSettings(BaseModel):
    """Everything about a campaign a supervisor may change after creating it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    brief: Brief | None = None
    script: str | None = Field(None, max_length=100_000)
    dialing_mode: DialMode | None = None
    caller_id: CallerId | None = None
    default_country: Country | None = None
    calling_hours: CallingHours | None = None
    abandon_cap: AbandonCap | None = None
    max_attempts: int | None = Field(None, ge=1, le=50)
    retry_delays: RetryDelays | None = None
    compliance_profile: ComplianceProfileName | None = None
    advertising: bool | None = None
    ring_timeout_s: RingTimeout | None = None
    connect_limit_ms: ConnectLimit | None = None
    wrap_up_s: WrapUp | None = None
    operator_connection: OperatorConnection | None = None
    dial_ratio: DialRatio | None = None
    abandon_message: SoundName | None = None
    machine_message: SoundName | None = None
    recording_policy: RecordingPolicy | None = None
    recording_split_legs: bool | None = None
    dispositions: Dispositions | None = Field(None, description="replaces the whole set, matched by code")


class CampaignCreate(BaseModel):
    """A new campaign under a contract; what is left out takes the documented default."""

    model_config = ConfigDict(extra="forbid")

    contract_id: IntId
    name: str = Field(min_length=1, max_length=200)
    brief: Brief = Field(default_factory=Brief)
    script: str = Field("", max_length=100_000)
    dialing_mode: DialMode = DialMode.PROGRESSIVE
    caller_id: CallerId | None = None
    default_country: Country | None = Field(None, description="default: the client's country")
    calling_hours: CallingHours = Field(default_factory=CallingHours)
    abandon_cap: AbandonCap = Decimal("0.03")
    max_attempts: int = Field(3, ge=1, le=50)
    retry_delays: RetryDelays = Field(default_factory=RetryDelays)
    compliance_profile: ComplianceProfileName = "custom"
    advertising: bool = Field(True, description="advertising calls need each contact's consent under 'ru'")
    ring_timeout_s: RingTimeout = 20
    connect_limit_ms: ConnectLimit = 2000
    wrap_up_s: WrapUp = 10
    operator_connection: OperatorConnection = OperatorConnection.NAILED_UP
    dial_ratio: DialRatio | None = None
    abandon_message: SoundName = ""
    machine_message: SoundName = ""
    recording_policy: RecordingPolicy = Field(
        RecordingPolicy.CONNECTED,
        description="calls recorded: all (every answered call, from the answer), connected "
        "(from the moment the customer is put through), none",
    )
    recording_split_legs: bool = Field(
        False, description="operator and customer legs as separate channels (stereo file) for QA"
    )
    dispositions: Dispositions | None = Field(
        None,
        description="default: sale, hot lead, not interested, callback, try later, wrong number, do not call",
    )

    @model_validator(mode="after")
    def _ratio_for_mode(self) -> CampaignCreate:
        problem = dial_ratio_problem(self.dialing_mode, self.dial_ratio)
        if problem:
            raise ValueError(problem)
        return self
