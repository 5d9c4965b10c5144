"""ConfBridge: the operator's held conference that customers are dropped into (nailed-up mode).

Captured facts kept here: a hidden announcer channel makes BridgeNumChannels one higher than the
real members; the bridge lives only while someone is in it; BRIDGEPEER lists the announcer first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.channel import Channel, Pairs

if TYPE_CHECKING:
    from pbxsim.core import PbxCore


class Conference:
    """One ConfBridge conference and its softmix bridge."""

    _announcer_seq = 0

    def __init__(self, pbx: PbxCore, name: str, on_end: Callable[[Conference], None]) -> None:
        self.pbx = pbx
        self.name = name
        self._on_end = on_end  # the last one out ended it
        self.bridge_id = str(uuid.uuid4())
        self.members: list[Channel] = []
        self.announcer = True  # the hidden CBAnn channel, counted in BridgeNumChannels
        self.marked: set[str] = set()
        self.cbann = f"CBAnn/{name}-{Conference._announcer_seq:08x};2"
        Conference._announcer_seq += 1

    def _fields(self, count: int) -> Pairs:
        return ev.bridge_fields(self.bridge_id, count, conference=self.name)

    def _event(self, name: str, count: int, channel: Channel | None = None, *extra: tuple[str, str]) -> Pairs:
        pairs: Pairs = [
            ("Event", name),
            ("Privilege", "call,all"),
            ("Conference", self.name),
            *self._fields(count),
        ]
        if channel is not None:
            pairs += channel.snapshot()
        return pairs + list(extra)

    def _peers(self, channel: Channel) -> str:
        return ",".join([self.cbann, *(m.name for m in self.members if m is not channel)])

    def join(self, channel: Channel, marked: bool = False) -> None:
        """A channel enters: BridgeCreate/ConfbridgeStart for the first, then BridgeEnter + Join.
        ``marked``: the operator's profile; when the last marked member leaves, the others go."""
        emit = self.pbx.emit
        if marked:
            self.marked.add(channel.name)
        first = not self.members
        if first:
            emit([("Event", "BridgeCreate"), ("Privilege", "call,all"), *self._fields(0)])
        self.members.append(channel)
        channel.bridge_id = self.bridge_id
        count = len(self.members) + self.announcer
        emit([("Event", "BridgeEnter"), ("Privilege", "call,all"), *self._fields(count), *channel.snapshot()])
        for other in self.members:
            if other is not channel:
                self.pbx.set_var(other, "BRIDGEPEER", self._peers(other))
        self.pbx.set_var(channel, "BRIDGEPEER", self._peers(channel))
        if first:
            emit(
                [
                    ("Event", "ConfbridgeStart"),
                    ("Privilege", "call,all"),
                    ("Conference", self.name),
                    *self._fields(1),
                ]
            )
        emit(self._event("ConfbridgeJoin", count, channel, ("Admin", "No"), ("Muted", "No")))
        self._recordings_changed()

    def leave(
        self, channel: Channel, result: str = "HANGUP", between: Callable[[], None] | None = None
    ) -> None:
        """A channel leaves; the last one out ends the conference and destroys its bridge.
        ``between``: emitted after ConfbridgeLeave, before BridgeLeave."""
        if channel not in self.members:
            return
        emit = self.pbx.emit
        count = len(self.members) + self.announcer
        emit(self._event("ConfbridgeLeave", count, channel))
        if between is not None:
            between()
        self.pbx.set_var(channel, "BRIDGEPEER", "")
        self.members.remove(channel)
        channel.bridge_id = ""
        emit(
            [
                ("Event", "BridgeLeave"),
                ("Privilege", "call,all"),
                *self._fields(count - 1),
                *channel.snapshot(),
            ]
        )
        for other in self.members:
            self.pbx.set_var(other, "BRIDGEPEER", self._peers(other))
        self.pbx.set_var(channel, "CONFBRIDGE_RESULT", result)
        call = self.pbx.call_of(channel.name)
        if call is not None and call.recording is not None:
            call.recording.unbridged(self.pbx.now())
        self._recordings_changed()
        if channel.name in self.marked:
            self.marked.discard(channel.name)
            if not self.marked:  # end_marked: the customers are taken out too
                for other in list(self.members):
                    call = self.pbx.call_of(other.name)
                    if call is not None:
                        call.kicked.set()
        if not self.members:
            emit(
                [
                    ("Event", "ConfbridgeEnd"),
                    ("Privilege", "call,all"),
                    ("Conference", self.name),
                    *self._fields(int(self.announcer)),  # the announcer is still there (n7b), or not (n4)
                ]
            )
            emit([("Event", "BridgeDestroy"), ("Privilege", "call,all"), *self._fields(0)])
            self._on_end(self)

    def _recordings_changed(self) -> None:
        """Option ``b``: a member's recording runs while at least one other real member is present."""
        now = self.pbx.now()
        together = len(self.members) >= 2
        for member in self.members:
            call = self.pbx.call_of(member.name)
            if call is None:
                continue
            if together:
                call.connected.set()
            if call.recording is not None:
                if together:
                    call.recording.bridged(now)
                else:
                    call.recording.unbridged(now)
