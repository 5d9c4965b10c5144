"""The abandon rate over a rolling window: abandoned / answered by a person, from call facts.

A fact is one call's result as the abandon rule sees it. ``amd_false_positive`` marks a call the
answering-machine detector took for a machine that the operator later marked as a person; where the
profile says so (UK), such a call counts as answered by a person and abandoned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class AbandonFact:
    """One call: when it was answered (UTC, aware), by a person or not, abandoned or put through."""

    at: datetime
    answered_by_person: bool
    abandoned: bool
    amd_false_positive: bool = False


@dataclass(frozen=True, slots=True)
class AbandonTally:
    """Counts over a window and their rate."""

    answered: int
    abandoned: int

    @property
    def rate(self) -> float:
        """Abandoned / answered by a person; 0 with no answer."""
        return self.abandoned / self.answered if self.answered else 0.0


def abandon_tally(
    facts: Iterable[AbandonFact | tuple[datetime, bool, bool]],
    now: datetime,
    window: timedelta,
    *,
    count_amd_false_positives: bool = False,
) -> AbandonTally:
    """Tally the facts in ``(now - window, now]``; plain ``(time, answered, abandoned)`` tuples work."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime refused: pass a timezone-aware (UTC) time")
    since = now - window
    answered = abandoned = 0
    for item in facts:
        fact = item if isinstance(item, AbandonFact) else AbandonFact(*item)
        if fact.at.tzinfo is None:
            raise ValueError("naive datetime refused in a fact")
        if not since < fact.at <= now:
            continue
        if fact.amd_false_positive:
            if count_amd_false_positives:
                answered += 1
                abandoned += 1
            continue
        if fact.answered_by_person:
            answered += 1
            abandoned += fact.abandoned
    return AbandonTally(answered, abandoned)


def abandon_rate(
    facts: Iterable[AbandonFact | tuple[datetime, bool, bool]],
    now: datetime,
    window: timedelta,
    *,
    count_amd_false_positives: bool = False,
) -> float:
    """Abandoned / answered by a person over ``(now - window, now]``."""
    return abandon_tally(facts, now, window, count_amd_false_positives=count_amd_false_positives).rate
