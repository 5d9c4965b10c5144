"""Clocks for the tracker: wall time for a live connection, event time for a replayed capture."""

from __future__ import annotations

from datetime import UTC, datetime

from ami.events import event_time
from ami.wire import Message

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class EventClock:
    """The latest time the event stream itself has shown (``Timestamp``, ``EventTV``, CEL
    ``EventTime``), or a time set from outside (a transcript's receive time). Never goes back."""

    __slots__ = ("now",)

    def __init__(self, start: datetime = EPOCH) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        if when > self.now:
            self.now = when

    def observe(self, message: Message) -> None:
        when = event_time(message)
        if when is not None:
            self.set(when)
