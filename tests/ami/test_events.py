"""Typed events made from the captures' real messages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from ami import events as ev
from ami.wire import Message, iter_messages
from tests.ami.conftest import CAPTURES, capture


def all_events() -> list[Message]:
    if not CAPTURES.is_dir():
        pytest.skip(f"Asterisk captures not found at {CAPTURES}")
    return [
        m for path in sorted(CAPTURES.glob("ami_*.raw")) for m in iter_messages(path.read_bytes()) if m.event
    ]


def test_every_typed_class_reads_exactly_its_declared_headers():
    for cls in ev.EVENT_TYPES:
        assert len(dataclasses.fields(cls)) - 1 == len(cls.headers), cls.__name__


def test_every_captured_event_converts_and_keeps_its_message():
    messages = all_events()
    assert len(messages) > 1900
    typed = {cls.name: cls for cls in ev.EVENT_TYPES}
    for message in messages:
        event = ev.to_event(message)
        assert event.raw is message
        assert event.event_name == message.event
        assert type(event) is typed.get(message.event or "", ev.GenericEvent)


def test_hangup_of_a_busy_call():
    raw = capture("b1_originate_busy_486")
    [hangup] = [ev.to_event(m) for m in iter_messages(raw) if m.event == "Hangup"]
    assert isinstance(hangup, ev.Hangup)
    assert (hangup.channel, hangup.uniqueid, hangup.cause, hangup.cause_txt, hangup.state) == (
        "PJSIP/trunk-00000006", "1795755575.6", 17, "User busy", "Ringing",
    )  # fmt: skip


def test_a_failed_originate_response_has_no_uniqueid_and_says_reason_0():
    raw = capture("b1_originate_busy_486")
    [response] = [ev.to_event(m) for m in iter_messages(raw) if m.event == "OriginateResponse"]
    assert isinstance(response, ev.OriginateResponse)
    assert (response.success, response.uniqueid, response.reason, response.channel) == (
        False, None, 0, "PJSIP/5552001@trunk",
    )  # fmt: skip


def test_the_originated_legs_dial_events_have_no_caller_channel():
    raw = capture("b1_originate_busy_486")
    begin = next(ev.to_event(m) for m in iter_messages(raw) if m.event == "DialBegin")
    assert isinstance(begin, ev.DialBegin)
    assert (begin.channel, begin.dest_uniqueid, begin.dial_string) == (None, "1795755575.6", "5552001@trunk")


def test_status_keeps_every_variable_header():
    raw = capture("n5_resync_status_during_live_call")
    statuses = [ev.to_event(m) for m in iter_messages(raw) if m.event == "Status"]
    customer = next(s for s in statuses if isinstance(s, ev.Status) and "CAMPAIGN_ID" in s.variables)
    assert customer.variables["CAMPAIGN_ID"] == "42" and customer.bridge_id


def test_shutdown_and_agent_complete_fields():
    raw = capture("n4_restart_with_live_call")
    [shutdown] = [ev.to_event(m) for m in iter_messages(raw) if m.event == "Shutdown"]
    assert isinstance(shutdown, ev.Shutdown) and shutdown.restart and shutdown.shutdown == "Cleanly"
    raw = capture("a_originate_answer_queue")
    [done] = [ev.to_event(m) for m in iter_messages(raw) if m.event == "AgentComplete"]
    assert isinstance(done, ev.AgentComplete)
    assert (done.interface, done.talk_time, done.reason, done.queue) == ("PJSIP/1001", 7, "caller", "sales")


def test_unknown_events_pass_through_untouched():
    message = Message.of([("Event", "SomethingNew"), ("Foo", "1"), ("Foo", "2")])
    event = ev.to_event(message)
    assert isinstance(event, ev.GenericEvent) and event.raw is message and event.event_name == "SomethingNew"
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.raw = message  # type: ignore[misc]


def test_event_times_are_aware_utc():
    cel = Message.of([("Event", "CEL"), ("EventTime", "2026-11-27 04:59:06")])
    tv = Message.of([("Event", "SuccessfulAuth"), ("EventTV", "2026-11-27T05:01:13.504+0000")])
    stamp = Message.of([("Event", "Newstate"), ("Timestamp", "1795755546.250000")])
    assert ev.event_time(cel) == datetime(2026, 11, 27, 4, 59, 6, tzinfo=UTC)
    assert ev.event_time(tv) == datetime(2026, 11, 27, 5, 1, 13, 504000, tzinfo=UTC)
    assert ev.event_time(stamp) == datetime.fromtimestamp(1795755546.25, UTC)
    assert ev.event_time(Message.of([("Event", "Hangup")])) is None
