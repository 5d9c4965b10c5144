"""AMI ``Bridge`` of two channels that wait in the dialplan (captures n7a, n7b).

As captured: a channel inside ConfBridge cannot be taken (``Unable to add ChannelN to bridge``);
otherwise both leave their current application, meet in a basic bridge at the priority after it,
and when one side hangs up the other continues its dialplan ("continue where you were + 1").
The first channel silently takes the second one's Linkedid. The hung-up side has no Cdr of its own.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.channel import Channel

if TYPE_CHECKING:
    from pbxsim.core import Call, PbxCore


class BasicBridge:
    """Two channels joined by AMI Bridge."""

    def __init__(self, pbx: PbxCore, first: Call, second: Call) -> None:
        self.pbx = pbx
        self.id = str(uuid.uuid4())
        self.calls = [first, second]
        self.ended = asyncio.Event()
        self.left: list[Channel] = []

    def start(self) -> None:
        pbx = self.pbx
        pbx.emit([("Event", "BridgeCreate"), ("Privilege", "call,all"), *ev.bridge_fields(self.id, 0)])
        for count, call in enumerate(self.calls, start=1):
            call.channel.priority += 1  # shown at the priority after the application they were in
            call.channel.bridge_id = self.id
            self._event("BridgeEnter", count, call.channel)
        first, second = (c.channel for c in self.calls)
        pbx.set_var(first, "BRIDGEPEER", second.name)
        pbx.set_var(second, "BRIDGEPEER", first.name)
        first.linkedid = second.linkedid
        for call in self.calls:
            call.connected.set()
            call.ami_bridge = self
            call.bridge_request.set()

    def _event(self, name: str, count: int, channel: Channel) -> None:
        self.pbx.emit(
            [
                ("Event", name),
                ("Privilege", "call,all"),
                *ev.bridge_fields(self.id, count),
                *channel.snapshot(),
            ]
        )

    def hang_up(self, leaving: Call) -> None:
        """One side is gone: both leave, the bridge is destroyed, the other side goes on."""
        if self.ended.is_set():
            return
        other = next(c for c in self.calls if c is not leaving)
        for call in (leaving, other):
            self.pbx.set_var(call.channel, "BRIDGEPEER", "")
        for count, call in ((1, leaving), (0, other)):
            call.channel.bridge_id = ""
            self._event("BridgeLeave", count, call.channel)
        self.pbx.emit([("Event", "BridgeDestroy"), ("Privilege", "call,all"), *ev.bridge_fields(self.id, 0)])
        self.ended.set()


async def wait_bridged(call: Call) -> None:
    """Inside an application that an AMI Bridge interrupted: stay until the bridge ends."""
    bridge = call.ami_bridge
    assert bridge is not None
    try:
        await bridge.ended.wait()
    except asyncio.CancelledError:
        bridge.hang_up(call)
        call.left_ami_bridge = True
        raise
    finally:
        call.ami_bridge = None
        call.bridge_request.clear()


def can_bridge(call: Call) -> bool:
    """Only a channel waiting in an interruptible application (Wait) can be pulled into a bridge."""
    return call.conference is None and call.channel.application == "Wait" and call.ami_bridge is None
