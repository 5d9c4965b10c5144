"""Reconciling with Asterisk after a (re)connect: the calls live before the channel listing whose
channel the listing does not show are gone (including an originate whose answer was lost with the old
connection and whose channel never showed)."""

from __future__ import annotations

from collections.abc import Iterable

from ami.call_book import current_uniqueid
from ami.call_state import CallState


class Resync:
    def __init__(self) -> None:
        self._seen: set[str] | None = None
        self._before: set[str] = set()

    def begin(self, live_call_ids: Iterable[str]) -> None:
        """From here the listing's channels are noted; only ``live_call_ids`` may be found gone."""
        self._seen = set()
        self._before = set(live_call_ids)

    def listed(self, uniqueid: str | None) -> None:
        if self._seen is not None and uniqueid is not None:
            self._seen.add(uniqueid)

    def finish(self, live: Iterable[CallState]) -> list[CallState]:
        """The calls the listing did not show; the resync is over."""
        seen, self._seen = self._seen or set(), None
        before, self._before = self._before, set()
        return [c for c in live if c.call_id in before and current_uniqueid(c) not in seen]
