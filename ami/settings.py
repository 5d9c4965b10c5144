"""The AMI client's settings: read once at start by the service and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field

# Event classes the product needs (Login ``Events:``): channels and bridges (call), VarSet/Newexten
# (dialplan), Shutdown/FullyBooted/registrations (system), queues (agent), Cdr (cdr), UserEvent (user),
# AGIExec (agi). Left out on purpose: cel, reporting (RTCP), security: a busy Asterisk floods with them.
DEFAULT_EVENT_CLASSES = "system,call,dialplan,agent,user,cdr,agi"


@dataclass(frozen=True, slots=True)
class AmiSettings:
    """Where Asterisk's manager interface is and how the client behaves towards it.

    ``secret`` never appears in ``repr`` or in a log line.
    """

    host: str = "127.0.0.1"
    port: int = 5038
    username: str = "autodialer"
    secret: str = field(default="", repr=False)
    events: str = DEFAULT_EVENT_CLASSES
    event_filters: tuple[str, ...] = ()  # optional manager Filter regexes, e.g. "Event: Newchannel"
    connect_timeout: float = 5.0
    action_timeout: float = 10.0
    ping_interval: float = 5.0
    ping_timeout: float = 3.0
    boot_timeout: float = 10.0  # wait this long for FullyBooted after login (a restarting Asterisk)
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"
