"""Stopping the service: the first stop signal lets live calls finish while the API stays up; a second
one cuts that grace short, so the process leaves at once (the calls are left to Asterisk and the next
start's reconciliation)."""

from __future__ import annotations

import asyncio
import signal
import time

from tests.e2e.harness import PATIENCE, busy_moment, running_stack
from tests.e2e.scripts import talking_for


async def test_a_second_stop_signal_ends_the_grace_for_live_calls_at_once(database_url, sessions, tmp_path):
    phones, scenario = talking_for(40, 36_000.0)  # people who talk for hours
    async with running_stack(
        database_url, sessions, tmp_path, scenario, {"UTC": phones}, stop_grace_s=3600.0
    ) as stack:
        service = stack.service
        assert service.server is not None and service.runtime is not None
        await busy_moment(stack)  # calls of ten simulated hours are talking
        stopping = asyncio.create_task(service.serve_until_stopped())
        service.server.handle_exit(signal.SIGINT, None)  # Ctrl+C: no new calls, live ones finish
        await asyncio.sleep(0.2)
        assert not stopping.done() and service.runtime.engine.floor.calls  # waiting out the grace
        asked = time.monotonic()
        service.server.handle_exit(signal.SIGINT, None)  # Ctrl+C again: go now
        async with asyncio.timeout(PATIENCE):
            await stopping
        assert time.monotonic() - asked < 30  # not the hour of grace (3 minutes at 20x)
