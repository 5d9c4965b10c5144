"""``dialer dnc import|add|list|remove``: the global and per-client do-not-call lists."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from dialer.commands import COMMANDS
from dialer.contacts.console import ProgressLine, format_report
from dialer.contacts.dnc import add_dnc, list_dnc, remove_dnc
from dialer.contacts.errors import ImportRefused, NotFound
from dialer.contacts.importing import import_dnc
from dialer.db.bootstrap import database
from dialer.db.engine import unit_of_work
from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("dnc", help=COMMANDS["dnc"])
    actions = parser.add_subparsers(dest="dnc_action", metavar="ACTION", required=True)
    client_help = "the client's list (default: the global list)"

    imp = actions.add_parser("import", help="import numbers from a CSV or XLSX file")
    imp.add_argument("file", type=Path, help="CSV (UTF-8 or Windows-1251; , ; or tab) or XLSX")
    imp.add_argument("--client", type=int, help=client_help)
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(handler=run_import)

    add = actions.add_parser("add", help="put one number on a list")
    add.add_argument("phone")
    add.add_argument("--client", type=int, help=client_help)
    add.add_argument("--reason", default="", help="why (kept with the entry)")
    add.set_defaults(handler=run_add)

    lst = actions.add_parser("list", help="list a list's numbers, newest first")
    lst.add_argument("--client", type=int, help=client_help)
    lst.add_argument("--limit", type=int, default=100)
    lst.add_argument("--offset", type=int, default=0)
    lst.set_defaults(handler=run_list)

    rm = actions.add_parser("remove", help="take an entry off its list")
    rm.add_argument("entry", type=int, help="entry id (see dnc list)")
    rm.add_argument("--client", type=int, help=client_help)
    rm.set_defaults(handler=run_remove)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def run_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    progress = ProgressLine()

    async def work() -> Any:
        async with database(settings) as sessions:
            with args.file.open("rb") as source:
                return await import_dnc(
                    sessions, args.client, source, args.file.name, settings=settings, progress=progress
                )

    try:
        report = asyncio.run(work())
    except (ImportRefused, NotFound, OSError) as error:
        progress.done()
        return _fail(getattr(error, "message", None) or str(error))
    progress.done()
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else format_report(report, dnc=True))
    return 0


def run_add(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> str:
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            entry = await add_dnc(session, args.client, args.phone, args.reason, settings.default_country)
            return f"{entry.id}  {entry.phone}"

    try:
        print(asyncio.run(work()))
    except (ValueError, NotFound) as error:
        return _fail(str(error))
    return 0


def run_list(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> int:
        async with database(settings) as sessions, sessions() as session:
            entries, total = await list_dnc(session, args.client, args.limit, args.offset)
        for e in entries:
            print(f"{e.id:>8}  {e.phone:<16}  {e.created_at:%Y-%m-%d %H:%M}  {e.reason}")
        print(f"{len(entries)} of {total} numbers", file=sys.stderr)
        return 0

    return asyncio.run(work())


def run_remove(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> bool:
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            return await remove_dnc(session, args.entry, args.client)

    if not asyncio.run(work()):
        return _fail(f"no entry {args.entry} on that list")
    return 0
