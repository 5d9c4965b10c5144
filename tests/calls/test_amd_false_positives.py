"""AMD false positives as abandon facts: a call AMD classed as a machine that a person reviewed as
human is answered by a person and abandoned where the profile counts them (UK), and nothing at all
elsewhere (US); a review of anything else changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.calls.abandons import fact_of, is_amd_false_positive, tally
from dialer.calls.models import CallOutcome
from dialer.compliance import get_profile

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
AT = NOW - timedelta(hours=1)


def test_only_a_machine_reviewed_as_human_is_a_false_positive() -> None:
    assert is_amd_false_positive("MACHINE", "human")
    assert is_amd_false_positive("machine", "human")
    assert not is_amd_false_positive("MACHINE", "machine")
    assert not is_amd_false_positive("MACHINE", None)
    assert not is_amd_false_positive("HUMAN", "human")
    assert not is_amd_false_positive("NOTSURE", "human")
    assert not is_amd_false_positive(None, "human")


def test_the_fact_of_a_reviewed_machine_call() -> None:
    fact = fact_of(AT, None, None, CallOutcome.MACHINE, "MACHINE", "human")
    assert fact.amd_false_positive and not fact.answered_by_person
    plain = fact_of(AT, None, None, CallOutcome.MACHINE, "MACHINE", None)
    assert not plain.amd_false_positive
    # a call put through to an operator is already a person answered: never counted twice
    connected = fact_of(AT, AT, None, CallOutcome.HUMAN_CONNECTED, "MACHINE", "human")
    assert connected.answered_by_person and not connected.amd_false_positive


def test_uk_counts_false_positives_as_abandons_and_us_does_not() -> None:
    facts = [
        fact_of(AT, AT, None, CallOutcome.HUMAN_CONNECTED),
        fact_of(AT, AT, None, CallOutcome.HUMAN_CONNECTED),
        fact_of(AT, None, None, CallOutcome.MACHINE, "MACHINE", "human"),
        fact_of(AT, None, None, CallOutcome.MACHINE, "MACHINE", "machine"),
    ]
    uk = tally(facts, get_profile("uk"), NOW)
    us = tally(facts, get_profile("us"), NOW)
    assert (uk.answered, uk.abandoned) == (3, 1)
    assert (us.answered, us.abandoned) == (2, 0)


def test_a_false_positive_outside_the_window_is_forgotten() -> None:
    old = NOW - timedelta(hours=25)  # the UK window is 24 hours
    facts = [fact_of(old, None, None, CallOutcome.MACHINE, "MACHINE", "human")]
    assert tally(facts, get_profile("uk"), NOW).abandoned == 0
