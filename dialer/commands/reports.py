"""``dialer reports daily|monthly``: a campaign's daily report or a contract's monthly report, printed
or written to a file, without the API (the CLI is the centre's own, like ``dialer db``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dialer.campaigns.models import Campaign
from dialer.clients.models import Contract
from dialer.commands import COMMANDS
from dialer.db.bootstrap import database
from dialer.db.engine import unit_of_work
from dialer.errors import DomainError
from dialer.metering.periods import parse_month
from dialer.reports import daily_documents, monthly_documents
from dialer.reports.daily_source import load_daily_report
from dialer.reports.monthly_source import generate, report_for
from dialer.settings import load_settings

DAILY_FORMATS = ("json", "csv", "xlsx", "html")
MONTHLY_FORMATS = ("json", "csv", "xlsx", "html", "pdf")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("reports", help=COMMANDS["reports"])
    actions = parser.add_subparsers(dest="reports_action", metavar="ACTION", required=True)

    daily = actions.add_parser("daily", help="a campaign's report on one day")
    daily.add_argument("--campaign", type=int, required=True, help="campaign id")
    daily.add_argument("--day", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    daily.add_argument("--tz", default="UTC", help="IANA zone of the day and its hours (default UTC)")
    daily.add_argument("--format", choices=DAILY_FORMATS, default="json")
    daily.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    daily.set_defaults(handler=run_daily)

    monthly = actions.add_parser("monthly", help="a contract's report on one month")
    monthly.add_argument("--contract", type=int, required=True, help="contract id")
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    monthly.add_argument("--format", choices=MONTHLY_FORMATS, default="json")
    monthly.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    monthly.add_argument(
        "--generate",
        action="store_true",
        help="make and store the month's report now (closes the month; the job does it on schedule)",
    )
    monthly.set_defaults(handler=run_monthly)


def _write(content: str | bytes, output: Path | None) -> None:
    if output is not None:
        output.write_bytes(content.encode() if isinstance(content, str) else content)
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(content)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def run_daily(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def go() -> str | bytes:
        async with database(settings) as sessions, sessions() as session:
            campaign = await session.get(Campaign, args.campaign)
            if campaign is None:
                raise DomainError(f"campaign {args.campaign} not found")
            report = await load_daily_report(
                session, campaign, args.day, args.tz, settings.effective_public_url
            )
        match args.format:
            case "csv":
                return daily_documents.csv_text(report)
            case "xlsx":
                return daily_documents.xlsx_bytes(report)
            case "html":
                return daily_documents.to_html(report)
        return json.dumps(daily_documents.to_json(report), ensure_ascii=False, indent=2) + "\n"

    try:
        _write(asyncio.run(go()), args.output)
    except DomainError as error:
        return _fail(error.message)
    return 0


def run_monthly(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def go() -> str | bytes:
        year, month = parse_month(args.month)
        now = datetime.now(UTC)
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            contract = await session.get(Contract, args.contract)
            if contract is None:
                raise DomainError(f"contract {args.contract} not found")
            if args.generate:
                await generate(session, contract.id, year, month, by="cli", now=now)
            report = await report_for(session, contract, year, month, now)
        match args.format:
            case "csv":
                return monthly_documents.csv_text(report)
            case "xlsx":
                return monthly_documents.xlsx_bytes(report)
            case "html":
                return monthly_documents.to_html(report)
            case "pdf":
                return monthly_documents.to_pdf(report)
        return json.dumps(monthly_documents.json_document(report), ensure_ascii=False, indent=2) + "\n"

    try:
        _write(asyncio.run(go()), args.output)
    except DomainError as error:
        return _fail(error.message)
    return 0
