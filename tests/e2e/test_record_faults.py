"""The engine killed mid-talk, mid-ring and mid-AMD: the call ends while no engine watches, the
simulator keeps writing Asterisk's own record (CEL, as asterisk-conf/cel_custom.conf has Asterisk
write it), and the engine that starts next settles the call from that record: outcome, cause, talk
seconds, abandon, and a bill exact to the record's second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from ami.cel import CelCall, read_calls
from dialer.calls.abandons import campaign_abandon_tally
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.campaigns.models import Campaign
from dialer.campaigns.profile import campaign_profile
from dialer.contacts.models import Contact
from pbxsim import CustomerScript, Scenario
from tests.e2e.harness import (
    Stack,
    api_get,
    crash_and_restart,
    records_closed,
    running_stack,
    until,
)

PHONE = "+79161230001"


def scenario_of(script: CustomerScript) -> Scenario:
    scenario = Scenario(seed=1)
    scenario.customers[PHONE.lstrip("+")] = script
    return scenario


def record_dir(stack: Stack) -> Path:
    assert stack.settings.pbx_record_dir is not None
    return stack.settings.pbx_record_dir


async def the_call(stack: Stack) -> Call:
    async with stack.sessions() as session:
        call = await session.scalar(select(Call).where(Call.campaign_id == stack.demo.campaign_id))
    assert call is not None
    return call


async def stored(stack: Stack, condition: Callable[[Call], bool]) -> bool:
    """Storage shows the call so (what a crash leaves is what was written)."""
    async with stack.sessions() as session:
        call = await session.scalar(select(Call).where(Call.campaign_id == stack.demo.campaign_id))
    return call is not None and condition(call)


async def placed_call(stack: Stack) -> str:
    assert stack.service.runtime is not None
    floor = stack.service.runtime.engine.floor
    await until(lambda: bool(floor.calls))
    return next(iter(floor.calls))


async def kill_until_recorded_end(stack: Stack, uid: str, *, outage_after_s: float = 20.0) -> CelCall:
    """Kill the engine; restart it once Asterisk's record shows the call's hangup and ``outage_after_s``
    more simulated seconds went by (the outage outlasts the call)."""
    found: dict[str, CelCall] = {}

    async def ended_in_record() -> bool:
        found.update(read_calls(record_dir(stack), [uid]))
        return uid in found and found[uid].ended

    async def the_call_ends_then_time_passes() -> None:
        await until(ended_in_record)
        ended = found[uid].ended_at
        assert ended is not None
        await until(lambda: stack.now() >= ended + timedelta(seconds=outage_after_s))

    await crash_and_restart(stack, while_down=the_call_ends_then_time_passes)
    return found[uid]


async def test_a_talk_the_customer_ends_while_the_engine_is_down(database_url, sessions, tmp_path) -> None:
    script = CustomerScript("answer", ring=2.0, talk=30.0, amd="human", hangup_by="customer")
    async with running_stack(
        database_url, sessions, tmp_path, scenario_of(script), {"UTC": [PHONE]}, max_attempts=1
    ) as stack:
        uid = await placed_call(stack)
        await until(lambda: stored(stack, lambda c: c.connected_at is not None))
        record = await kill_until_recorded_end(stack, uid)
        await records_closed(stack)
        call = await the_call(stack)

    assert record.bridged_at is not None and record.ended_at is not None
    recorded_talk = (record.ended_at - record.bridged_at).total_seconds()
    assert 29.0 < recorded_talk < 31.5  # the script's 30 s, not the outage
    assert call.call_uid == uid
    assert (call.outcome, call.hangup_cause, call.hangup_side) == (
        CallOutcome.HUMAN_CONNECTED,
        16,
        HangupSide.CUSTOMER,
    )
    assert call.review is None
    assert call.talk_seconds is not None and abs(call.talk_seconds - recorded_talk) < 1e-5
    assert call.connected_at is not None and call.ended_at is not None
    assert call.billable_seconds == -int(-recorded_talk // 1)  # billed as stored when it ended


async def test_a_call_that_rings_out_while_the_engine_is_down_is_no_answer(
    database_url, sessions, tmp_path
) -> None:
    script = CustomerScript("noanswer", ring=2.0)
    async with running_stack(
        database_url, sessions, tmp_path, scenario_of(script), {"UTC": [PHONE]}, max_attempts=2
    ) as stack:
        assert stack.service.runtime is not None
        writer = stack.service.runtime.engine.writer
        uid = await placed_call(stack)
        await until(lambda: writer.holding(uid))  # its ringing, held for its next write: it rings
        record = await kill_until_recorded_end(stack, uid)
        await records_closed(stack)
        call = await the_call(stack)

    assert (record.answered_at, record.cause) == (None, 19)
    assert (call.outcome, call.hangup_cause, call.review) == (CallOutcome.NO_ANSWER, 19, None)
    assert call.ended_at is not None and record.ended_at is not None
    assert abs((call.ended_at - record.ended_at).total_seconds()) < 1e-5
    assert call.talk_seconds is None


async def test_a_person_who_hears_the_fallbacks_abandon_message_is_an_abandon(
    database_url, sessions, tmp_path
) -> None:
    script = CustomerScript("answer", ring=2.0, talk=30.0, amd="human")
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario_of(script),
        {"UTC": [PHONE]},
        max_attempts=3,
        speed=2.0,  # AMD takes 1.3 simulated seconds: the kill lands while it runs
    ) as stack:
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor
        uid = await placed_call(stack)
        await until(lambda: uid in floor.calls and floor.calls[uid].answered_at is not None)
        assert floor.calls[uid].amd_status is None  # AMD still running
        record = await kill_until_recorded_end(stack, uid, outage_after_s=5.0)
        await records_closed(stack)
        call = await the_call(stack)
        async with stack.sessions() as session:
            campaign = await session.get(Campaign, stack.demo.campaign_id)
            assert campaign is not None
            tally = await campaign_abandon_tally(
                session, campaign.id, campaign_profile(campaign), stack.now()
            )
            contact = await session.get(Contact, call.contact_id)

    assert record.fallback_at is not None and record.fallback_amd == ("HUMAN", "HUMAN-800-800")
    assert (call.outcome, call.amd_status, call.amd_cause) == (
        CallOutcome.ABANDONED,
        "HUMAN",
        "HUMAN-800-800",
    )
    assert (
        call.abandoned_at is not None and abs((call.abandoned_at - record.fallback_at).total_seconds()) < 1e-5
    )
    assert call.review is None and call.talk_seconds is None
    assert (tally.answered, tally.abandoned) == (1, 1)  # in the compliance window's abandon tally
    assert contact is not None and contact.last_outcome == "abandoned"  # redialed on the abandon delay


async def test_without_asterisks_record_only_the_proven_talk_is_billed_and_the_call_flagged(
    database_url, sessions, tmp_path
) -> None:
    script = CustomerScript("answer", ring=2.0, talk=60.0, amd="human", hangup_by="customer")
    async with running_stack(
        database_url, sessions, tmp_path, scenario_of(script), {"UTC": [PHONE]}, max_attempts=1
    ) as stack:
        uid = await placed_call(stack)

        def seen_talking(c: Call) -> bool:  # renewed with the leases while it talked
            return (
                c.connected_at is not None
                and c.seen_alive_at is not None
                and c.seen_alive_at > c.connected_at
            )

        await until(lambda: stored(stack, seen_talking))
        found: dict[str, CelCall] = {}

        async def ended_then_record_lost() -> None:
            async def ended() -> bool:
                found.update(read_calls(record_dir(stack), [uid]))
                return uid in found and found[uid].ended

            await until(ended)
            (record_dir(stack) / "cel.csv").unlink()  # the record is not there for the next start

        await crash_and_restart(stack, while_down=ended_then_record_lost)
        await records_closed(stack)
        call = await the_call(stack)
        shown = await api_get(stack, f"/calls/{call.id}")

    record = found[uid]
    assert record.bridged_at is not None and record.ended_at is not None
    assert call.outcome is CallOutcome.HUMAN_CONNECTED
    assert call.seen_alive_at is not None and call.ended_at == call.seen_alive_at  # the proven end
    assert call.talk_seconds is not None
    assert 0 < call.talk_seconds < (record.ended_at - record.bridged_at).total_seconds()
    assert call.review is not None and "seen alive" in call.review
    assert shown["review"] == call.review


async def test_an_answer_held_in_memory_when_the_engine_dies_is_settled_from_the_record(
    database_url, sessions, tmp_path
) -> None:
    """The answer was held for the call's next durable write (never stored) when the engine died:
    the next engine takes it from Asterisk's record, and the call is the abandon it was."""
    script = CustomerScript("answer", ring=2.0, talk=30.0, amd="human")
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario_of(script),
        {"UTC": [PHONE]},
        max_attempts=3,
        speed=2.0,  # AMD takes 1.3 simulated seconds: the kill lands while it runs
        engine_fact_hold_s=10.0,  # longer than the AMD: the answer is certainly held at the kill
    ) as stack:
        assert stack.service.runtime is not None
        engine = stack.service.runtime.engine
        uid = await placed_call(stack)
        await until(lambda: uid in engine.floor.calls and engine.floor.calls[uid].answered_at is not None)
        assert engine.floor.calls[uid].amd_status is None  # AMD still running
        assert engine.writer.holding(uid)
        assert await stored(stack, lambda c: c.answered_at is None and c.ringing_at is None)
        record = await kill_until_recorded_end(stack, uid, outage_after_s=5.0)
        await records_closed(stack)
        call = await the_call(stack)

    assert record.answered_at is not None and record.fallback_at is not None
    assert call.answered_at is not None
    assert abs((call.answered_at - record.answered_at).total_seconds()) < 1e-5
    assert (call.outcome, call.amd_status, call.review) == (CallOutcome.ABANDONED, "HUMAN", None)
    assert call.abandoned_at is not None and call.ended_at is not None and call.talk_seconds is None
