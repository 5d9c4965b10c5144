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
from pbxsim.dialplan import finish, wait_event

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx


class Member:
    """A queue member as QueueStatus shows it."""

    def __init__(self, interface: str, name: str, dynamic: bool, penalty: int, joined: float) -> None:
        self.interface = interface
        self.name = name
        self.dynamic = dynamic
        self.penalty = penalty
        self.paused = False
        self.reason = ""
        self.last_pause = 0
        self.joined = joined

    @property
    def endpoint(self) -> str:
        return self.interface.removeprefix("PJSIP/")

    def fields(
        self, status: int, *, name_key: str = "Name", location_key: str = "Location"
    ) -> list[tuple[str, str]]:
        return [
            (name_key, self.name), (location_key, self.interface), ("StateInterface", self.interface),
            ("Membership", "dynamic" if self.dynamic else "static"), ("Penalty", str(self.penalty)),
            ("CallsTaken", "0"), ("LastCall", "0"), ("LastPause", str(self.last_pause)),
            ("LoginTime", str(int(self.joined))), ("InCall", "0"), ("Status", str(status)),
            ("Paused", "1" if self.paused else "0"), ("PausedReason", self.reason),
        ]  # fmt: skip


class Queues:
    """Queue membership: static members from the configuration, dynamic ones from QueueAdd."""

    def __init__(self, config: dict[str, list[str]], now: float) -> None:
        self.now = now
        self.members: dict[str, dict[str, Member]] = {}
        for queue, endpoints in config.items():
            for endpoint in endpoints:
                self.add_static(queue, endpoint)

    def add_static(self, queue: str, endpoint: str) -> None:
        interface = f"PJSIP/{endpoint}"
        members = self.members.setdefault(queue, {})
        if interface not in members:
            members[interface] = Member(interface, f"Operator {endpoint}", False, 0, self.now)


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
    """Ring ``endpoint`` for the customer ``call``; bridge them on answer. Returns DIALSTATUS."""
    target = pbx.endpoints.get(endpoint)
    if target is None or target.device_state == "UNAVAILABLE":
        return "CHANUNAVAIL"
    if target.device_state == "INUSE":
        return "BUSY"
    cust = call.channel
    leg_call = pbx.new_channel(endpoint, "from-operators", linkedid=cust.linkedid, exten="")
    op = leg_call.channel
    leg = _Leg(leg_call, asyncio.Event())
    pbx.emit(_two("DialBegin", cust, op, ("DialString", endpoint)))
    if queue is not None:
        pbx.emit(_two("AgentCalled", cust, op, ("Queue", queue), ("Interface", f"PJSIP/{endpoint}"),
                      ("MemberName", f"Operator {endpoint}"), privilege="agent,all"))  # fmt: skip
    pbx.emit(_two("DialState", cust, op, ("DialStatus", "RINGING")))
    pbx.set_state(op, RINGING)
    script = target.script
    rang_at = pbx.now()
    try:
        if not script.answers or script.answer_delay >= ring_limit:
            await pbx.clock.sleep(ring_limit)
            pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "NOANSWER")))
            if queue is not None:
                ring_time = ("RingTime", f"{ring_limit:.0f}")
                pbx.emit(
                    _two("AgentRingNoAnswer", cust, op, ("Queue", queue), ring_time, privilege="agent,all")
                )
            _end_leg(pbx, leg_call, cause=0)
            return "NOANSWER"
        await pbx.clock.sleep(script.answer_delay)
    except asyncio.CancelledError:
        pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "CANCEL")))
        _end_leg(pbx, leg_call, cause=0)
        raise
    pbx.set_state(op, UP)
    pbx.emit(_two("DialEnd", cust, op, ("DialStatus", "ANSWER")))
    leg_call.in_use = True
    pbx.endpoints.channel_up(endpoint)
    leg_call.task = pbx.spawn(_operator_leg_life(pbx, leg), f"operator leg {op.name}")
    waited = f"{pbx.now() - cust.answered if cust.answered else 0:.0f}"
    if queue is not None:
        _caller_leave(pbx, cust, queue)
        pbx.emit(_two("AgentConnect", cust, op, ("Queue", queue), ("Interface", f"PJSIP/{endpoint}"),
                      ("MemberName", f"Operator {endpoint}"), ("HoldTime", waited),
                      ("RingTime", f"{pbx.now() - rang_at:.0f}"), privilege="agent,all"))  # fmt: skip
    bridge = str(uuid.uuid4())
    pbx.emit([("Event", "BridgeCreate"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, 0)])
    for count, channel in ((1, op), (2, cust)):
        channel.bridge_id = bridge
        pbx.emit([("Event", "BridgeEnter"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, count),
                  *channel.snapshot()])  # fmt: skip
    connected_at = pbx.now()
    call.connected.set()
    if call.recording is not None:
        call.recording.bridged(connected_at)
    operator_talk = script.talk
    ender = (
        pbx.spawn(_operator_hangs_up(pbx, leg_call, operator_talk), "operator talk")
        if operator_talk
        else None
    )
    reason = "agent"
    try:
        await leg.gone.wait()
    except asyncio.CancelledError:
        reason = "caller"
        raise
    finally:
        if ender is not None:
            ender.cancel()
        if call.recording is not None:
            call.recording.unbridged(pbx.now())
        first, second = (cust, op) if reason == "caller" else (op, cust)
        for count, channel in ((1, first), (0, second)):
            channel.bridge_id = ""
            pbx.emit([("Event", "BridgeLeave"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, count),
                      *channel.snapshot()])  # fmt: skip
        pbx.emit([("Event", "BridgeDestroy"), ("Privilege", "call,all"), *ev.bridge_fields(bridge, 0)])
        if queue is not None:
            pbx.emit(_two("AgentComplete", cust, op, ("Queue", queue), ("Interface", f"PJSIP/{endpoint}"),
                          ("MemberName", f"Operator {endpoint}"), ("HoldTime", waited),
                          ("TalkTime", f"{pbx.now() - connected_at:.0f}"), ("Reason", reason),
                          privilege="agent,all"))  # fmt: skip
        if not op.hungup:
            if leg_call.task is not None:
                leg_call.task.cancel()
            _end_leg(pbx, leg_call, cause=16)
    return "ANSWER"


async def _operator_hangs_up(pbx: Pbx, leg_call: Call, talk: float) -> None:
    await pbx.clock.sleep(talk)
    if not leg_call.channel.hungup:
        pbx.emit(ev.hangup_request(leg_call.channel))
        _end_leg(pbx, leg_call, cause=16)
        if leg_call.task is not None:
            leg_call.task.cancel()


def _end_leg(pbx: Pbx, leg_call: Call, cause: int) -> None:
    """The operator's leg ends: Cdr and Hangup, its endpoint released."""
    op = leg_call.channel
    if op.hungup:
        return
    disposition = "ANSWERED" if op.answered is not None else "NO ANSWER"
    pbx.emit(ev.CdrRecord(op, op.exten, op.context, "AppQueue", "(Outgoing Line)", op.created, op.answered,
                          pbx.now(), disposition).event())  # fmt: skip
    pbx.emit(ev.hangup(op, cause))
    finish(pbx, leg_call)


async def run_queue(pbx: Pbx, call: Call, queue: str, limit: float, ring_each: float = 15.0) -> str:
    """Queue(): wait for a free member, ring it, bridge on answer. Returns QUEUESTATUS."""
    cust = call.channel
    pbx.emit([("Event", "QueueCallerJoin"), ("Privilege", "agent,all"), *cust.snapshot(), ("Queue", queue),
              ("Position", "1"), ("Count", "1")])  # fmt: skip
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
    _caller_leave(pbx, cust, queue)
    return "TIMEOUT"


def _caller_leave(pbx: Pbx, cust: Channel, queue: str) -> None:
    where = [("Queue", queue), ("Position", "1"), ("Count", "0")]
    pbx.emit([("Event", "QueueCallerLeave"), ("Privilege", "agent,all"), *cust.snapshot(), *where])


def _is_free(pbx: Pbx, endpoint: str) -> bool:
    target = pbx.endpoints.get(endpoint)
    return target is not None and target.device_state == "NOT_INUSE"
