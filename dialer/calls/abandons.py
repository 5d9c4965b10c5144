"""A campaign's abandon rate over its profile's window, counted from its call records.

A call counts as answered by a person when it reached an operator, was marked abandoned, or ended
as ``human_connected``/``abandoned``; it counts as abandoned when the engine marked it so
(``abandoned_at``) or its outcome says so. A call AMD classed as a machine that a person reviewed as
human (``amd_review``) is an AMD false positive: answered by a person and abandoned, where the
profile counts them (UK). The rule itself is ``dialer.compliance.abandon_tally``;
this module only turns call rows into its facts (the fact's time is when the call was answered).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, CallOutcome
from dialer.compliance import AbandonFact, AbandonTally, ComplianceProfile, abandon_tally

PERSON_OUTCOMES = frozenset({CallOutcome.HUMAN_CONNECTED, CallOutcome.ABANDONED, CallOutcome.SURVEYED})
MACHINE = "MACHINE"
HUMAN_REVIEW = "human"


def fact_of(
    answered_at: datetime | None,
    connected_at: datetime | None,
    abandoned_at: datetime | None,
    outcome: CallOutcome | None,
    amd_status: str | None = None,
    amd_review: str | None = None,
) -> AbandonFact:
    if answered_at is None:
        raise ValueError("only an answered call is an abandon fact")
    abandoned = abandoned_at is not None or outcome is CallOutcome.ABANDONED
    person = abandoned or connected_at is not None or outcome in PERSON_OUTCOMES
    false_positive = is_amd_false_positive(amd_status, amd_review) and not person
    return AbandonFact(
        at=answered_at, answered_by_person=person, abandoned=abandoned, amd_false_positive=false_positive
    )


def is_amd_false_positive(amd_status: str | None, amd_review: str | None) -> bool:
    """AMD said machine, a person who listened said human."""
    return (amd_status or "").upper() == MACHINE and amd_review == HUMAN_REVIEW


async def campaign_abandon_tally(
    session: AsyncSession, campaign_id: int, profile: ComplianceProfile, now: datetime
) -> AbandonTally:
    """Answered-by-a-person and abandoned calls of the campaign in ``(now - window, now]``."""
    since = now - profile.abandon_window
    query = select(
        Call.answered_at,
        Call.connected_at,
        Call.abandoned_at,
        Call.outcome,
        Call.amd_status,
        Call.amd_review,
    ).where(Call.campaign_id == campaign_id, Call.answered_at > since, Call.answered_at <= now)
    rows = await session.stream(query.execution_options(yield_per=10_000))
    facts = [fact_of(*row) async for row in rows]
    return tally(facts, profile, now)


def tally(facts: Iterable[AbandonFact], profile: ComplianceProfile, now: datetime) -> AbandonTally:
    return abandon_tally(
        facts,
        now,
        profile.abandon_window,
        count_amd_false_positives=profile.amd_false_positives_are_abandons,
    )
