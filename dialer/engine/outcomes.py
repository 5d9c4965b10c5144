"""A call's verdict at hangup, from what the tracker saw and what the engine decided (pure).

- a call that never reached a person fails for the tracker's reason (busy, no answer, unreachable,
  a number that does not exist...);
  a reason the tracker could not name (the call vanished while the engine or AMI was away) is
  ``failed``, or ``pbx_restart`` when Asterisk restarted;
- an answered call is ``human_connected`` once it reached an operator; else ``abandoned`` when the
  engine sent it to the abandon message, or when the person waited longer than the connect limit
  and reached nobody (a rung operator who did not answer); else ``surveyed`` once the IVR survey
  began (its answers complete or partial); else ``machine`` on a machine verdict;
  else, ended by an Asterisk restart, ``pbx_restart``; else (the person hung up before the verdict
  or while being put through) ``no_answer``, retried like one.
"""

from __future__ import annotations

from ami.facts import FailReason, HungUpBy
from dialer.calls.models import CallOutcome, HangupSide

_FAILED: dict[FailReason, CallOutcome] = {
    FailReason.BUSY: CallOutcome.BUSY,
    FailReason.NO_ANSWER: CallOutcome.NO_ANSWER,
    FailReason.CONGESTION: CallOutcome.CONGESTION,
    FailReason.UNREACHABLE: CallOutcome.UNREACHABLE,
    FailReason.INVALID_NUMBER: CallOutcome.INVALID_NUMBER,
    FailReason.REJECTED: CallOutcome.REJECTED,
    FailReason.CHANNEL_UNAVAILABLE: CallOutcome.CHANNEL_UNAVAILABLE,
    FailReason.PBX_RESTART: CallOutcome.PBX_RESTART,
    FailReason.UNKNOWN: CallOutcome.FAILED,
}

_SIDE: dict[HungUpBy, HangupSide] = {
    HungUpBy.CUSTOMER: HangupSide.CUSTOMER,
    HungUpBy.OPERATOR: HangupSide.OPERATOR,
    HungUpBy.AGI: HangupSide.SYSTEM,
    HungUpBy.DIALPLAN: HangupSide.SYSTEM,
    HungUpBy.PRODUCT: HangupSide.SYSTEM,
    HungUpBy.PBX_RESTART: HangupSide.PBX,
}


def failed_outcome(reason: FailReason) -> CallOutcome:
    return _FAILED[reason]


def hangup_side(by: HungUpBy) -> HangupSide | None:
    """Who ended the call, in the record's words (None when nobody knows: a call lost while away)."""
    return _SIDE.get(by)


def answered_outcome(
    *,
    connected: bool,
    abandoned: bool,
    amd_status: str | None,
    by: HungUpBy,
    waited_s: float | None = None,
    connect_limit_s: float = 2.0,
    surveyed: bool = False,
) -> CallOutcome:
    """``waited_s``: how long the person waited for an operator after the verdict (None: not a person
    known to be waiting); longer than the connect limit without an operator is an abandon."""
    if connected:
        return CallOutcome.HUMAN_CONNECTED
    if abandoned:
        return CallOutcome.ABANDONED
    if (
        waited_s is not None
        and waited_s > connect_limit_s
        and by not in (HungUpBy.UNKNOWN, HungUpBy.PBX_RESTART)
    ):
        return CallOutcome.ABANDONED
    if surveyed:
        return CallOutcome.SURVEYED
    if amd_status == "MACHINE":
        return CallOutcome.MACHINE
    if by is HungUpBy.PBX_RESTART:
        return CallOutcome.PBX_RESTART
    if by is HungUpBy.UNKNOWN:
        return CallOutcome.FAILED
    return CallOutcome.NO_ANSWER


def answered_by_person(outcome: CallOutcome) -> bool:
    """Does this end count as a person answering (pacing's answer rate, the abandon tally)?"""
    return outcome in (CallOutcome.HUMAN_CONNECTED, CallOutcome.ABANDONED, CallOutcome.SURVEYED)
