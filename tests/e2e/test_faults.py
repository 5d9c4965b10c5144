"""Faults in the middle of a campaign: the AMI connection drops (Asterisk and its calls live on), and
the engine process dies and a new one starts. Calls in progress are reconciled, nothing is dialed
twice, no call record is lost or left open, and leases left by a dead engine come back."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import update

from dialer.calls.models import CallOutcome
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.demo.data import add_contacts
from tests.e2e.checks import overlap_problems, record_problems
from tests.e2e.harness import (
    busy_moment,
    calls_and_contacts,
    crash_and_restart,
    drop_ami,
    running_stack,
    until,
    wait_finished,
)
from tests.e2e.scripts import script, talking_for

CONTACTS = 80


def long_talks(count: int):
    """People talk 60 s: calls in progress at a fault outlive it."""
    return talking_for(count, 60.0)


def attempts_match(calls, contacts) -> list[str]:
    per_contact = Counter(c.contact_id for c in calls)
    return [
        f"{c.phone}: {c.attempts} attempts, {per_contact[c.id]} calls, {c.status}"
        for c in contacts.values()
        if c.attempts != per_contact[c.id] or c.status is ContactStatus.IN_PROGRESS
    ]


async def test_calls_survive_an_ami_connection_drop(database_url, sessions, tmp_path) -> None:
    phones, scenario = long_talks(CONTACTS)
    async with running_stack(database_url, sessions, tmp_path, scenario, {"UTC": phones}) as stack:
        assert stack.service.runtime is not None
        pbx = stack.service.runtime.pbx
        in_progress = await busy_moment(stack)
        assert drop_ami(stack) == 1
        await until(lambda: not pbx.ready)
        await pbx.wait_ready(within=60)
        await wait_finished(stack)
        calls, contacts = await calls_and_contacts(stack)

    assert record_problems(calls) == []
    assert overlap_problems(calls) == []
    assert attempts_match(calls, contacts) == []
    followed = [c for c in calls if c.call_uid in in_progress]
    assert len(followed) == len(in_progress)
    # a call that was talking when the connection dropped is still a connected call, talk and all
    assert any(c.outcome is CallOutcome.HUMAN_CONNECTED and (c.talk_seconds or 0) > 0 for c in followed)


async def test_a_killed_engine_is_replaced_and_its_calls_and_leases_reconciled(
    database_url, sessions, tmp_path
) -> None:
    phones, scenario = long_talks(CONTACTS)
    stale = "+79169990001"
    scenario.customers[stale.lstrip("+")] = script("human", 0)
    async with running_stack(database_url, sessions, tmp_path, scenario, {"UTC": phones}) as stack:
        async with unit_of_work(sessions) as session:  # a contact a dead engine leased and never dialed
            await add_contacts(session, stack.demo.campaign_id, [stale], timezone="UTC")
            await session.execute(
                update(Contact)
                .where(Contact.phone == stale)
                .values(
                    status=ContactStatus.IN_PROGRESS,
                    lease_owner="engine-dead",
                    lease_expires_at=stack.now() - timedelta(seconds=1),
                )
            )
        in_progress = await busy_moment(stack)
        await crash_and_restart(stack)
        assert stack.service.runtime is not None
        reconciled = stack.service.runtime.reconciled
        assert reconciled is not None
        # the dead engine's expired lease came back: at this restart, or already at the running
        # engine's own sweep of unrenewed leases before the crash (the stale contact is dialed below)
        assert reconciled.calls_followed >= 1
        await wait_finished(stack)
        calls, contacts = await calls_and_contacts(stack)

    assert record_problems(calls) == []
    assert overlap_problems(calls) == []
    assert attempts_match(calls, contacts) == []
    stale_contact = next(c for c in contacts.values() if c.phone == stale)
    assert stale_contact.attempts >= 1
    followed = [c for c in calls if c.call_uid in in_progress]
    assert len(followed) == len(in_progress)
    # found again and finished normally, or closed as lost while no engine watched
    assert all(c.outcome is not CallOutcome.FAILED or c.hangup_side is None for c in followed), [
        (c.outcome, c.hangup_side) for c in followed
    ]
    assert any(c.outcome is CallOutcome.HUMAN_CONNECTED and (c.talk_seconds or 0) > 0 for c in followed)
