"""The tracker's per-call and per-channel state, and the summary it gives of a call."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from ami.facts import FailReason, HungUpBy


class Kind(enum.StrEnum):
    CUSTOMER = "customer"  # a call to a customer the product placed
    OPERATOR = "operator"  # an operator's nailed-up session the product originated
    SUPERVISOR = "supervisor"  # an endpoint leg that turned out to spy on an operator (ChanSpy)


class Phase(enum.IntEnum):
    CREATED = 0
    RINGING = 1
    ANSWERED = 2
    ENDED = 3


class Role(enum.Enum):
    PRIMARY = "primary"  # the channel the product originated
    LEG = "leg"  # another channel of the call (Local half, queue/dial leg not yet known as operator)
    OPERATOR = "operator"  # a channel that reaches an operator's softphone
    OTHER = "other"  # seen in a bridge, belongs to no tracked call


def customer_side(ch: ChannelState) -> bool:
    """The customer's own channel, or another channel on the customer's side (Local halves, trunk leg)."""
    return ch.call is not None and ch.call.kind is Kind.CUSTOMER and ch.role in (Role.PRIMARY, Role.LEG)


@dataclass(slots=True, eq=False)
class ChannelState:
    uniqueid: str
    name: str | None
    linkedid: str | None
    call: CallState | None = None
    role: Role = Role.OTHER
    operator: str | None = None
    bridge: str | None = None
    last_app: str = ""
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class CallState:
    call_id: str
    kind: Kind
    uniqueid: str
    action_id: str | None = None
    operator: str | None = None  # the operator connected (or, for a session, the operator itself)
    channel: ChannelState | None = None
    phase: Phase = Phase.CREATED
    failed: FailReason | None = None
    dial_string: str = ""
    dial_status: str | None = None
    request_cause: int | None = None
    cause: int | None = None
    cause_txt: str = ""
    hung_up_by: HungUpBy | None = None
    product_hangup: bool = False
    amd_status: str | None = None
    amd_cause: str | None = None
    amd_reported: bool = False
    created_at: datetime | None = None
    ringing_at: datetime | None = None
    answered_at: datetime | None = None
    connected_at: datetime | None = None
    ended_at: datetime | None = None
    connected_bridge: str | None = None
    operator_channel: ChannelState | None = None
    talk_seconds: float = 0.0
    ready_bridges: set[str] = field(default_factory=set)
    unanswered_legs: set[str] = field(default_factory=set)  # operator legs that rang in vain
    spying_on: str | None = None  # supervisor sessions: the spied channel's uniqueid
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallSummary:
    """What the tracker concluded about one call (or operator session), for display and tests."""

    call_id: str
    kind: str
    outcome: str  # answered | failed | live | ended (operator session)
    fail_reason: str | None
    cause: int | None
    cause_txt: str
    operator: str | None
    talk_seconds: float
    hung_up_by: str | None
    amd_status: str | None
    amd_cause: str | None
    created_at: datetime | None
    ringing_at: datetime | None
    answered_at: datetime | None
    connected_at: datetime | None
    ended_at: datetime | None
    variables: dict[str, str]
