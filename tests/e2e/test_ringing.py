"""A campaign whose operators are reached by ringing their phone for each call (no held leg): nobody is
called at login, each person answered rings a free operator, and every record is complete."""

from __future__ import annotations

from dialer.calls.models import CallOutcome
from dialer.campaigns.models import OperatorConnection
from dialer.dialing_modes import DialMode
from tests.e2e.checks import overlap_problems, record_problems
from tests.e2e.harness import calls_and_contacts, running_stack, wait_finished
from tests.e2e.scripts import contact_base


async def test_ringing_mode_rings_a_free_operator_per_call(database_url, sessions, tmp_path) -> None:
    phones, _, scenario = contact_base(40)
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        mode=DialMode.PROGRESSIVE,
        connection=OperatorConnection.RINGING,
        answer_delay=0.5,
        endpoints=("1001", "1002", "1003"),
    ) as stack:
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor
        await wait_finished(stack)
        held = [op.endpoint for op in floor.operators.values() if op.session_id is not None]
        calls, _ = await calls_and_contacts(stack)

    assert held == []  # no login leg in ringing mode
    assert record_problems(calls) == []
    assert overlap_problems(calls) == []
    connected = [c for c in calls if c.outcome is CallOutcome.HUMAN_CONNECTED]
    assert len(connected) >= 15
    assert {c.operator_id for c in connected} == set(stack.demo.operators.values())
