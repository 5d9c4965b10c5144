"""The acceptance act: 5 business days to sign or object, else deemed accepted; illegal moves refused.

Dates are on Russia's 2026 production calendar (4 November is a holiday).
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.acceptance import (
    ActState,
    Dispute,
    IllegalActTransition,
    Sign,
    Tick,
    act_issue_deadline,
    issue_act,
    transition,
)
from dialer.business_days import RUSSIA, WeekendCalendar, add_business_days
from dialer.errors import Conflict

ISSUED = date(2026, 11, 10)  # Tuesday
DEADLINE = date(2026, 11, 17)  # 11, 12, 13, 16, 17 November


def test_deadline_is_five_business_days_after_receipt():
    act = issue_act(ISSUED, RUSSIA)
    assert (act.state, act.deadline) == (ActState.ISSUED, DEADLINE)
    # Received the day before the 4 November holiday: 5, 6, 9, 10, 11 November.
    assert issue_act(date(2026, 11, 3), RUSSIA).deadline == date(2026, 11, 11)
    assert act_issue_deadline(date(2026, 11, 9)) == date(2026, 11, 14)  # calendar days after the report


def test_signed_within_the_deadline():
    act = transition(issue_act(ISSUED, RUSSIA), Sign(DEADLINE))
    assert (act.state, act.decided_on, act.final) == (ActState.SIGNED, DEADLINE, True)


def test_disputed_with_the_objection():
    act = transition(issue_act(ISSUED, RUSSIA), Dispute(date(2026, 11, 12), "  312 calls are not ours  "))
    assert (act.state, act.objection, act.decided_on) == (
        ActState.DISPUTED,
        "312 calls are not ours",
        date(2026, 11, 12),
    )


def test_deemed_accepted_the_day_after_the_deadline():
    act = issue_act(ISSUED, RUSSIA)
    assert transition(act, Tick(DEADLINE)) == act
    deemed = transition(act, Tick(date(2026, 11, 18)))
    assert (deemed.state, deemed.decided_on) == (ActState.DEEMED_ACCEPTED, date(2026, 11, 18))
    assert transition(deemed, Tick(date(2026, 12, 1))) == deemed


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (Sign(date(2026, 11, 18)), "stands as accepted since 2026-11-18"),
        (Dispute(date(2026, 11, 18), "late"), "cannot be disputed on 2026-11-18"),
        (Sign(date(2026, 11, 9)), "cannot be signed earlier"),
        (Dispute(date(2026, 11, 12), "   "), "needs its text"),
    ],
)
def test_illegal_events_on_an_issued_act(event, message):
    with pytest.raises(IllegalActTransition, match=message):
        transition(issue_act(ISSUED, RUSSIA), event)


@pytest.mark.parametrize(
    "first", [Sign(date(2026, 11, 11)), Dispute(date(2026, 11, 11), "no"), Tick(date(2026, 11, 30))]
)
@pytest.mark.parametrize("then", [Sign(date(2026, 11, 12)), Dispute(date(2026, 11, 12), "again")])
def test_final_states_take_no_more_decisions(first, then):
    act = transition(issue_act(ISSUED, RUSSIA), first)
    with pytest.raises(IllegalActTransition, match=f"already {act.state.value}"):
        transition(act, then)


def test_illegal_transition_is_a_domain_conflict():
    assert issubclass(IllegalActTransition, Conflict)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 20)), st.integers(0, 30))
def test_a_tick_decides_only_after_the_deadline(issued, days_later):
    act = issue_act(issued, RUSSIA)
    today = date.fromordinal(issued.toordinal() + days_later)
    after = transition(act, Tick(today))
    assert (after.state is ActState.DEEMED_ACCEPTED) == (today > act.deadline)
    assert act.deadline == add_business_days(issued, 5, RUSSIA)


def test_weekend_calendar_elsewhere():
    assert issue_act(date(2026, 11, 6), WeekendCalendar("KZ")).deadline == date(2026, 11, 13)
