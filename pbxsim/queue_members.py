"""Queue membership as QueueStatus shows it: static members from the configuration, dynamic ones
from QueueAdd (state only; ringing them is ``pbxsim.queue``)."""

from __future__ import annotations


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
