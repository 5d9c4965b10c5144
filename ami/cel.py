"""Asterisk's own record of calls: the CEL lines ``cel_custom`` writes (``asterisk-conf/cel.conf``,
``cel_custom.conf``), read back and summed up per channel.

Asterisk writes one CSV line per event, whether or not the product is connected, with the fields of
``FIELDS`` in that order, every field quoted (``""`` inside a field), times as
``<epoch seconds>.<microseconds>``:

    "HANGUP","","1796615137.378162","c-ring","c-ring","PJSIP/trunk-00000003","{""hangupcause"":19,...}"

``summarize`` turns one channel's events into a ``CelCall`` (answered, put into a bridge, the
fallback's mark, hung up with which cause and by whom); ``read_calls`` scans a folder of such files
for the channels asked for, and names the channel each was bridged with (``partner``: the
operator's leg of a call put through while nobody watched). Pure parsing and blocking file reads:
callers on an event loop run ``read_calls`` in a thread.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FIELDS = ("eventenum", "usereventname", "eventtime", "uniqueid", "linkedid", "channame", "eventextra")
FALLBACK_EVENT = "dialer-fallback"  # CELGenUserEvent of dialer-route-fallback: extra "AMDSTATUS/AMDCAUSE"


@dataclass(frozen=True, slots=True)
class CelEvent:
    event: str  # ANSWER, HANGUP, BRIDGE_ENTER, BRIDGE_EXIT, USER_DEFINED...
    user_event: str  # CELGenUserEvent's name for USER_DEFINED, else ""
    at: datetime
    uniqueid: str
    linkedid: str
    channel: str
    extra: dict[str, Any]


def parse_line(fields: list[str]) -> CelEvent | None:
    """One CSV row (already split) as an event; None for a row that is not one (wrong shape)."""
    if len(fields) != len(FIELDS):
        return None
    event, user_event, time, uniqueid, linkedid, channel, extra = fields
    try:
        at = datetime.fromtimestamp(float(time), UTC)
    except ValueError:
        return None
    try:
        data = json.loads(extra) if extra else {}
    except json.JSONDecodeError:
        data = {}
    return CelEvent(
        event, user_event, at, uniqueid, linkedid, channel, data if isinstance(data, dict) else {}
    )


def format_line(event: CelEvent) -> str:
    """The line Asterisk writes for ``event`` (every field quoted), without the line end."""
    extra = json.dumps(event.extra, separators=(",", ":")) if event.extra else ""
    time = f"{event.at.timestamp():.6f}"
    fields = (event.event, event.user_event, time, event.uniqueid, event.linkedid, event.channel, extra)
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields)


@dataclass(frozen=True, slots=True)
class CelCall:
    """What Asterisk recorded of one channel (a customer call: its Uniqueid is the call id)."""

    uniqueid: str
    channel: str
    answered_at: datetime | None
    bridged_at: datetime | None  # first entry into a bridge (put through)
    unbridged_at: datetime | None  # last exit from a bridge
    ended_at: datetime | None  # the HANGUP event; None: not ended as far as the record goes
    cause: int | None
    hangup_source: str  # the channel itself (far end hung up), dialplan/builtin, dialplan/agi, "" ...
    fallback_at: datetime | None  # the dialplan's fallback played the abandon message
    fallback_amd: tuple[str, str] | None  # its AMD verdict (status, cause), if AMD ran
    bridged_with: str | None = None  # the channel in the bridge with it when it was put through

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def hung_up_by_far_end(self) -> bool:
        return bool(self.hangup_source) and self.hangup_source == self.channel


def summarize(events: Iterable[CelEvent]) -> CelCall | None:
    """One channel's events (in the order written) as a ``CelCall``; None if there are none."""
    ordered = list(events)
    if not ordered:
        return None
    answered = bridged = unbridged = ended = fallback_at = None
    cause: int | None = None
    source = ""
    fallback_amd: tuple[str, str] | None = None
    for e in ordered:
        if e.event == "ANSWER" and answered is None:
            answered = e.at
        elif e.event == "BRIDGE_ENTER" and bridged is None:
            bridged = e.at
        elif e.event == "BRIDGE_EXIT":
            unbridged = e.at
        elif e.event == "HANGUP" and ended is None:
            ended = e.at
            raw = e.extra.get("hangupcause")
            cause = raw if isinstance(raw, int) else None
            source = str(e.extra.get("hangupsource") or "")
        elif e.event == "USER_DEFINED" and e.user_event == FALLBACK_EVENT and fallback_at is None:
            fallback_at = e.at
            status, _, amd_cause = str(e.extra.get("extra") or "").partition("/")
            fallback_amd = (status, amd_cause) if status else None
    first = ordered[0]
    return CelCall(
        first.uniqueid,
        first.channel,
        answered,
        bridged,
        unbridged,
        ended,
        cause,
        source,
        fallback_at,
        fallback_amd,
    )


def _bridge_id(event: CelEvent) -> str:
    return str(event.extra.get("bridge_id") or "")


def partner(call: CelCall, first_bridge: str, others: Iterable[CelEvent]) -> str | None:
    """The channel that was in bridge ``first_bridge`` with ``call`` when it entered it (the
    operator's leg, held there beforehand or entering within a second), from the other channels'
    BRIDGE_ENTER/BRIDGE_EXIT events in the order written; None if no other channel was there."""
    if call.bridged_at is None:
        return None
    latest = call.bridged_at + timedelta(seconds=1)
    inside: dict[str, CelEvent] = {}  # channel -> its last entry not yet followed by an exit
    for e in others:
        if _bridge_id(e) != first_bridge or e.uniqueid == call.uniqueid or e.at > latest:
            continue
        if e.event == "BRIDGE_ENTER":
            inside[e.uniqueid] = e
        elif e.event == "BRIDGE_EXIT" and e.at <= call.bridged_at:
            inside.pop(e.uniqueid, None)
    if not inside:
        return None
    return max(inside.values(), key=lambda e: e.at).channel


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        yield from csv.reader(handle)


def read_calls(folder: Path, uniqueids: Collection[str]) -> dict[str, CelCall]:
    """The record of each channel in ``uniqueids`` found in the ``*.csv`` files of ``folder``
    (blocking: run it in a thread). A channel absent from every file is absent from the result."""
    wanted = set(uniqueids)
    if not wanted or not folder.is_dir():
        return {}
    found: dict[str, list[CelEvent]] = {}
    for event in _scan(folder, lambda row: row[3] in wanted):
        found.setdefault(event.uniqueid, []).append(event)
    calls = {uid: call for uid, events in found.items() if (call := summarize(events)) is not None}
    first_bridge = {
        uid: next(_bridge_id(e) for e in events if e.event == "BRIDGE_ENTER")
        for uid, events in found.items()
        if any(e.event == "BRIDGE_ENTER" for e in events)
    }
    if not first_bridge:
        return calls
    bridges = set(first_bridge.values()) - {""}
    others = list(
        _scan(folder, lambda row: row[0].startswith("BRIDGE_") and any(b in row[6] for b in bridges))
    )
    for uid, bridge in first_bridge.items():
        calls[uid] = replace(calls[uid], bridged_with=partner(calls[uid], bridge, others))
    return calls


def _scan(folder: Path, keep: Callable[[list[str]], bool]) -> Iterator[CelEvent]:
    """The events of the rows ``keep`` accepts, file by file in name order (a second pass reads the
    files again: only calls put through while nobody watched need one)."""
    for path in sorted(folder.glob("*.csv")):
        try:
            for row in _rows(path):
                if len(row) == len(FIELDS) and keep(row):
                    event = parse_line(row)
                    if event is not None:
                        yield event
        except OSError as exc:
            log.warning("PBX record %s not read: %s", path, exc)
