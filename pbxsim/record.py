"""Asterisk's own record of calls, as the product's Asterisk writes it: CEL events through
``cel_custom`` (``asterisk-conf/cel.conf``, ``cel_custom.conf``), one CSV line per event, whether
or not anyone is connected to AMI.

Derived from the simulator's own event stream as Asterisk's CEL engine derives it from the channel
and bridge messages: ANSWER when a channel goes Up, BRIDGE_ENTER/BRIDGE_EXIT with the bridge's id
and technology, HANGUP with the cause, the hangup source (the channel itself when the far end hung
up, ``dialplan/builtin`` for Hangup(), ``dialplan/agi`` for AGI HANGUP, else empty) and the dial
status; and the dialplan's ``CELGenUserEvent`` (USER_DEFINED, ``{"extra": ...}``). The fields and
their format are those of the lines a real Asterisk 22.10.1 wrote (tests/ami/data).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pbxsim.channel import Channel, Pairs

UP = "6"


def _quoted(*fields: str) -> str:
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields)


class CelRecord:
    """Appends the CEL lines of every channel to ``path`` (the folder is made if missing)."""

    def __init__(
        self, path: Path, now: Callable[[], float], source_of: Callable[[str], tuple[str, str]]
    ) -> None:
        self.path = path
        self.now = now
        self.source_of = source_of  # channel name -> (hangup source, dial status)
        self._answered: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)

    def on_event(self, pairs: Pairs) -> None:
        """A listener on the simulator's AMI event stream."""
        if not pairs or pairs[0][0] != "Event":
            return
        name = pairs[0][1]
        fields = dict(pairs)
        uid = fields.get("Uniqueid", "")
        if name == "Newstate" and fields.get("ChannelState") == UP and uid not in self._answered:
            self._answered.add(uid)
            self._write("ANSWER", "", fields, None)
        elif name in ("BridgeEnter", "BridgeLeave"):
            bridge = {
                "bridge_id": fields.get("BridgeUniqueid", ""),
                "bridge_technology": fields.get("BridgeTechnology", ""),
            }
            self._write("BRIDGE_ENTER" if name == "BridgeEnter" else "BRIDGE_EXIT", "", fields, bridge)
        elif name == "Hangup":
            self._answered.discard(uid)
            source, dial_status = self.source_of(fields.get("Channel", ""))
            cause = fields.get("Cause", "0")
            extra = {
                "hangupcause": int(cause) if cause.isdigit() else 0,
                "hangupsource": source,
                "dialstatus": dial_status,
            }
            self._write("HANGUP", "", fields, extra)

    def user_event(self, channel: Channel, name: str, extra: str) -> None:
        """CELGenUserEvent(name,extra) run on ``channel``."""
        fields = {"Uniqueid": channel.uniqueid, "Linkedid": channel.linkedid, "Channel": channel.name}
        self._write("USER_DEFINED", name, fields, {"extra": extra})

    def _write(
        self, event: str, user_event: str, fields: dict[str, str], extra: dict[str, Any] | None
    ) -> None:
        line = _quoted(
            event,
            user_event,
            f"{self.now():.6f}",
            fields.get("Uniqueid", ""),
            fields.get("Linkedid", ""),
            fields.get("Channel", ""),
            json.dumps(extra, separators=(",", ":")) if extra is not None else "",
        )
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
