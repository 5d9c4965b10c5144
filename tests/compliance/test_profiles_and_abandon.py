"""Compliance profiles by name, and the abandon rate over each profile's rolling window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.compliance import PROFILES, AbandonFact, abandon_rate, abandon_tally, custom_profile, get_profile
from dialer.compliance.profiles import ComplianceProfile

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)


def test_the_registry_holds_the_us_uk_russian_and_custom_profiles() -> None:
    assert set(PROFILES) == {"us", "uk", "ru", "custom"}
    assert get_profile("US") is PROFILES["us"]
    with pytest.raises(KeyError, match="known: us"):
        get_profile("mars")


def test_the_us_profile() -> None:
    us = get_profile("us")
    assert (us.abandon_cap, us.abandon_window) == (0.03, timedelta(days=30))
    assert (us.connect_limit_s, us.min_ring_s, us.identification_message) == (2.0, 15.0, True)
    assert not us.amd_false_positives_are_abandons


def test_the_uk_profile_counts_amd_false_positives_and_keeps_abandoned_numbers_quiet() -> None:
    uk = get_profile("uk")
    assert uk.abandon_window == timedelta(hours=24)
    assert uk.amd_false_positives_are_abandons
    assert uk.redial_quiet() == timedelta(hours=72)
    assert uk.redial_quiet(operator_reserved=True) == timedelta(0)


def test_the_russian_profile_needs_consent_for_advertising_and_a_ready_operator() -> None:
    ru = get_profile("ru")
    assert not ru.dial_ahead
    assert not ru.may_dial(advertising=True, consent=False)
    assert ru.may_dial(advertising=True, consent=True)
    assert ru.may_dial(advertising=False, consent=False)
    assert get_profile("us").may_dial(advertising=True, consent=False)


def test_a_custom_profile_changes_some_fields_and_is_validated() -> None:
    mine = custom_profile(name="client-x", abandon_cap=0.02, abandon_window=timedelta(days=7))
    assert (mine.name, mine.abandon_cap, mine.min_ring_s) == ("client-x", 0.02, 15.0)
    assert PROFILES.with_profile(mine)["client-x"] is mine
    with pytest.raises(ValueError):
        custom_profile(abandon_cap=1.5)
    with pytest.raises(ValueError):
        ComplianceProfile(name="bad", abandon_window=timedelta(0))


def test_the_abandon_rate_counts_only_facts_inside_the_window() -> None:
    facts = [
        (NOW - timedelta(hours=25), True, True),  # outside 24 h
        (NOW - timedelta(hours=23), True, True),
        (NOW - timedelta(hours=1), True, False),
        (NOW - timedelta(minutes=5), False, False),  # machine: not a person
        (NOW + timedelta(minutes=1), True, True),  # not yet
    ]
    tally = abandon_tally(facts, NOW, timedelta(hours=24))
    assert (tally.answered, tally.abandoned) == (2, 1)
    assert abandon_rate(facts, NOW, timedelta(days=30)) == pytest.approx(2 / 3)


def test_amd_false_positives_count_where_the_profile_says_so() -> None:
    facts = [AbandonFact(NOW - timedelta(minutes=m), True, False) for m in range(1, 10)]
    facts.append(AbandonFact(NOW, False, False, amd_false_positive=True))
    assert abandon_tally(facts, NOW, timedelta(hours=24)).abandoned == 0
    counted = abandon_tally(facts, NOW, timedelta(hours=24), count_amd_false_positives=True)
    assert (counted.answered, counted.abandoned) == (10, 1)


def test_no_answer_means_a_zero_rate_and_naive_times_are_refused() -> None:
    assert abandon_rate([], NOW, timedelta(days=1)) == 0.0
    with pytest.raises(ValueError):
        abandon_rate([], datetime(2026, 6, 17), timedelta(days=1))


@given(
    st.lists(st.tuples(st.integers(-100_000, 100_000), st.booleans(), st.booleans()), max_size=60),
    st.integers(1, 200_000),
)
def test_the_rate_is_a_fraction_of_the_person_answered_calls_in_the_window(
    raw: list[tuple[int, bool, bool]], window_s: int
) -> None:
    facts = [(NOW + timedelta(seconds=s), person, person and gone) for s, person, gone in raw]
    tally = abandon_tally(facts, NOW, timedelta(seconds=window_s))
    inside = [f for f in facts if NOW - timedelta(seconds=window_s) < f[0] <= NOW]
    assert tally.answered == sum(1 for f in inside if f[1])
    assert tally.abandoned == sum(1 for f in inside if f[2])
    assert 0.0 <= tally.rate <= 1.0
