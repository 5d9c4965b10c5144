"""A campaign of a few hundred contacts run by the whole service against the simulator, on the
test database (SQLite or PostgreSQL): every contact ends where the rules say, nobody is dialed twice at
once or outside their hours, attempts and retries are as configured, every call record is complete,
and the abandon rate stays under the cap."""

from __future__ import annotations

from dialer.calls.models import CallOutcome
from tests.e2e.checks import attempt_problems, hours_problems, overlap_problems, record_problems
from tests.e2e.harness import api_get, calls_and_contacts, running_stack, wait_finished, window_around
from tests.e2e.scripts import contact_base

CONTACTS = 200
LATE_ZONE = "Etc/GMT-12"  # twelve hours ahead of UTC: outside the campaign's hours all test long
MAX_ATTEMPTS, RETRY_S = 2, 60


async def test_a_campaign_runs_to_its_end_by_the_rules(database_url, sessions, tmp_path) -> None:
    phones, kinds, scenario = contact_base(CONTACTS)
    late = [f"+7916999{i:04d}" for i in range(15)]
    contacts = {"UTC": phones, LATE_ZONE: late}
    async with running_stack(
        database_url, sessions, tmp_path, scenario, contacts, max_attempts=MAX_ATTEMPTS, retry_s=RETRY_S
    ) as stack:
        hours = window_around(stack.now())
        await wait_finished(stack)
        calls, by_id = await calls_and_contacts(stack)
        pacing = await api_get(stack, f"/campaigns/{stack.demo.campaign_id}/pacing")

    assert record_problems(calls) == []
    assert overlap_problems(calls) == []
    assert hours_problems(calls, by_id, hours) == []
    assert attempt_problems(calls, by_id, kinds, MAX_ATTEMPTS, RETRY_S) == []
    late_contacts = [c for c in by_id.values() if c.phone in late]
    assert all(c.attempts == 0 for c in late_contacts)
    outcomes = [c.outcome for c in calls]
    people = outcomes.count(CallOutcome.HUMAN_CONNECTED) + outcomes.count(CallOutcome.ABANDONED)
    assert outcomes.count(CallOutcome.HUMAN_CONNECTED) >= 80
    assert outcomes.count(CallOutcome.ABANDONED) / people <= 0.03
    # the API of the same process shows the dial levels the engine logged, with their figures
    # (its abandon tally counts up to the wall clock's now, behind the simulator's fast clock)
    assert {d["mode_used"] for d in pacing["decisions"]} <= {"progressive", "predictive"}
    assert all("abandon_threshold" in d["inputs"] and "talking" in d["inputs"] for d in pacing["decisions"])
