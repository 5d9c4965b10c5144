"""Softphone registrations: ContactStatus / PeerStatus events in, one fact per change out.

What Asterisk shows (captures, part 2 observation 13): a REGISTER gives ContactStatus NonQualified
then Reachable and PeerStatus Reachable; an unregister gives PeerStatus Unreachable then ContactStatus
Removed; a softphone that dies says nothing until the next qualify fails (Unreachable, ~6 s), and its
contact is Removed only when it expires. The engine must never send a customer to an endpoint that is
not ``reachable``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ami import events as ev
from ami.clock import utc_now
from ami.facts import EndpointStatus, FactListener

REACHABLE = "reachable"
UNREACHABLE = "unreachable"
REMOVED = "removed"

_CONTACT: dict[str, str] = {
    "Created": REACHABLE,
    "NonQualified": REACHABLE,
    "Reachable": REACHABLE,
    "Unreachable": UNREACHABLE,
    "Removed": REMOVED,
}
_PEER: dict[str, str] = {"Reachable": REACHABLE, "Unreachable": UNREACHABLE}


class EndpointTracker:
    """Keeps each endpoint's last known status; tells the listener when it changes."""

    def __init__(self, listener: FactListener, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._listener = listener
        self._clock = clock
        self.status: dict[str, str] = {}

    def feed(self, event: ev.AmiEvent) -> None:
        if isinstance(event, ev.ContactStatus):
            status = _CONTACT.get(event.contact_status)
            endpoint = event.endpoint_name or event.aor
        elif isinstance(event, ev.PeerStatus):
            status = _PEER.get(event.peer_status)
            endpoint = event.peer.partition("/")[2] or event.peer
        else:
            return
        if status is None or not endpoint or self.status.get(endpoint) == status:
            return
        self.status[endpoint] = status
        self._listener.on_fact(EndpointStatus(endpoint, status, self._clock()))
