"""A number that does not exist ends its contact as invalid on the first call: never dialed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ami.facts import FailReason
from dialer.calls.after_call import after_call
from dialer.calls.models import CallOutcome
from dialer.campaigns.exhaustion import Fate, exhaustion
from dialer.campaigns.models import Campaign
from dialer.compliance import get_profile
from dialer.contacts.models import ContactStatus
from dialer.engine.autofinish import contact_fates, finish_if_exhausted
from dialer.engine.outcomes import failed_outcome
from tests.calls.conftest import NOW
from tests.calls.test_call_records import contact_of, end, place
from tests.calls.test_leasing import lease

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_the_tracker_s_invalid_number_is_the_call_s_outcome() -> None:
    assert failed_outcome(FailReason.INVALID_NUMBER) is CallOutcome.INVALID_NUMBER
    assert failed_outcome(FailReason.UNREACHABLE) is CallOutcome.UNREACHABLE


def test_an_invalid_number_is_final_whatever_attempts_are_left() -> None:
    for attempts, max_attempts in ((1, 5), (1, 1), (4, 5)):
        move = after_call(
            CallOutcome.INVALID_NUMBER,
            attempts=attempts,
            max_attempts=max_attempts,
            retry_delays={"failed": 60, "unreachable": 60},
            at=T0,
        )
        assert (move.status, move.next_attempt_at, move.attempts_back) == (ContactStatus.INVALID, None, 0)
        assert not move.wait_for_disposition


def test_an_unreachable_number_is_still_retried() -> None:
    move = after_call(CallOutcome.UNREACHABLE, attempts=1, max_attempts=5, retry_delays={}, at=T0)
    assert move.status is ContactStatus.SCHEDULED and move.next_attempt_at is not None


def test_invalid_numbers_are_final_for_the_campaign_s_end() -> None:
    verdict = exhaustion({Fate.DONE: 3, Fate.INVALID_NUMBER: 2})
    assert verdict.exhausted and verdict.reason == "every contact is final: 3 done, 2 invalid number"


async def test_the_call_ends_the_contact_invalid_and_it_is_never_leased_again(
    sessions, world, add_contacts
) -> None:
    (contact_id,) = await add_contacts(world.campaign_id)
    await place(sessions, world, contact_id, "c-1")
    call = await end(sessions, "c-1", CallOutcome.INVALID_NUMBER, NOW + timedelta(seconds=1))
    assert call.outcome is CallOutcome.INVALID_NUMBER
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.attempts, contact.next_attempt_at, contact.lease_owner) == (
        ContactStatus.INVALID,
        1,
        None,
        None,
    )
    assert contact.last_outcome == "invalid_number"
    assert await lease(sessions, world.campaign_id, now=NOW + timedelta(days=30)) == []


async def test_a_campaign_of_done_and_invalid_contacts_finishes(sessions, world, add_contacts) -> None:
    c = world.campaign_id
    await add_contacts(c, 2, status=ContactStatus.DONE)
    await add_contacts(c, 3, status=ContactStatus.INVALID, attempts=1)
    profile = get_profile("us")
    async with sessions() as session:
        campaign = await session.get(Campaign, c)
        assert await contact_fates(session, campaign, profile) == {Fate.DONE: 2, Fate.INVALID_NUMBER: 3}
    async with sessions.begin() as session:
        verdict = await finish_if_exhausted(session, c, profile, NOW)
    assert verdict is not None and verdict.exhausted
