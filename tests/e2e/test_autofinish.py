"""A small campaign whose numbers all end for good on their one attempt (busy, no answer, machines,
unreachable) is finished by the engine by itself, with its time, once its last call has ended."""

from __future__ import annotations

import asyncio
import logging

import pytest

from dialer.campaigns.models import Campaign, CampaignState
from dialer.contacts.models import ContactStatus
from dialer.dialing_modes import DialMode
from pbxsim import Scenario
from tests.e2e.harness import PATIENCE, Stack, calls_and_contacts, running_stack
from tests.e2e.scripts import script

KINDS = ["busy", "noanswer", "machine", "unreachable"] * 2


async def campaign_state(stack: Stack) -> Campaign:
    async with stack.sessions() as session:
        campaign = await session.get(Campaign, stack.demo.campaign_id)
        assert campaign is not None
        return campaign


async def test_an_exhausted_campaign_finishes_by_itself(
    database_url, sessions, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    scenario = Scenario(seed=7)
    phones = [f"+7916555{i:04d}" for i in range(len(KINDS))]
    for i, (phone, kind) in enumerate(zip(phones, KINDS, strict=True)):
        scenario.customers[phone.lstrip("+")] = script(kind, i)
    caplog.set_level(logging.INFO, logger="dialer.engine.service")
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        mode=DialMode.PROGRESSIVE,
        max_attempts=1,
        endpoints=("1001", "1002", "1003"),
    ) as stack:
        async with asyncio.timeout(PATIENCE):
            for _ in range(1_000_000):  # polled: the API and the engine share only the database
                if (campaign := await campaign_state(stack)).state is CampaignState.FINISHED:
                    break
                await asyncio.sleep(0.3)
        assert stack.service.runtime is not None
        engine = stack.service.runtime.engine
        assert stack.demo.campaign_id not in engine.runners
        calls, contacts = await calls_and_contacts(stack)

    assert len(calls) == len(phones) and all(c.ended_at is not None for c in calls)
    assert {c.status for c in contacts.values()} == {ContactStatus.EXHAUSTED}
    assert campaign.finished_at is not None
    assert campaign.finished_at >= max(c.ended_at for c in calls if c.ended_at is not None)
    finished = [r.getMessage() for r in caplog.records if "finished by itself" in r.getMessage()]
    assert finished == [
        f"campaign {stack.demo.campaign_id} finished by itself: every contact is final: 8 out of attempts"
    ]
