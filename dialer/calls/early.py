"""A call's early facts: ringing, answered and the AMD verdict, which need not be durable on their own.

The engine may hold them in memory for a moment and hand them to the call's next durable write
(connected, abandoned, ended) so that they share its transaction (``dialer.engine.writer``); a crash
in between loses only what Asterisk's own record tells again at the next start
(``dialer.engine.settle``). Applied in the order given, each by its ``dialer.calls.lifecycle`` rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dialer.calls import lifecycle
from dialer.calls.models import Call


@dataclass(frozen=True, slots=True)
class Ringing:
    at: datetime


@dataclass(frozen=True, slots=True)
class Answered:
    at: datetime


@dataclass(frozen=True, slots=True)
class Amd:
    """The answering-machine verdict (``HUMAN``, ``MACHINE``, ``NOTSURE``…) and its cause."""

    status: str
    cause: str
    at: datetime


EarlyFact = Ringing | Answered | Amd


def apply(call: Call, facts: Iterable[EarlyFact]) -> None:
    """Each fact on the call's row, in order (order-proof and idempotent like every lifecycle rule)."""
    for fact in facts:
        if isinstance(fact, Ringing):
            lifecycle.on_ringing(call, fact.at)
        elif isinstance(fact, Answered):
            lifecycle.on_answered(call, fact.at)
        else:
            lifecycle.on_amd(call, fact.status, fact.cause, fact.at)
