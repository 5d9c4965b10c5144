"""Numbers that do not exist, against the simulator answering as Asterisk does: each is dialed once,
ends ``invalid_number`` with Asterisk's cause, and its contact is invalid; a number that exists but
cannot be reached is still retried."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from dialer.calls.models import Call, CallOutcome
from dialer.campaigns.models import Campaign, CampaignState
from dialer.contacts.models import ContactStatus
from dialer.dialing_modes import DialMode
from pbxsim import CustomerScript, Scenario
from tests.e2e.harness import Stack, calls_and_contacts, running_stack

# phone -> (the far end's SIP answer, the Hangup cause Asterisk reports)
INVALID = {
    "+79165550001": (404, 1),  # unallocated (the b3 capture)
    "+79165550002": (484, 28),  # address incomplete: invalid number format
    "+79165550003": (420, 3),  # bad extension: no route to destination
    "+79165550004": (604, 1),  # does not exist anywhere
}
UNREACHABLE = "+79165550009"  # 502 Bad Gateway, cause 27: exists, retried


async def finished(stack: Stack) -> None:
    async with asyncio.timeout(90):
        for _ in range(1_000_000):  # polled: the API and the engine share only the database
            async with stack.sessions() as session:
                campaign = await session.get(Campaign, stack.demo.campaign_id)
                assert campaign is not None
                if campaign.state is CampaignState.FINISHED:
                    return
            await asyncio.sleep(0.3)


async def test_a_number_that_does_not_exist_is_dialed_once_and_ends_invalid(
    database_url, sessions, tmp_path
) -> None:
    scenario = Scenario(seed=3)
    for phone, (sip, _) in INVALID.items():
        scenario.customers[phone.lstrip("+")] = CustomerScript("invalid", ring=0.3, sip=sip)
    scenario.customers[UNREACHABLE.lstrip("+")] = CustomerScript("unreachable", ring=0.3)
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": [*INVALID, UNREACHABLE]},
        mode=DialMode.PROGRESSIVE,
        max_attempts=3,
        retry_s=30,
        endpoints=("1001", "1002"),
    ) as stack:
        await finished(stack)
        calls, contacts = await calls_and_contacts(stack)

    by_phone: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by_phone[call.phone].append(call)
    status = {c.phone: (c.status, c.attempts) for c in contacts.values()}
    for phone, (_, cause) in INVALID.items():
        assert [(c.outcome, c.hangup_cause) for c in by_phone[phone]] == [
            (CallOutcome.INVALID_NUMBER, cause)
        ], phone
        assert status[phone] == (ContactStatus.INVALID, 1), phone
    assert [(c.outcome, c.hangup_cause) for c in by_phone[UNREACHABLE]] == [(CallOutcome.UNREACHABLE, 27)] * 3
    assert status[UNREACHABLE] == (ContactStatus.EXHAUSTED, 3)
