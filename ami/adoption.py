"""Adoption, for replays only (``dialer trace``): every originated channel in a capture is taken as
the product's own. One dialled through a trunk (``number@trunk``) or a Local channel is a customer
call, one dialled straight to an endpoint is an operator session; an Originate that made no channel
at all is a customer call failed at once."""

from __future__ import annotations

from ami import events as ev
from ami.call_state import CallState, ChannelState, Kind
from ami.naming import endpoint_of


class Adoption:
    def __init__(self) -> None:
        self._by_dial: dict[str, CallState] = {}  # "PJSIP/5552001@trunk" -> adopted call

    @staticmethod
    def call_for(ch: ChannelState, dial_string: str) -> CallState:
        """The call an originated channel, not placed by the product, stands for."""
        if "@" in dial_string or (ch.name or "").startswith("Local/"):
            return CallState(ch.uniqueid, Kind.CUSTOMER, ch.uniqueid)
        call = CallState(ch.uniqueid, Kind.OPERATOR, ch.uniqueid)
        call.operator = dial_string or endpoint_of(ch.name)
        return call

    @staticmethod
    def failed_originate(event: ev.OriginateResponse) -> CallState:
        key = event.action_id or event.channel or "originate"
        return CallState(key, Kind.CUSTOMER, key, action_id=event.action_id)

    def dialled(self, ch: ChannelState, call: CallState, dial_string: str) -> None:
        tech = (ch.name or "").partition("/")[0]
        self._by_dial[f"{tech}/{dial_string}"] = call

    def originate_of(self, channel: str) -> CallState | None:
        """The adopted call an OriginateResponse (which names the dialled channel) answers."""
        candidate = self._by_dial.get(channel)
        return candidate if candidate is not None and candidate.action_id is None else None

    def forget(self, call: CallState) -> None:
        if call.channel is not None and call.dial_string:
            self._by_dial.pop(f"{(call.channel.name or '').partition('/')[0]}/{call.dial_string}", None)
