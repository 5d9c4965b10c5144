"""A call lost while nobody watched, settled from Asterisk's record (or only from what is proven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ami.cel import CelCall
from dialer.calls.models import CallOutcome, HangupSide
from dialer.engine.settle import NO_HANGUP, NO_OPERATOR, NO_RECORD, Known, settle

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CHANNEL = "PJSIP/trunk-00000001"


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def record(**fields: object) -> CelCall:
    values: dict[str, object] = {
        "uniqueid": "c1",
        "channel": CHANNEL,
        "answered_at": None,
        "bridged_at": None,
        "unbridged_at": None,
        "ended_at": None,
        "cause": None,
        "hangup_source": "",
        "fallback_at": None,
        "fallback_amd": None,
        **fields,
    }
    return CelCall(**values)  # type: ignore[arg-type]


def test_a_talk_the_customer_ended_during_the_outage_counts_the_records_bridge_time() -> None:
    known = Known(placed_at=s(0), answered_at=s(5), human_at=s(7), connected_at=s(7.02), seen_alive_at=s(20))
    rec = record(answered_at=s(5.001), bridged_at=s(7.0), ended_at=s(35.7), cause=16, hangup_source=CHANNEL)
    settled = settle(known, rec)
    assert settled.outcome is CallOutcome.HUMAN_CONNECTED
    assert (settled.cause, settled.side, settled.review) == (16, HangupSide.CUSTOMER, None)
    assert settled.ended_at - known.connected_at == timedelta(seconds=28.7)  # the record's talk
    assert settled.answered_at is None  # the product had seen the answer


def test_a_call_that_rang_out_during_the_outage_is_no_answer_not_failed() -> None:
    settled = settle(Known(placed_at=s(0)), record(ended_at=s(30), cause=19))
    assert (settled.outcome, settled.cause, settled.side, settled.ended_at) == (
        CallOutcome.NO_ANSWER,
        19,
        None,
        s(30),
    )


def test_the_fallbacks_abandon_message_is_an_abandon_with_its_amd_verdict() -> None:
    rec = record(
        answered_at=s(3),
        fallback_at=s(5.5),
        fallback_amd=("HUMAN", "HUMAN-800-800"),
        ended_at=s(9),
        cause=16,
        hangup_source="dialplan/builtin",
    )
    settled = settle(Known(placed_at=s(0)), rec)
    assert settled.outcome is CallOutcome.ABANDONED and settled.person
    assert (settled.answered_at, settled.abandoned_at, settled.ended_at) == (s(3), s(5.5), s(9))
    assert settled.amd == ("HUMAN", "HUMAN-800-800")
    assert settled.side is HangupSide.SYSTEM


def test_the_fallback_to_a_machine_is_a_machine_and_without_amd_an_abandon() -> None:
    machine = record(
        answered_at=s(3), fallback_at=s(6), fallback_amd=("MACHINE", "LONGGREETING"), ended_at=s(9)
    )
    assert settle(Known(placed_at=s(0)), machine).outcome is CallOutcome.MACHINE
    no_amd = record(answered_at=s(3), fallback_at=s(3.1), ended_at=s(7), cause=16)
    settled = settle(Known(placed_at=s(0)), no_amd)
    assert (settled.outcome, settled.amd) == (CallOutcome.ABANDONED, None)


def test_without_a_record_only_what_is_proven_and_a_review() -> None:
    known = Known(placed_at=s(0), answered_at=s(5), connected_at=s(7), seen_alive_at=s(27))
    settled = settle(known, None)
    assert (settled.outcome, settled.ended_at, settled.review) == (
        CallOutcome.HUMAN_CONNECTED,
        s(27),
        NO_RECORD,
    )
    assert settled.side is None
    ringing = settle(Known(placed_at=s(0), seen_alive_at=s(10)), record(answered_at=None))
    assert (ringing.outcome, ringing.ended_at, ringing.review) == (CallOutcome.FAILED, s(10), NO_HANGUP)
    never_seen = settle(Known(placed_at=s(0), answered_at=s(4)), None, pbx_restarted=True)
    assert (never_seen.outcome, never_seen.ended_at) == (CallOutcome.PBX_RESTART, s(4))


def test_put_through_while_the_engine_was_down_goes_to_the_softphone_in_the_bridge() -> None:
    rec = record(
        answered_at=s(3),
        bridged_at=s(4),
        ended_at=s(20),
        cause=16,
        hangup_source=CHANNEL,
        bridged_with="PJSIP/1002-0000000b",
    )
    settled = settle(Known(placed_at=s(0), answered_at=s(3)), rec)
    assert (settled.outcome, settled.review) == (CallOutcome.HUMAN_CONNECTED, None)
    assert (settled.operator_endpoint, settled.connected_at, settled.ended_at) == ("1002", s(4), s(20))


def test_put_through_to_no_softphone_the_record_names_is_connected_and_flagged() -> None:
    for partner in (None, "Local/s@dialer-test-answer-00000000;1"):
        rec = record(
            answered_at=s(3),
            bridged_at=s(4),
            ended_at=s(20),
            cause=16,
            hangup_source=CHANNEL,
            bridged_with=partner,
        )
        settled = settle(Known(placed_at=s(0), answered_at=s(3)), rec)
        assert (settled.outcome, settled.review) == (CallOutcome.HUMAN_CONNECTED, NO_OPERATOR)
        assert (settled.operator_endpoint, settled.connected_at) == (None, None)


def test_a_person_who_waited_past_the_connect_limit_and_hung_up_is_an_abandon() -> None:
    rec = record(answered_at=s(3), ended_at=s(9), cause=16, hangup_source=CHANNEL)
    known = Known(placed_at=s(0), answered_at=s(3), human_at=s(4), amd_status="HUMAN")
    settled = settle(known, rec)
    assert (settled.outcome, settled.abandoned_at) == (CallOutcome.ABANDONED, s(9))
    short = settle(Known(placed_at=s(0), answered_at=s(3), amd_status="MACHINE"), rec)
    assert short.outcome is CallOutcome.MACHINE
