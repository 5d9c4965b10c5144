"""The calls a tracker follows, by call id, Uniqueid and ActionID; ended calls are kept a while so
late events stay harmless and summaries readable."""

from __future__ import annotations

from collections import OrderedDict

from ami.call_state import CallState

ENDED_KEPT = 10_000


def current_uniqueid(call: CallState) -> str:
    """The Uniqueid of the call's channel now (a promoted leg's), else the one it was placed with."""
    return call.channel.uniqueid if call.channel is not None else call.uniqueid


class CallBook:
    def __init__(self, ended_kept: int = ENDED_KEPT) -> None:
        self.live: dict[str, CallState] = {}  # call id -> live call
        self.by_uniqueid: dict[str, CallState] = {}  # primary uniqueid (and linkedid) -> call
        self.by_action: dict[str, CallState] = {}
        self.ended: OrderedDict[str, CallState] = OrderedDict()
        self._ended_kept = ended_kept

    def register(self, call: CallState) -> bool:
        """Follow ``call``; False when its id is known already (live or ended)."""
        if call.call_id in self.live or call.call_id in self.ended:
            return False
        self.live[call.call_id] = call
        self.by_uniqueid[call.uniqueid] = call
        if call.action_id:
            self.by_action[call.action_id] = call
        return True

    def get(self, call_id: str) -> CallState | None:
        return self.live.get(call_id) or self.ended.get(call_id)

    def note_action(self, call: CallState, action_id: str) -> None:
        call.action_id = action_id
        self.by_action[action_id] = call

    def retire(self, call: CallState) -> CallState | None:
        """The call ended: keep it among the ended; returns the oldest ended call forgotten for it."""
        del self.live[call.call_id]
        self.ended[call.call_id] = call
        if len(self.ended) <= self._ended_kept:
            return None
        _, old = self.ended.popitem(last=False)
        self.by_uniqueid.pop(old.uniqueid, None)
        self.by_uniqueid.pop(current_uniqueid(old), None)
        if old.action_id:
            self.by_action.pop(old.action_id, None)
        return old
