"""The facts the tracker tells the engine, and the listener interface the engine implements.

Facts are what the domain understands (a call was answered, failed because the line was busy, was
put through to operator 1001...), never AMI's vocabulary. Each fact is emitted at most once per
call; every fact carries an aware UTC time.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class FailReason(enum.StrEnum):
    """Why an originated call never reached the customer."""

    BUSY = "busy"
    NO_ANSWER = "no_answer"
    CONGESTION = "congestion"
    UNREACHABLE = "unreachable"  # the subscriber or the destination cannot be reached now
    INVALID_NUMBER = "invalid_number"  # the number does not exist: unallocated, no route, bad format
    REJECTED = "rejected"
    CHANNEL_UNAVAILABLE = "channel_unavailable"  # no channel could be made (bad trunk or endpoint)
    PBX_RESTART = "pbx_restart"
    UNKNOWN = "unknown"


class HungUpBy(enum.StrEnum):
    """Who ended the call first."""

    CUSTOMER = "customer"
    OPERATOR = "operator"
    AGI = "agi"
    DIALPLAN = "dialplan"
    PRODUCT = "product"  # an AMI Hangup action sent by the product
    PBX_RESTART = "pbx_restart"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CallFact:
    call_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CallCreated(CallFact):
    channel: str | None


@dataclass(frozen=True, slots=True)
class CallRinging(CallFact):
    pass


@dataclass(frozen=True, slots=True)
class CallAnswered(CallFact):
    pass


@dataclass(frozen=True, slots=True)
class CallFailed(CallFact):
    reason: FailReason
    cause: int | None  # Q.850 cause of the Hangup, when there was a channel
    dial_status: str | None


@dataclass(frozen=True, slots=True)
class AmdVerdict(CallFact):
    status: str  # HUMAN, MACHINE, NOTSURE, HANGUP
    cause: str  # e.g. INITIALSILENCE-2500-2500
    seconds_after_answer: float | None


@dataclass(frozen=True, slots=True)
class CallConnected(CallFact):
    operator: str


@dataclass(frozen=True, slots=True)
class CallTransferred(CallFact):
    from_operator: str
    to_operator: str


@dataclass(frozen=True, slots=True)
class CallHungUp(CallFact):
    cause: int | None
    cause_txt: str
    hung_up_by: HungUpBy
    talk_seconds: float


@dataclass(frozen=True, slots=True)
class OperatorReady(CallFact):
    """An operator's nailed-up leg (``call_id`` is its session id) sits in its own bridge."""

    operator: str
    conference: str


@dataclass(frozen=True, slots=True)
class OperatorLoggedOut(CallFact):
    operator: str
    reason: HungUpBy


@dataclass(frozen=True, slots=True)
class OperatorRingNoAnswer(CallFact):
    """A queue rang this operator for the call and the operator did not answer."""

    operator: str


@dataclass(frozen=True, slots=True)
class SpyStarted(CallFact):
    """A supervisor's leg (``call_id`` is its session id) listens to, whispers to or barges into an
    operator's channel (the mode is not in AMI's events, only in the dialplan the product chose)."""

    supervisor: str
    operator: str


@dataclass(frozen=True, slots=True)
class SpyStopped(CallFact):
    supervisor: str
    operator: str


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    """An operator softphone's registration as Asterisk sees it: reachable, unreachable, removed."""

    endpoint: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class EndpointsListed:
    """The softphones' registrations as Asterisk lists them at a (re)connect: each registered
    endpoint's status (reachable or unreachable); an endpoint not in ``statuses`` is not registered."""

    statuses: Mapping[str, str]
    at: datetime


@dataclass(frozen=True, slots=True)
class PbxRestarted:
    at: datetime


Fact = CallFact | EndpointStatus | EndpointsListed | PbxRestarted


class FactListener(Protocol):
    """What the engine implements to hear the tracker. Called synchronously, in event order."""

    def on_fact(self, fact: Fact) -> None: ...
