"""The channel model: names, Uniqueid/Linkedid, state, variables and the snapshot every event carries."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

Pairs = list[tuple[str, str]]

STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}
DOWN, RINGING, UP = 0, 5, 6


@dataclass
class Channel:
    """One Asterisk channel, as far as AMI can see it."""

    name: str
    uniqueid: str
    linkedid: str
    endpoint: str
    context: str
    exten: str = "s"
    priority: int = 1
    state: int = DOWN
    caller_num: str = "<unknown>"
    caller_name: str = "<unknown>"
    connected_num: str = "<unknown>"
    connected_name: str = "<unknown>"
    language: str = "en"
    accountcode: str = ""
    created: float = 0.0
    answered: float | None = None
    application: str = ""
    app_data: str = ""
    bridge_id: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    hungup: bool = False

    def var(self, name: str, default: str = "") -> str:
        """A channel variable, or one of the built-ins the dialplan reads."""
        builtin = {"CHANNEL": self.name, "UNIQUEID": self.uniqueid, "EXTEN": self.exten}
        if name in builtin:
            return builtin[name]
        return self.variables.get(name, default)

    @property
    def state_desc(self) -> str:
        return STATE_DESC.get(self.state, "Unknown")

    def snapshot(self, prefix: str = "") -> Pairs:
        """The channel block (``Channel``.. ``Linkedid``), optionally ``Dest``-prefixed as in Dial*."""
        return [
            (f"{prefix}Channel", self.name),
            (f"{prefix}ChannelState", str(self.state)),
            (f"{prefix}ChannelStateDesc", self.state_desc),
            (f"{prefix}CallerIDNum", self.caller_num),
            (f"{prefix}CallerIDName", self.caller_name),
            (f"{prefix}ConnectedLineNum", self.connected_num),
            (f"{prefix}ConnectedLineName", self.connected_name),
            (f"{prefix}Language", self.language),
            (f"{prefix}AccountCode", self.accountcode),
            (f"{prefix}Context", self.context),
            (f"{prefix}Exten", self.exten),
            (f"{prefix}Priority", str(self.priority)),
            (f"{prefix}Uniqueid", self.uniqueid),
            (f"{prefix}Linkedid", self.linkedid),
        ]


class ChannelRegistry:
    """Allocates channel names and Uniqueids the way Asterisk does, and finds live channels.

    Channel names carry one process-wide counter (``PJSIP/trunk-00000006`` then
    ``PJSIP/1001-00000007``); Uniqueids are ``<epoch>.<counter>`` unless the Originate gave a
    ChannelId. Both counters start again at zero when the simulated Asterisk restarts.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._name_seq = itertools.count()
        self._uid_seq = itertools.count()
        self.live: dict[str, Channel] = {}

    def new(
        self,
        endpoint: str,
        context: str,
        now: float,
        channel_id: str | None = None,
        linkedid: str | None = None,
    ) -> Channel:
        name = f"PJSIP/{endpoint}-{next(self._name_seq):08x}"
        uid_number = next(self._uid_seq)
        uniqueid = channel_id or f"{int(now)}.{uid_number}"
        channel = Channel(
            name=name,
            uniqueid=uniqueid,
            linkedid=linkedid or uniqueid,
            endpoint=endpoint,
            context=context,
            created=now,
        )
        self.live[name] = channel
        return channel

    def get(self, name: str) -> Channel | None:
        return self.live.get(name)

    def by_uniqueid(self, uniqueid: str) -> Channel | None:
        return next((c for c in self.live.values() if c.uniqueid == uniqueid), None)

    def remove(self, channel: Channel) -> None:
        self.live.pop(channel.name, None)
