"""Asterisk's record of customer calls as cel_custom writes it (``ami.cel.format_line``), for tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ami.cel import CelEvent, format_line


@dataclass(frozen=True)
class Recorded:
    """One customer channel: answered, put into an operator's bridge (None: never), hung up."""

    uid: str
    answered: datetime
    bridged: datetime | None
    ended: datetime | None
    cause: int = 16


def events(call: Recorded) -> list[CelEvent]:
    channel = f"PJSIP/trunk-{abs(hash(call.uid)) % 10**8:08x}"
    bridge = {"bridge_id": f"bridge-{call.uid}", "bridge_technology": "softmix"}

    def event(name: str, at: datetime, extra: dict[str, object]) -> CelEvent:
        return CelEvent(name, "", at, call.uid, call.uid, channel, extra)

    out = [event("ANSWER", call.answered, {})]
    if call.bridged is not None:
        out.append(event("BRIDGE_ENTER", call.bridged, bridge))
        if call.ended is not None:
            out.append(event("BRIDGE_EXIT", call.ended, bridge))
    if call.ended is not None:
        source = channel if call.cause == 16 else ""
        out.append(
            event("HANGUP", call.ended, {"hangupcause": call.cause, "hangupsource": source, "dialstatus": ""})
        )
    return out


def write_record(folder: Path, calls: Iterable[Recorded], name: str = "cel.csv") -> Path:
    """The calls' lines in the order Asterisk writes them (by time), as one file of ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = sorted((e for c in calls for e in events(c)), key=lambda e: e.at)
    path = folder / name
    path.write_text("".join(format_line(e) + "\n" for e in lines), encoding="utf-8")
    return path
