"""Channels and bridges as the events show them, and who in a bridge is a customer's operator.

Who the operator is: whoever shares a bridge with the customer's side (the leg the customer's channel
dialled, the queue member's channel, the operator's nailed-up leg, or any untracked endpoint channel
bridged by AMI Bridge), else the conference's owner by name (``op1001`` -> 1001, configurable) when
the operator's leg joined before the capture started.
"""

from __future__ import annotations

from collections.abc import Callable

from ami.call_state import CallState, ChannelState, Kind, Role
from ami.local_pairs import LocalPairs
from ami.naming import endpoint_of


class Topology:
    def __init__(self, operator_of_conference: Callable[[str], str | None]) -> None:
        self.channels: dict[str, ChannelState] = {}
        self.bridges: dict[str, set[str]] = {}
        self.conferences: dict[str, str] = {}  # bridge uniqueid -> conference name
        self.locals = LocalPairs()
        self._operator_of_conference = operator_of_conference

    def add(self, uniqueid: str, name: str | None, linkedid: str | None) -> ChannelState:
        ch = ChannelState(uniqueid, name, linkedid)
        self.channels[uniqueid] = ch
        return ch

    def local_partner(self, ch: ChannelState) -> ChannelState | None:
        """The other half of a Local channel pair (``...;1`` <-> ``...;2``), if it is known."""
        uid = self.locals.partner(ch.name)
        return self.channels.get(uid) if uid is not None else None

    def mark_operator(self, ch: ChannelState, call: CallState, operator: str | None) -> None:
        """``ch`` reaches ``call``'s operator (and so does its Local partner, if any)."""
        ch.call, ch.role = call, Role.OPERATOR
        ch.operator = ch.operator or operator
        partner = self.local_partner(ch)
        if partner is not None and partner.role is not Role.OPERATOR:
            partner.call, partner.role, partner.operator = call, Role.OPERATOR, ch.operator

    def enter(self, ch: ChannelState, bridge: str) -> None:
        """``ch`` is in ``bridge`` now (the tracker has had it leave any other first)."""
        ch.bridge = bridge
        self.bridges.setdefault(bridge, set()).add(ch.uniqueid)

    def leave(self, ch: ChannelState, bridge: str) -> set[str] | None:
        """``ch`` left ``bridge``; returns the members still in it."""
        members = self.bridges.get(bridge)
        if members is not None:
            members.discard(ch.uniqueid)
            if not members:
                del self.bridges[bridge]
                self.conferences.pop(bridge, None)
        if ch.bridge == bridge:
            ch.bridge = None
        return members

    def members(self, bridge: str) -> list[ChannelState]:
        uids = sorted(self.bridges.get(bridge, ()))  # sorted: the same answer whatever the hash seed
        return [self.channels[u] for u in uids if u in self.channels]

    def calls_connected_through(
        self, operator_ch: ChannelState, bridge: str | None = None
    ) -> list[CallState]:
        """Live calls put through to the operator on ``operator_ch``, found among the bridge's members."""
        bridge = bridge or operator_ch.bridge
        if bridge is None:
            return []
        calls = []
        for uid in self.bridges.get(bridge, ()):
            ch = self.channels.get(uid)
            call = ch.call if ch is not None else None
            if (
                call is not None
                and call.live
                and call.connected_bridge == bridge
                and call.operator_channel is operator_ch
            ):
                calls.append(call)
        return calls

    def operator_in(
        self, members: list[ChannelState], conference: str | None, customer: ChannelState
    ) -> tuple[str | None, ChannelState | None]:
        """Who in this bridge is the customer's operator, in order of certainty: a channel known to
        reach an operator (dialled by the customer, a queue member, an operator's nailed-up leg); the
        conference's owner by name; an untracked endpoint channel not on the customer's own trunk
        (bridged by AMI Bridge, or an operator leg that joined before the stream began)."""
        fallback: tuple[str, ChannelState] | None = None
        customer_endpoint = endpoint_of(customer.name)
        for ch in members:
            if ch.role is Role.OPERATOR or (ch.call is not None and ch.call.kind is Kind.OPERATOR):
                return ch.operator or endpoint_of(ch.name), ch
            if ch.call is None and fallback is None:
                endpoint = endpoint_of(ch.name)
                if endpoint and endpoint != customer_endpoint:
                    fallback = endpoint, ch
        owner = self._operator_of_conference(conference) if conference else None
        if owner is not None:
            return owner, next((ch for ch in members if endpoint_of(ch.name) == owner), None)
        return fallback if fallback is not None else (None, None)

    def forget_calls(self, calls: list[CallState]) -> None:
        ended = {id(c) for c in calls}
        for uid in [u for u, ch in self.channels.items() if ch.call is not None and id(ch.call) in ended]:
            del self.channels[uid]

    def clear(self) -> None:
        """Asterisk went away: none of its channels or bridges lives on (Local names stay as before)."""
        self.channels.clear()
        self.bridges.clear()
        self.conferences.clear()
