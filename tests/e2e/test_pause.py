"""Pausing a campaign through the API stops new calls at once and lets the live ones finish."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dialer.calls.models import CallOutcome
from tests.e2e.checks import record_problems
from tests.e2e.harness import (
    SPEED,
    api_call,
    busy_moment,
    calls_and_contacts,
    calls_drained,
    records_closed,
    running_stack,
)
from tests.e2e.scripts import contact_base


async def test_a_paused_campaign_places_nothing_new_and_its_live_calls_finish(
    database_url, sessions, tmp_path
) -> None:
    phones, _, scenario = contact_base(120)
    async with running_stack(database_url, sessions, tmp_path, scenario, {"UTC": phones}) as stack:
        assert stack.service.runtime is not None
        live_at_pause = await busy_moment(stack, talking=False)  # these must finish normally
        paused = await api_call(stack, "POST", f"/campaigns/{stack.demo.campaign_id}/pause")
        paused_at = stack.now()
        assert paused["state"] == "paused"
        await calls_drained(stack)
        await asyncio.sleep(0.5)  # a few ticks more: still nothing new
        await records_closed(stack)
        calls, _ = await calls_and_contacts(stack)

    # the engine sees the pause at its next tick (1 engine second) and may finish a lease it began:
    # slack of a tick and a half, and half a real second for a loaded machine's stalls
    late = [c for c in calls if c.placed_at > paused_at + timedelta(seconds=1.5 + 0.5 * SPEED)]
    assert late == []
    finished = [c for c in calls if c.call_uid in live_at_pause]
    assert len(finished) == len(live_at_pause) >= 4  # live a moment before the pause
    assert all(c.outcome not in (None, CallOutcome.FAILED, CallOutcome.CANCELLED) for c in finished)
    assert record_problems([c for c in calls if c.outcome is not CallOutcome.HUMAN_CONNECTED]) == []
