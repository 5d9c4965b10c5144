"""Ringing operators: Dial() of one operator endpoint and Queue() over a queue's free members.

Modelled on captures a, a2 and a4: the operator's leg is a new channel sharing the customer's
Linkedid; DialBegin/DialEnd carry both channels; on answer a basic bridge joins them; Queue adds
QueueCallerJoin, AgentCalled, AgentConnect, QueueCallerLeave and AgentComplete. Not modelled:
music on hold, the queue's ring-no-answer retry timing (a4), wrap-up time.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.channel import RINGING, UP, Channel, Pairs
from pbxsim.flow import finish, wait_event

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx


@dataclass
class _Leg:
    call: Call
    gone: asyncio.Event


def _two(
    name: str, caller: Channel, dest: Channel, *extra: tuple[str, str], privilege: str = "call,all"
) -> Pairs:
    return [("Event", name), ("Privilege", privilege), *caller.snapshot(), *dest.snapshot("Dest"), *extra]


async def _operator_leg_life(pbx: Pbx, leg: _Leg) -> None:
    """The operator's channel has no dialplan of its own: it lives until hung up or its talk ends."""
    try:
        await asyncio.Event().wait()
    finally:
        leg.gone.set()


async def dial_operator(
    pbx: Pbx, call: Call, endpoint: str, ring_limit: float, queue: str | None = None
) -> str:
    """Ring ``endpoint`` for the customer ``call``; bridge them on answer. Returns DIALSTATUS.

    ``queue`` set: the Queue() flavour (AgentCalled/AgentConnect/AgentComplete, AppQueue), else
    Dial() (AppDial, DIALSTATUS). Returns when the operator's side ended; the customer hanging up
    cancels it, and the operator's leg is then torn down after the customer's Hangup, as captured.
    """
    target = pbx.endpoints.get(endpoint)
    if target is None or target.device_state == "UNAVAILABLE":
        return "CHANUNAVAIL"
    if target.device_state == "INUSE":
        return "BUSY"
    cust = call.channel
    member = [
        ("Queue", queue or ""),
        ("Interface", f"PJSIP/{endpoint}"),
        ("MemberName", f"Operator {endpoint}"),
    ]
    leg_call = pbx.new_channel(endpoint, "from-operators", linkedid=cust.linkedid)
    op = leg_call.channel
    leg = _Leg(leg_call, asyncio.Event())
    if queue is None:
        pbx.app(op, "AppDial", "(Outgoing Line)")
        pbx.emit(_two("DialBegin", cust, op, ("DialString", endpoint)))
    else:
        pbx.emit(_two("AgentCalled", cust, op, *member, privilege="agent,all"))
        pbx.emit(_two("DialBegin", cust, op, ("DialString", f"PJSIP/{endpoint}")))
    script = target.script
    rang_at = pbx.now()
    try:
        if script.answer_delay > 0 or not script.answers:
            _ringing(pbx, call, leg_call, queue is not None)
        if not script.answers or script.answer_delay >= ring_limit:
            await pbx.clock.sleep(ring_limit)
            if queue is not None:  # a4: AgentRingNoAnswer, DialEnd, the leg gone with Cause 0
                ring_time = ("RingTime", f"{ring_limit:.0f}")
                pbx.emit(_two("AgentRingNoAnswer", cust, op, *member, ring_time, privilege="agent,all"))
            pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "NOANSWER")))
            if queue is not None:  # ...and a second DialEnd, CANCEL, for the same leg (a4)
                pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "CANCEL")))
            _end_leg(pbx, leg_call, cause=0, cdr=False)
            pbx.endpoints.set_ringing(endpoint, False)
            call.extra_cdrs.append(_cdr_towards(pbx, cust, op, "NO ANSWER"))
            return "NOANSWER"
        await pbx.clock.sleep(script.answer_delay)
    except asyncio.CancelledError:
        pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "CANCEL")))
        _end_leg(pbx, leg_call, cause=0)
        pbx.endpoints.set_ringing(endpoint, False)
        raise
    pbx.endpoints.set_ringing(endpoint, False, quiet=True)
    pbx.set_state(op, UP)
    waited = f"{pbx.now() - cust.answered if cust.answered else 0:.0f}"
    if queue is None:
        pbx.set_var(cust, "DIALSTATUS", "ANSWER")
        pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "ANSWER")))
    else:
        if not leg_call.announced:
            pbx.app(op, "AppQueue", "(Outgoing Line)")
        pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "ANSWER")))
        pbx.emit(ev.channel_event("MusicOnHoldStop", cust))
    leg_call.in_use = True
    pbx.endpoints.channel_up(endpoint)
    leg_call.task = pbx.spawn(_operator_leg_life(pbx, leg), f"operator leg {op.name}")
    if queue is not None:
        _caller_leave(pbx, cust, queue)
        ring_time = ("RingTime", f"{pbx.now() - rang_at:.0f}")
        pbx.emit(
            _two("AgentConnect", cust, op, *member, ("HoldTime", waited), ring_time, privilege="agent,all")
        )
    bridge = str(uuid.uuid4())
    pbx.emit([("Event", "BridgeCreate"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, 0)])
    if queue is None:
        op.exten = ""  # as captured (a2): the operator leg shows an empty Exten once bridged
        pbx.app(op, "AppDial", "(Outgoing Line)")
    for count, channel in ((1, op), (2, cust)):
        channel.bridge_id = bridge
        _bridge_event(pbx, "BridgeEnter", bridge, count, channel)
    connected_at = pbx.now()
    call.connected.set()
    call.bye_cause = 16 if queue is None else None  # HangupRequest of a BYE: Cause 16 in Dial (a2)
    if call.recording is not None:
        call.recording.bridged(connected_at)
    ender = pbx.spawn(_operator_hangs_up(pbx, leg, script.talk), "operator talk") if script.talk else None

    def complete(reason: str) -> None:
        if queue is not None:
            talk = ("TalkTime", f"{pbx.now() - connected_at:.0f}")
            extra = (("HoldTime", waited), talk, ("Reason", reason))
            pbx.emit(_two("AgentComplete", cust, op, *member, *extra, privilege="agent,all"))

    try:
        await leg.gone.wait()
    except asyncio.CancelledError:
        # The customer hung up: they leave the bridge now; the operator's leg goes after their Hangup.
        if ender is not None:
            ender.cancel()
        complete("caller")
        _unbridge(pbx, call, bridge, 1, cust)
        if queue is None:
            pbx.set_var(cust, "DIALSTATUS", "ANSWER")

        def operator_leg_ends() -> None:
            _bridge_event(pbx, "BridgeLeave", bridge, 0, op)
            pbx.emit([("Event", "BridgeDestroy"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, 0)])
            if leg_call.task is not None:
                leg_call.task.cancel()
            _end_leg(pbx, leg_call, cause=16, cdr=False)

        call.after_hangup.append(operator_leg_ends)
        raise
    # The operator hung up first: both leave, the customer goes on in the dialplan.
    _bridge_event(pbx, "BridgeLeave", bridge, 1, op)
    _end_leg(pbx, leg_call, cause=16, cdr=False)
    _unbridge(pbx, call, bridge, 0, cust)
    pbx.emit([("Event", "BridgeDestroy"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, 0)])
    complete("agent")
    call.bye_cause = None
    return "ANSWER"


def _ringing(pbx: Pbx, call: Call, leg_call: Call, queued: bool) -> None:
    """The operator's phone rings: in a queue (a4) Newstate and AppQueue come before DialState."""
    cust, op = call.channel, leg_call.channel
    if queued:
        pbx.set_state(op, RINGING)
        pbx.app(op, "AppQueue", "(Outgoing Line)")
        leg_call.announced = True
        pbx.emit(_two("DialState", cust, op, ("DialStatus", "RINGING")))
        pbx.endpoints.set_ringing(op.endpoint, True)
    else:
        pbx.emit(_two("DialState", cust, op, ("DialStatus", "RINGING")))
        pbx.set_state(op, RINGING)


def _cdr_towards(pbx: Pbx, cust: Channel, op: Channel, disposition: str) -> ev.CdrRecord:
    """The customer's Cdr record for one operator it rang (a4: one per operator tried)."""
    return ev.CdrRecord(
        cust, cust.exten, cust.context, cust.application, cust.app_data, cust.created, cust.answered,
        pbx.now(), disposition, dest_channel=op.name,
    )  # fmt: skip


def _bridge_event(pbx: Pbx, name: str, bridge: str, count: int, channel: Channel) -> None:
    pbx.emit(
        [("Event", name), ("Privilege", "call,all"), *ev.bridge_fields(bridge, count), *channel.snapshot()]
    )


def _unbridge(pbx: Pbx, call: Call, bridge: str, count: int, cust: Channel) -> None:
    if call.recording is not None:
        call.recording.unbridged(pbx.now())
    cust.bridge_id = ""
    _bridge_event(pbx, "BridgeLeave", bridge, count, cust)


async def _operator_hangs_up(pbx: Pbx, leg: _Leg, talk: float) -> None:
    """The operator ends the call after ``talk`` seconds (their softphone sends BYE)."""
    await pbx.clock.sleep(talk)
    if not leg.call.channel.hungup:
        pbx.emit(ev.hangup_request(leg.call.channel))
        if leg.call.task is not None:
            leg.call.task.cancel()


def _end_leg(pbx: Pbx, leg_call: Call, cause: int, cdr: bool = True) -> None:
    """The operator's leg ends: Hangup (a Cdr of its own only if it never answered)."""
    op = leg_call.channel
    if op.hungup:
        return
    if cdr:
        disposition = "ANSWERED" if op.answered is not None else "NO ANSWER"
        record = ev.CdrRecord(
            op,
            op.exten,
            op.context,
            op.application,
            op.app_data,
            op.created,
            op.answered,
            pbx.now(),
            disposition,
        )
        pbx.emit(record.event())
    pbx.emit(ev.hangup(op, cause))
    finish(pbx, leg_call)


async def run_queue(pbx: Pbx, call: Call, queue: str, limit: float, ring_each: float = 15.0) -> str:
    """Queue(): wait for a free member, ring it, bridge on answer. Returns QUEUESTATUS."""
    cust = call.channel
    pbx.emit([("Event", "QueueCallerJoin"), ("Privilege", "agent,all"), *cust.snapshot(), ("Queue", queue),
              ("Position", "1"), ("Count", "1")])  # fmt: skip
    pbx.emit(ev.channel_event("MusicOnHoldStart", cust, ("Class", "default")))
    deadline = pbx.now() + limit
    members = pbx.queues.members.get(queue, {})
    while pbx.now() < deadline:
        free = [m for m in members.values() if not m.paused and _is_free(pbx, m.endpoint)]
        for member in free:
            ring = min(ring_each, max(0.0, deadline - pbx.now()))
            if ring <= 0:
                break
            status = await dial_operator(pbx, call, member.endpoint, ring, queue)
            if status == "ANSWER":
                return "COMPLETED"
        await wait_event(pbx.clock, asyncio.Event(), min(2.0, max(0.0, deadline - pbx.now())) or 0.01)
    pbx.emit(ev.channel_event("MusicOnHoldStop", cust))
    _caller_leave(pbx, cust, queue)
    return "TIMEOUT"


def _caller_leave(pbx: Pbx, cust: Channel, queue: str) -> None:
    where = [("Queue", queue), ("Position", "1"), ("Count", "0")]
    pbx.emit([("Event", "QueueCallerLeave"), ("Privilege", "agent,all"), *cust.snapshot(), *where])


def _is_free(pbx: Pbx, endpoint: str) -> bool:
    target = pbx.endpoints.get(endpoint)
    return target is not None and target.device_state == "NOT_INUSE"
