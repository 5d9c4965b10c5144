"""One call's bill against Asterisk's record of it, and the tally of a month of such comparisons.

Both sides are measured by the same rule, ``dialer.billing.talk_time.call_talk_seconds`` (whole seconds, a
started second counting): the product's from its connection to the hangup, the record's from the
customer channel's first entry into a bridge (put through to an operator) to its hangup. A call
agrees with the record when both say it was put through or both say it was not, and the seconds
are equal. Pure: no database, no files.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from ami.cel import CelCall
from dialer.billing.talk_time import PER_SECOND, TalkRounding, billable_seconds, call_talk_seconds


class Reason(enum.StrEnum):
    """Why a call's bill and the record disagree."""

    MISSING = "missing_from_record"  # no line of the call's channel in the record
    NOT_ENDED = "no_hangup_in_record"  # the record shows the channel but not its hangup
    BRIDGED_NOT_CONNECTED = "bridged_not_connected"  # the record puts it through, the product does not
    CONNECTED_NOT_BRIDGED = "connected_not_bridged"  # the product bills talk, the record has no bridge
    SECONDS = "seconds_differ"  # both put it through, for different whole seconds


@dataclass(frozen=True, slots=True)
class BilledCall:
    """A call as the product bills it: ``seconds`` of talk (its stored ``billable_seconds``)."""

    call_id: int
    call_uid: str
    connected: bool
    seconds: int


@dataclass(frozen=True, slots=True)
class Difference:
    """A call whose bill the record does not confirm; ``record_seconds`` None: the record cannot say."""

    call_id: int
    call_uid: str
    product_seconds: int
    record_seconds: int | None
    reason: Reason

    @property
    def difference(self) -> int | None:
        """Record minus product (positive: the product billed less than Asterisk recorded)."""
        return None if self.record_seconds is None else self.record_seconds - self.product_seconds


def record_seconds(record: CelCall) -> int:
    """The record's talk: bridge entry to hangup of the customer channel, by the product's rule."""
    return call_talk_seconds(record.bridged_at, record.ended_at) or 0


def compare(call: BilledCall, record: CelCall | None) -> Difference | None:
    """None if the record confirms the call's bill, else how it does not."""

    def differs(seconds: int | None, reason: Reason) -> Difference:
        return Difference(call.call_id, call.call_uid, call.seconds, seconds, reason)

    if record is None:
        return differs(None, Reason.MISSING)
    bridged = record.bridged_at is not None
    if bridged and not record.ended:
        return differs(None, Reason.NOT_ENDED)
    seconds = record_seconds(record)
    if bridged and not call.connected:
        return differs(seconds, Reason.BRIDGED_NOT_CONNECTED)
    if call.connected and not bridged:
        return differs(0, Reason.CONNECTED_NOT_BRIDGED)
    if seconds != call.seconds:
        return differs(seconds, Reason.SECONDS)
    return None


@dataclass(slots=True)
class CheckTally:
    """A month's comparisons folded one call at a time (memory: the differing calls only).

    ``*_seconds`` are talk seconds summed over the calls; ``*_billable`` the same after the
    contract's per-call rounding (``rounding``), i.e. what each side would bill. The record's sums
    cover the calls found in it.
    """

    rounding: TalkRounding = PER_SECOND
    matched: int = 0
    differing: int = 0
    missing: int = 0
    product_seconds: int = 0
    record_seconds: int = 0
    product_billable: int = 0
    record_billable: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return self.matched + self.differing + self.missing

    @property
    def agrees(self) -> bool:
        """Every call confirmed by the record."""
        return self.differing == 0 and self.missing == 0

    def add(self, call: BilledCall, record: CelCall | None) -> Difference | None:
        self.product_seconds += call.seconds
        self.product_billable += billable_seconds(call.seconds, self.rounding)
        if record is not None and (record.bridged_at is None or record.ended):
            seconds = record_seconds(record)
            self.record_seconds += seconds
            self.record_billable += billable_seconds(seconds, self.rounding)
        found = compare(call, record)
        if found is None:
            self.matched += 1
            return None
        if found.reason is Reason.MISSING:
            self.missing += 1
        else:
            self.differing += 1
        self.differences.append(found)
        return found


def check(
    calls: Iterable[tuple[BilledCall, CelCall | None]], rounding: TalkRounding = PER_SECOND
) -> CheckTally:
    """The tally of ``(call, its record or None)`` pairs."""
    tally = CheckTally(rounding)
    for call, record in calls:
        tally.add(call, record)
    return tally
