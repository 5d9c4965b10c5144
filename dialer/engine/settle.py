"""A call that ended while nobody watched (the engine down, or its AMI connection), settled from
Asterisk's own record (``ami.cel``: the CEL lines Asterisk writes whatever the product does). Pure.

With the record's hangup:
- never answered: the failure its Q.850 cause names (19, rang out: ``no_answer``), ended when
  Asterisk hung it up;
- the dialplan's fallback played the abandon message (FastAGI refused: the engine was down):
  ``abandoned`` with the fallback's AMD verdict (``machine`` when AMD said MACHINE), abandoned when
  the message began;
- put through: ``human_connected``, its talk the record's time from entering the bridge to the
  hangup, counted from the moment the product saw the connection; put through while nobody watched,
  to the operator whose softphone the record shows in the bridge (``operator_endpoint``), connected
  when it entered the bridge;
- otherwise the verdict the live engine would give (``dialer.engine.outcomes.answered_outcome``)
  with the side the record's hangup source names.

Without it (no record, or no hangup in it), only what is proven is kept: the call ends at the last
moment it was seen alive (never the moment the product learnt it was gone), and is flagged for
review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ami.causes import fail_reason
from ami.cel import CelCall
from ami.facts import FailReason, HungUpBy
from ami.naming import endpoint_of
from dialer.calls.models import CallOutcome, HangupSide
from dialer.engine.outcomes import answered_outcome, failed_outcome, hangup_side

MACHINE = "MACHINE"
NO_RECORD = "no PBX record of its end: billed up to the last moment it was seen alive"
NO_HANGUP = "the PBX record shows no hangup: billed up to the last moment it was seen alive"
NO_OPERATOR = "put through per the PBX record, to an operator the product did not see"
NO_OPERATOR_OF_ENDPOINT = "put through per the PBX record, to softphone {} that is no operator's"


@dataclass(frozen=True, slots=True)
class Known:
    """What the product knew of the call when it was lost."""

    placed_at: datetime
    answered_at: datetime | None = None
    human_at: datetime | None = None  # the moment it was known to be a person waiting
    connected_at: datetime | None = None
    amd_status: str | None = None
    abandoned: bool = False
    surveyed: bool = False
    seen_alive_at: datetime | None = None
    connect_limit_s: float = 2.0


@dataclass(frozen=True, slots=True)
class Settled:
    outcome: CallOutcome
    cause: int | None
    side: HangupSide | None
    ended_at: datetime
    answered_at: datetime | None = None  # an answer the product had not seen
    amd: tuple[str, str] | None = None  # an AMD verdict the product had not seen
    abandoned_at: datetime | None = None  # the abandon message began
    review: str | None = None  # why a person should look at this call (None: the record settled it)
    operator_endpoint: str | None = None  # put through while nobody watched: to this softphone
    connected_at: datetime | None = None  # ... at this moment (the record's entry into the bridge)

    @property
    def person(self) -> bool:
        return self.outcome in (CallOutcome.HUMAN_CONNECTED, CallOutcome.ABANDONED, CallOutcome.SURVEYED)


def settle(known: Known, record: CelCall | None, *, pbx_restarted: bool = False) -> Settled:
    if record is None or record.ended_at is None:
        return _proven(known, NO_RECORD if record is None else NO_HANGUP, pbx_restarted)
    ended = record.ended_at
    answered = known.answered_at or known.connected_at or record.answered_at or record.fallback_at
    if answered is None:
        reason = fail_reason(record.cause, None)
        if reason is FailReason.UNKNOWN and pbx_restarted:
            reason = FailReason.PBX_RESTART
        side = HangupSide.PBX if reason is FailReason.PBX_RESTART else None
        return Settled(failed_outcome(reason), record.cause, side, ended)
    new_answer = record.answered_at if known.answered_at is None and known.connected_at is None else None
    if record.fallback_at is not None and known.connected_at is None:
        amd = record.fallback_amd
        if amd is not None and amd[0] == MACHINE:
            return Settled(CallOutcome.MACHINE, record.cause, HangupSide.SYSTEM, ended, new_answer, amd)
        return Settled(
            CallOutcome.ABANDONED,
            record.cause,
            HangupSide.SYSTEM,
            ended,
            new_answer,
            amd,
            abandoned_at=record.fallback_at,
        )
    by = _by(record, pbx_restarted)
    if known.connected_at is not None:
        if record.bridged_at is not None:
            ended = known.connected_at + max(timedelta(0), record.ended_at - record.bridged_at)
        return Settled(CallOutcome.HUMAN_CONNECTED, record.cause, hangup_side(by), ended, new_answer)
    if record.bridged_at is not None:
        endpoint = endpoint_of(record.bridged_with)
        return Settled(
            CallOutcome.HUMAN_CONNECTED,
            record.cause,
            hangup_side(by),
            ended,
            new_answer,
            review=None if endpoint else NO_OPERATOR,
            operator_endpoint=endpoint,
            connected_at=record.bridged_at if endpoint else None,
        )
    waited = (ended - known.human_at).total_seconds() if known.human_at is not None else None
    outcome = answered_outcome(
        connected=False,
        abandoned=known.abandoned,
        amd_status=known.amd_status,
        by=by,
        waited_s=waited,
        connect_limit_s=known.connect_limit_s,
        surveyed=known.surveyed,
    )
    abandoned_at = ended if outcome is CallOutcome.ABANDONED and not known.abandoned else None
    return Settled(outcome, record.cause, hangup_side(by), ended, new_answer, abandoned_at=abandoned_at)


def _by(record: CelCall, pbx_restarted: bool) -> HungUpBy:
    """Who ended the call, from the record's hangup source."""
    if record.hung_up_by_far_end:
        return HungUpBy.CUSTOMER
    if record.hangup_source.startswith("dialplan/"):
        return HungUpBy.DIALPLAN
    if record.hangup_source:  # another channel: the operator's side of the bridge
        return HungUpBy.OPERATOR
    return HungUpBy.PBX_RESTART if pbx_restarted else HungUpBy.UNKNOWN


def _proven(known: Known, review: str, pbx_restarted: bool) -> Settled:
    """No record of the end: the last moment the call was seen alive, and a review flag."""
    seen = [t for t in (known.placed_at, known.answered_at, known.connected_at, known.seen_alive_at) if t]
    ended = max(seen)
    by = HungUpBy.PBX_RESTART if pbx_restarted else HungUpBy.UNKNOWN
    if known.answered_at is None and known.connected_at is None:
        reason = FailReason.PBX_RESTART if pbx_restarted else FailReason.UNKNOWN
        side = HangupSide.PBX if pbx_restarted else None
        return Settled(failed_outcome(reason), None, side, ended, review=review)
    outcome = answered_outcome(
        connected=known.connected_at is not None,
        abandoned=known.abandoned,
        amd_status=known.amd_status,
        by=by,
        surveyed=known.surveyed,
    )
    return Settled(outcome, None, hangup_side(by), ended, review=review)
