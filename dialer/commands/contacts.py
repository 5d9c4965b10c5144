"""``dialer contacts import|list|export``: load a campaign's base, look at it, get it back as CSV."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from dialer.commands import COMMANDS
from dialer.contacts.console import ProgressLine, format_report, parse_column_map
from dialer.contacts.errors import ImportRefused, NotFound
from dialer.contacts.importing import import_contacts
from dialer.contacts.models import ContactStatus
from dialer.contacts.queries import export_contacts_csv, list_contacts
from dialer.db.bootstrap import database
from dialer.settings import load_settings


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campaign", type=int, required=True, help="campaign id")
    parser.add_argument(
        "--status", action="append", choices=[s.value for s in ContactStatus], help="status (repeatable)"
    )
    parser.add_argument("--attempts", type=int, help="exactly this many attempts")
    parser.add_argument("--min-attempts", type=int)
    parser.add_argument("--max-attempts", type=int)
    parser.add_argument("--last-outcome", help="last call outcome, e.g. busy, no_answer")
    parser.add_argument(
        "--on-dnc", action=argparse.BooleanOptionalAction, default=None, help="on do-not-call"
    )


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("contacts", help=COMMANDS["contacts"])
    actions = parser.add_subparsers(dest="contacts_action", metavar="ACTION", required=True)

    imp = actions.add_parser("import", help="import a CSV or XLSX base into a campaign")
    imp.add_argument("file", type=Path, help="CSV (UTF-8 or Windows-1251; , ; or tab) or XLSX")
    imp.add_argument("--campaign", type=int, required=True, help="campaign id")
    imp.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="take FIELD (phone, name, company, timezone, consent) from COLUMN; repeat phone= for several",
    )
    imp.add_argument(
        "--sheet", help="the XLSX sheet to read, by name or number from 1 (default: the first with phones)"
    )
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(handler=run_import)

    lst = actions.add_parser("list", help="list a campaign's contacts")
    _filters(lst)
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--offset", type=int, default=0)
    lst.add_argument("--json", action="store_true", help="print JSON lines")
    lst.set_defaults(handler=run_list)

    exp = actions.add_parser("export", help="export a campaign's contacts as CSV")
    _filters(exp)
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    exp.add_argument("--delimiter", default=";", help="CSV separator (default ;)")
    exp.set_defaults(handler=run_export)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def run_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        column_map = parse_column_map(args.map)
    except ValueError as error:
        return _fail(str(error))
    progress = ProgressLine()

    async def work() -> Any:
        async with database(settings) as sessions:
            with args.file.open("rb") as source:
                return await import_contacts(
                    sessions,
                    args.campaign,
                    source,
                    args.file.name,
                    settings=settings,
                    progress=progress,
                    column_map=column_map,
                    sheet=args.sheet,
                )

    try:
        report = asyncio.run(work())
    except (ImportRefused, NotFound, ValueError, OSError) as error:
        progress.done()
        return _fail(getattr(error, "message", None) or str(error))
    progress.done()
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else format_report(report))
    return 0


def _filter_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "status": args.status,
        "attempts": args.attempts,
        "min_attempts": args.min_attempts,
        "max_attempts": args.max_attempts,
        "last_outcome": args.last_outcome,
        "on_dnc": args.on_dnc,
    }


def run_list(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> tuple[list[Any], int]:
        async with database(settings) as sessions, sessions() as session:
            return await list_contacts(
                session, args.campaign, limit=args.limit, offset=args.offset, **_filter_kwargs(args)
            )

    contacts, total = asyncio.run(work())
    for c in contacts:
        if args.json:
            row = {
                "id": c.id,
                "phone": c.phone,
                "extension": c.extension,
                "extra_phones": c.extra_phones,
                "name": c.name,
                "company": c.company,
                "timezone": c.timezone,
                "status": c.status.value,
                "on_dnc": c.on_dnc,
                "attempts": c.attempts,
                "last_outcome": c.last_outcome,
                "data": c.data,
            }
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{c.id:>8}  {c.phone:<16}  {c.status.value:<12}  {c.attempts:>2}  {c.name}  {c.company}")
    print(f"{len(contacts)} of {total} contacts", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> None:
        async with database(settings) as sessions:
            out = args.output.open("wb") if args.output else sys.stdout.buffer
            try:
                async for chunk in export_contacts_csv(
                    sessions, args.campaign, delimiter=args.delimiter, **_filter_kwargs(args)
                ):
                    out.write(chunk)
            finally:
                if args.output:
                    out.close()
                else:
                    out.flush()

    asyncio.run(work())
    return 0
