"""Replaying a capture through the tracker: the engine of ``dialer trace`` and of the replay tests.

Two capture formats are read, both as bytes (no I/O here):
- ``*.raw``: exactly the bytes received from AMI. Times come from the events themselves (CEL
  ``EventTime``, ``EventTV``, ``Timestamp``): each message takes the time of the nearest one that
  carries a time, so they are as fine as Asterisk wrote them (whole seconds for CEL);
- ``*.log``: a transcript whose ``#### RX <time>`` lines give each received message's arrival time
  (milliseconds). ``TX`` and ``NOTE`` blocks are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from ami.call_state import CallSummary
from ami.clock import EventClock
from ami.endpoints import EndpointTracker
from ami.events import AmiEvent, event_time, to_event
from ami.facts import Fact
from ami.tracker import CallTracker
from ami.wire import AmiParser, Message, iter_messages

_HEADER = re.compile(rb"^#### (RX|TX|NOTE|RX-EOF)(?: (\S+))?[^\n]*\n", re.MULTILINE)


def is_transcript(data: bytes) -> bool:
    return data.startswith(b"#### ")


def transcript_messages(data: bytes) -> Iterator[tuple[datetime | None, Message]]:
    """Received messages of a ``*.log`` transcript, each with its arrival time (UTC)."""
    parser = AmiParser(expect_banner=False)
    marks = list(_HEADER.finditer(data))
    for index, mark in enumerate(marks):
        if mark.group(1) != b"RX":
            continue
        end = marks[index + 1].start() if index + 1 < len(marks) else len(data)
        body = data[mark.end() : end]
        if body.startswith(b"Asterisk Call Manager/"):
            continue
        when = _rx_time(mark.group(2))
        for message in parser.feed(body):
            yield when, message


def _rx_time(text: bytes | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.decode()).replace(tzinfo=UTC)
    except ValueError:
        return None


def capture_messages(data: bytes) -> Iterator[tuple[datetime | None, Message]]:
    """Every received message of a capture in either format, with a time where the format has one."""
    if is_transcript(data):
        yield from transcript_messages(data)
    else:
        yield from _timed_by_nearest_event(list(iter_messages(data)))


def _timed_by_nearest_event(messages: list[Message]) -> Iterator[tuple[datetime | None, Message]]:
    """Raw bytes carry no receive times: give each message the time of the nearest message (by
    position; the earlier one on a tie) that carries one. CEL records of a step come just before or
    just after that step's AMI events, so the nearest one is the step's time to the second."""
    count = len(messages)
    stamps = [event_time(m) for m in messages]
    before: list[tuple[int, datetime] | None] = [None] * count
    last: tuple[int, datetime] | None = None
    for index in range(count):
        stamp = stamps[index]
        if stamp is not None:
            last = (index, stamp)
        before[index] = last
    after: tuple[int, datetime] | None = None
    times: list[datetime | None] = [None] * count
    for index in range(count - 1, -1, -1):
        stamp = stamps[index]
        if stamp is not None:
            after = (index, stamp)
        prev = before[index]
        if prev is None or (after is not None and after[0] - index < index - prev[0]):
            times[index] = after[1] if after is not None else None
        else:
            times[index] = prev[1]
    yield from zip(times, messages, strict=True)


class Replayer:
    """A tracker (and registration tracker) driven by a capture's messages, recording every fact."""

    def __init__(self, *, adopt_originates: bool = True) -> None:
        self.clock = EventClock()
        self.facts: list[Fact] = []
        self.tracker = CallTracker(self, clock=self.clock, adopt_originates=adopt_originates)
        self.endpoints = EndpointTracker(self, clock=self.clock)

    def on_fact(self, fact: Fact) -> None:
        self.facts.append(fact)

    def feed(self, items: Iterable[tuple[datetime | None, Message]]) -> None:
        tracker, endpoints, clock = self.tracker, self.endpoints, self.clock
        for when, message in items:
            if when is not None:
                clock.set(when)
            if message.event is None:
                tracker.feed_response(message.response, message.get("Message"))
                continue
            event: AmiEvent = to_event(message)
            tracker.feed(event)
            endpoints.feed(event)


def replay(data: bytes) -> tuple[list[Fact], list[CallSummary]]:
    """Replay a whole capture (``*.raw`` or ``*.log``): every fact, and every call's summary."""
    replayer = Replayer()
    replayer.feed(capture_messages(data))
    return replayer.facts, replayer.tracker.summaries()
