"""Is a running campaign exhausted? A pure decision from where its contacts stand.

Every contact has one *fate* as far as dialing goes. A campaign is exhausted — nothing it could
ever dial again — when every contact is final: done, on a do-not-call list, a number that does not
exist, out of attempts, or barred for want of consent; none is new, waiting for a retry or a
callback, or held (leased for a call, a preview or a disposition); and no call of it is live and no
preview dial is pending. A campaign with no contact at all is not exhausted: its base may not be
loaded yet.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Fate(enum.StrEnum):
    """Where a contact stands for dialing; the first five are final."""

    DONE = "done"
    DO_NOT_CALL = "do_not_call"
    INVALID_NUMBER = "invalid_number"
    OUT_OF_ATTEMPTS = "out_of_attempts"
    NO_CONSENT = "no_consent"
    NEW = "new"
    RETRY = "retry"
    CALLBACK = "callback"
    HELD = "held"


FINAL = frozenset({Fate.DONE, Fate.DO_NOT_CALL, Fate.INVALID_NUMBER, Fate.OUT_OF_ATTEMPTS, Fate.NO_CONSENT})


@dataclass(frozen=True, slots=True)
class Verdict:
    exhausted: bool
    reason: str


def exhaustion(fates: Mapping[Fate, int], *, live_calls: int = 0, pending_previews: int = 0) -> Verdict:
    """Exhausted or not, and why (the counts that decided it, for the log)."""
    counts = {fate: n for fate, n in fates.items() if n > 0}
    if live_calls > 0:
        return Verdict(False, f"{live_calls} call(s) still live")
    if pending_previews > 0:
        return Verdict(False, f"{pending_previews} preview dial(s) pending")
    open_ = {fate: n for fate, n in counts.items() if fate not in FINAL}
    if open_:
        return Verdict(False, "contacts still to dial: " + _listed(open_))
    if not counts:
        return Verdict(False, "no contacts")
    return Verdict(True, "every contact is final: " + _listed(counts))


def _listed(counts: Mapping[Fate, int]) -> str:
    return ", ".join(f"{counts[fate]} {fate.value.replace('_', ' ')}" for fate in Fate if fate in counts)
