"""The tracker's per-call and per-channel state, and the summary it gives of a call.

A call's transitions are methods of ``CallState`` that return the fact to emit (or None when the
event changes nothing, e.g. the call has already moved on or ended): the guard lives here, once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ami.facts import (
    AmdVerdict,
    CallAnswered,
    CallConnected,
    CallCreated,
    CallFact,
    CallFailed,
    CallHungUp,
    CallRinging,
    CallTransferred,
    FailReason,
    HungUpBy,
    OperatorLoggedOut,
)

Clock = Callable[[], datetime]  # read only when a transition happens


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
    live: bool = True  # False once ended: the guard every event handler reads (set by ``end``)

    def take_channel(self, ch: ChannelState, role: Role, clock: Clock) -> CallCreated | None:
        """``ch`` belongs to this call; the first primary channel creates the call."""
        ch.call = self
        ch.role = role
        if role is not Role.PRIMARY or self.channel is not None:
            return None
        self.channel = ch
        self.created_at = now = clock()
        if self.kind is Kind.OPERATOR:
            ch.operator = self.operator
        return CallCreated(self.call_id, now, ch.name)

    def ring(self, clock: Clock) -> CallRinging | None:
        if self.phase is not Phase.CREATED:
            return None
        self.phase = Phase.RINGING
        self.ringing_at = now = clock()
        return CallRinging(self.call_id, now) if self.kind is Kind.CUSTOMER else None

    def answer(self, clock: Clock) -> CallAnswered | None:
        if self.phase >= Phase.ANSWERED or self.failed is not None:
            return None
        self.phase = Phase.ANSWERED
        self.answered_at = now = clock()
        return CallAnswered(self.call_id, now) if self.kind is Kind.CUSTOMER else None

    def amd(self, variable: str, value: str, clock: Clock) -> AmdVerdict | None:
        """An AMD channel variable; the verdict once both AMDSTATUS and AMDCAUSE are known."""
        if variable == "AMDSTATUS":
            self.amd_status = value
        elif variable == "AMDCAUSE":
            self.amd_cause = value
        else:
            return None
        if self.amd_status is None or self.amd_cause is None or self.amd_reported:
            return None
        self.amd_reported = True
        now = clock()
        after = (now - self.answered_at).total_seconds() if self.answered_at else None
        return AmdVerdict(self.call_id, now, self.amd_status, self.amd_cause, after)

    def first_signal(self, who: HungUpBy) -> None:
        """The first hang-up signal names who hung up; later ones change nothing."""
        if self.hung_up_by is None and self.live:
            self.hung_up_by = who

    def disconnect(self, now: datetime) -> None:
        """No longer put through: the talk time so far is settled."""
        if self.connected_bridge is not None and self.connected_at is not None:
            self.talk_seconds += max(0.0, (now - self.connected_at).total_seconds())
        self.connected_bridge = None
        self.operator_channel = None

    def put_through(
        self, bridge: str, operator: str, operator_ch: ChannelState | None, now: datetime
    ) -> CallConnected | CallTransferred | None:
        """Shares ``bridge`` with ``operator``: connected the first time, transferred to another."""
        previous = self.operator if self.connected_at is not None else None
        self.disconnect(now)
        self.operator, self.operator_channel = operator, operator_ch
        self.connected_bridge, self.connected_at = bridge, now
        if previous is None:
            return CallConnected(self.call_id, now, operator)
        if previous != operator:
            return CallTransferred(self.call_id, now, previous, operator)
        return None

    def end(self, now: datetime, reason_if_failed: FailReason) -> CallFact | None:
        """Close the call: CallFailed if it never answered, else CallHungUp (talk time settled);
        an operator's leg logs out; a supervisor's spy leg ending is no news beyond SpyStopped."""
        self.disconnect(now)
        self.ended_at = now
        was = self.phase
        self.phase = Phase.ENDED
        self.live = False
        if self.kind is Kind.SUPERVISOR:
            return None
        if self.kind is Kind.OPERATOR:
            return OperatorLoggedOut(
                self.call_id, now, self.operator or "", self.hung_up_by or HungUpBy.UNKNOWN
            )
        if was < Phase.ANSWERED:
            self.failed = self.failed or reason_if_failed
            return CallFailed(self.call_id, now, self.failed, self.cause, self.dial_status)
        by = self.hung_up_by or HungUpBy.UNKNOWN
        return CallHungUp(self.call_id, now, self.cause, self.cause_txt, by, self.talk_seconds)

    def fail(self, now: datetime, reason: FailReason) -> CallFact | None:
        self.failed = reason
        return self.end(now, reason)


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
