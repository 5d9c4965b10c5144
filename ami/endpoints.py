"""Softphone registrations: ContactStatus / PeerStatus events in, one fact per change out.

What Asterisk shows (captures, part 2 observation 13): a REGISTER gives ContactStatus NonQualified
then Reachable and PeerStatus Reachable; an unregister gives PeerStatus Unreachable then ContactStatus
Removed; a softphone that dies says nothing until the next qualify fails (Unreachable, ~6 s), and its
contact is Removed only when it expires. The engine must never send a customer to an endpoint that is
not ``reachable``.

Events only tell changes. A phone that registered before the product connected (or while it was
away) says nothing more, so at every connect the client lists the contacts (PJSIPShowContacts) and
``resync`` states them all at once (``EndpointsListed``): a contact listed Reachable or NonQualified is
reachable, Unreachable or Unknown (not qualified yet; a ContactStatus follows) is not, and an endpoint
with no contact listed is not registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from ami import events as ev
from ami.clock import utc_now
from ami.facts import EndpointsListed, EndpointStatus, FactListener

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
_LISTED: dict[str, str] = {
    "Reachable": REACHABLE,
    "NonQualified": REACHABLE,
    "Unreachable": UNREACHABLE,
    "Unknown": UNREACHABLE,
}


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

    def resync(self, contacts: Iterable[ev.ContactList]) -> None:
        """Every endpoint's status from Asterisk's listing (one reachable contact is enough)."""
        listed: dict[str, str] = {}
        for contact in contacts:
            status = _LISTED.get(contact.status, UNREACHABLE)
            if contact.endpoint and listed.get(contact.endpoint) != REACHABLE:
                listed[contact.endpoint] = status
        self.status = {endpoint: REMOVED for endpoint in self.status} | listed
        self._listener.on_fact(EndpointsListed(dict(listed), self._clock()))
