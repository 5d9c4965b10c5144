"""``dialer billing export``: a client's per-minute billing export to a file, with progress on stderr.

Run at the server's console, it sees every client; it is audited as ``console:<os user>``. The file
is written beside ``--output`` under a temporary name and renamed when complete, so a failed export
leaves no half file behind.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from dialer.audit.service import Actor
from dialer.billing.talk_time import TalkTotal
from dialer.billing_export.layout import DELIMITERS, decimal_text
from dialer.billing_export.period import export_span
from dialer.billing_export.plan import ContractPart
from dialer.billing_export.service import ExportFormat, export_bytes, prepare
from dialer.db.bootstrap import database
from dialer.db.engine import unit_of_work
from dialer.errors import DomainError
from dialer.settings import load_settings


def add_export(actions: Any) -> None:
    """The ``export`` action of the ``dialer billing`` group."""
    parser: argparse.ArgumentParser = actions.add_parser(
        "export", help="a client's per-minute billing export (one row per call, totals per contract)"
    )
    parser.add_argument("--client", type=int, required=True, help="client id")
    add_period_arguments(parser, "YYYY-MM: the contracts' billing month (late records included, marked)")
    parser.add_argument(
        "--format", choices=[f.value for f in ExportFormat], default="csv", help="(default csv)"
    )
    parser.add_argument("--delimiter", choices=DELIMITERS, default=";", help="CSV separator (default ;)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    parser.set_defaults(handler=run_export)


def add_period_arguments(parser: argparse.ArgumentParser, month_help: str) -> None:
    """``--month YYYY-MM``, or ``--from``/``--to`` days: the period of a billing command."""
    parser.add_argument("--month", help=month_help)
    parser.add_argument(
        "--from",
        dest="first",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="first day, instead of --month",
    )
    parser.add_argument(
        "--to", dest="last", type=date.fromisoformat, metavar="YYYY-MM-DD", help="last day, included"
    )


class Progress:
    """``rows · rows/s`` on stderr: one updating line on a terminal, a line every 5 s elsewhere."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = self.last = time.monotonic()

    def rows(self, count: int) -> None:
        now = time.monotonic()
        if now - self.last < (0.5 if self.tty else 5.0):
            return
        self.last = now
        line = f"{count:,} rows · {count / max(now - self.started, 1e-9):,.0f} rows/s"
        self.stream.write("\r" + line.ljust(60) if self.tty else line + "\n")
        self.stream.flush()

    def contract(self, part: ContractPart, total: TalkTotal) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 60 + "\r")
        self.stream.write(
            f"contract {part.number}: {total.calls:,} calls, {total.talk_seconds:,} talk seconds,"
            f" {total.billable_units:,} billable units, {decimal_text(total.amount)} {part.tariff.currency}\n"
        )
        self.stream.flush()


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    progress = Progress()
    export_format = ExportFormat(args.format)
    partial = args.output.with_name(f".{args.output.name}.partial")

    async def work() -> int:
        async with database(settings) as sessions:
            span = export_span(args.month, args.first, args.last)
            async with unit_of_work(sessions) as session:
                plan = await prepare(
                    session, Actor(f"console:{getpass.getuser()}", "admin"), args.client, span, export_format
                )
            written = 0
            with partial.open("wb") as out:
                async for chunk in export_bytes(
                    sessions,
                    plan,
                    export_format,
                    delimiter=args.delimiter,
                    rows_done=progress.rows,
                    contract_done=progress.contract,
                ):
                    out.write(chunk)
                    written += len(chunk)
            os.replace(partial, args.output)
            return written

    try:
        size = asyncio.run(work())
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    finally:
        partial.unlink(missing_ok=True)
    print(f"{args.output}: {size:,} bytes", file=sys.stderr)
    return 0
