"""A campaign run by the whole service against the PBX simulator, then its bill checked through the
API against the record the simulator wrote as Asterisk does (CEL lines, asterisk-conf/cel_custom.conf):
every answered call is in the record, and the record and the bill agree on which calls were put
through and on each one's talk seconds."""

from __future__ import annotations

from dataclasses import replace

from tests.e2e.harness import api_get, calls_and_contacts, running_stack, wait_finished
from tests.e2e.scripts import contact_base

SPEED = 5.0


async def test_a_campaign_runs_bill_agrees_with_the_simulators_record(
    database_url, sessions, tmp_path
) -> None:
    phones, kinds, scenario = contact_base(24)
    # The product stamps a connection and a hangup when their AMI events reach it, the record when
    # they happen: tens of simulated milliseconds apart on a loaded machine. Talks of whole seconds
    # plus a half keep both sides' whole seconds (a started second counting) clear of that skew.
    for phone in phones:
        if kinds[phone] == "human":
            script = scenario.customers[phone.lstrip("+")]
            scenario.customers[phone.lstrip("+")] = replace(script, talk=script.talk + 0.5)
    async with running_stack(
        database_url, sessions, tmp_path, scenario, {"UTC": phones}, max_attempts=1, speed=SPEED
    ) as stack:
        await wait_finished(stack)
        calls, _ = await calls_and_contacts(stack)
        placed = min(c.placed_at for c in calls)
        month = f"{placed.year:04d}-{placed.month:02d}"
        assert {(c.placed_at.year, c.placed_at.month) for c in calls} == {(placed.year, placed.month)}
        check = await api_get(stack, f"/contracts/{stack.demo.contract_id}/pbx-check?month={month}")

    answered = [c for c in calls if c.answered_at is not None or c.connected_at is not None]
    connected = [c for c in calls if c.connected_at is not None]
    assert len(connected) >= 5 and len(answered) > len(connected)  # abandons or machines too
    assert check["calls"] == len(answered)
    assert (check["missing"], check["differing"], check["differences"]) == (0, 0, [])
    assert check["matched"] == len(answered) and check["agrees"] is True
    assert check["product_seconds"] == check["record_seconds"] > 0
