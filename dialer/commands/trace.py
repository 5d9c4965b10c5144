"""``dialer trace FILE``: what the call tracker concludes from an AMI capture, call by call.

Support staff run it on a capture from a customer's Asterisk (the bytes an AMI client received,
``*.raw``, or a ``#### RX <time>`` transcript, ``*.log``). Every originate in it is treated as the
product's own. Prints a table, or one JSON object per call with ``--json``; ``--endpoints`` adds the
softphones' registration changes (reachable, unreachable, removed).

Times: a transcript gives each message's receive time. Raw bytes carry only the times Asterisk put
in the events (CEL ``EventTime`` in whole seconds, security ``EventTV``; every event's ``Timestamp``
when ``timestampevents = yes`` in manager.conf, which support should ask for before capturing), so a
stretch without such events gets the time of the nearest one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ami.call_state import CallSummary
from ami.facts import EndpointStatus
from ami.replay import replay
from dialer.commands import COMMANDS

_COLUMNS = ("call", "kind", "outcome", "cause", "operator", "talk_s", "hung_up_first", "amd")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("trace", help=COMMANDS["trace"])
    parser.add_argument("file", type=Path, help="AMI capture: raw received bytes or a #### transcript")
    parser.add_argument("--json", action="store_true", help="one JSON object per call instead of a table")
    parser.add_argument(
        "--endpoints", action="store_true", help="also list softphone registration changes (after the calls)"
    )
    parser.set_defaults(handler=run)


def as_record(summary: CallSummary) -> dict[str, Any]:
    """The JSON form of one call's facts."""
    outcome = summary.outcome if summary.fail_reason is None else f"failed: {summary.fail_reason}"
    times = ("created_at", "ringing_at", "answered_at", "connected_at", "ended_at")
    return {
        "call_id": summary.call_id,
        "kind": summary.kind,
        "outcome": outcome,
        "fail_reason": summary.fail_reason,
        "hangup_cause": summary.cause,
        "hangup_cause_txt": summary.cause_txt,
        "operator": summary.operator,
        "talk_seconds": round(summary.talk_seconds, 3),
        "hung_up_first": summary.hung_up_by,
        "amd_status": summary.amd_status,
        "amd_cause": summary.amd_cause,
        **{name: _iso(getattr(summary, name)) for name in times},
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _row(record: dict[str, Any]) -> tuple[str, ...]:
    amd = f"{record['amd_status']} {record['amd_cause']}" if record["amd_status"] else "-"
    cause = "-" if record["hangup_cause"] is None else str(record["hangup_cause"])
    return (
        record["call_id"],
        record["kind"],
        record["outcome"],
        cause,
        record["operator"] or "-",
        f"{record['talk_seconds']:.0f}",
        record["hung_up_first"] or "-",
        amd,
    )


def render_table(records: list[dict[str, Any]]) -> str:
    rows = [_COLUMNS, *(_row(r) for r in records)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"dialer trace: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    facts, summaries = replay(data)
    records = [as_record(s) for s in summaries]
    changes = [x for x in facts if isinstance(x, EndpointStatus)] if args.endpoints else []
    if args.json:
        for record in records:
            print(json.dumps(record))
        for change in changes:
            print(
                json.dumps(
                    {"endpoint": change.endpoint, "status": change.status, "at": change.at.isoformat()}
                )
            )
        return 0
    print(render_table(records) if records else "no originated calls in this capture")
    if changes:
        print("\nregistrations:")
        for change in changes:
            print(f"{change.at.isoformat()}  {change.endpoint}  {change.status}")
    return 0
