"""``dialer billing statement|close|volume``: a contract's monthly statement, closing a month, its volume
(and, in their own modules, ``export`` and ``check``).

The ``billing`` group is built from ``ACTIONS``: each entry adds one sub-command to it. Another
billing command goes in its own module as a function ``add_<name>(actions)`` (``actions`` is the
group's argparse sub-parsers) and is listed in ``ACTIONS`` below (e.g. ``dialer billing export``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dialer.billing_check.cli import add_check
from dialer.billing_export.cli import add_export
from dialer.commands import COMMANDS
from dialer.db.bootstrap import database
from dialer.db.engine import unit_of_work
from dialer.errors import DomainError
from dialer.metering.figures import Statement
from dialer.metering.periods import parse_month
from dialer.metering.service import current_month
from dialer.metering.snapshot import statement_to_json
from dialer.metering.statement import close_period, load_contract, monthly_statement
from dialer.metering.text import statement_text, volume_text
from dialer.metering.volume import volume_report
from dialer.settings import load_settings

Actions = Any  # argparse's sub-parsers of the billing group


def add_statement(actions: Actions) -> None:
    parser: argparse.ArgumentParser = actions.add_parser("statement", help="a contract's monthly statement")
    parser.add_argument("--contract", type=int, required=True, help="contract id")
    parser.add_argument("--month", help="YYYY-MM (default: the current month in the contract's zone)")
    parser.add_argument("--json", action="store_true", help="print the statement as JSON")
    parser.set_defaults(handler=run_statement)


def add_close(actions: Actions) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "close", help="freeze a contract's month (its statement never changes; later records go to the next)"
    )
    parser.add_argument("--contract", type=int, required=True, help="contract id")
    parser.add_argument("--month", required=True, help="YYYY-MM, a month that is over")
    parser.add_argument("--by", default="console", help="who closes it (kept with the month)")
    parser.add_argument("--json", action="store_true", help="print the frozen statement as JSON")
    parser.set_defaults(handler=run_close)


def add_volume(actions: Actions) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "volume", help="a contract's committed volume: used, left, burn rate, run-out day"
    )
    parser.add_argument("--contract", type=int, required=True, help="contract id")
    parser.set_defaults(handler=run_volume)


ACTIONS: list[Callable[[Actions], None]] = [add_statement, add_close, add_volume, add_export, add_check]
"""The group's sub-commands; add yours here (one function per command, in its own module)."""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("billing", help=COMMANDS["billing"])
    actions = parser.add_subparsers(dest="billing_action", metavar="ACTION", required=True)
    for add in ACTIONS:
        add(actions)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _run(work: Callable[[], Any]) -> int:
    try:
        print(asyncio.run(work()))
    except DomainError as error:
        return _fail(error.message)
    return 0


def _statement_output(statement: Statement, *, as_json: bool) -> str:
    """A statement as ``--json`` asks: its JSON document or its text."""
    return (
        json.dumps(statement_to_json(statement), ensure_ascii=False) if as_json else statement_text(statement)
    )


def run_statement(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> str:
        now = datetime.now(UTC)
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            if args.month:
                year, month = parse_month(args.month, "--month")
            else:
                year, month = current_month(await load_contract(session, args.contract), now)
            statement = await monthly_statement(session, args.contract, year, month, now=now)
        return _statement_output(statement, as_json=args.json)

    return _run(work)


def run_close(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> str:
        year, month = parse_month(args.month, "--month")
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            statement = await close_period(session, args.contract, year, month, by=args.by)
        return _statement_output(statement, as_json=args.json)

    return _run(work)


def run_volume(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def work() -> str:
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            contract = await load_contract(session, args.contract)
            return volume_text(await volume_report(session, contract, datetime.now(UTC)))

    return _run(work)
