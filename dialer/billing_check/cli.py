"""``dialer billing check``: a contract's bill checked call by call against Asterisk's record.

Prints the counts, the sums and a table of the calls that differ. Exit code 0 when every call
agrees with the record, 3 when some differ or are missing from it, 1 when the check cannot run
(unknown contract, bad month, no record folder). Audited as ``console:<os user>``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any

from dialer.audit.service import Actor
from dialer.billing_check.service import check_contract
from dialer.billing_check.text import check_text
from dialer.billing_export.cli import add_period_arguments
from dialer.billing_export.period import export_span
from dialer.db.bootstrap import database
from dialer.db.engine import unit_of_work
from dialer.errors import DomainError
from dialer.settings import load_settings

DIFFERENCES = 3
"""Exit code when the record does not confirm every call."""


def add_check(actions: Any) -> None:
    """The ``check`` action of the ``dialer billing`` group."""
    parser: argparse.ArgumentParser = actions.add_parser(
        "check", help="a contract's bill checked call by call against Asterisk's own record (CEL)"
    )
    parser.add_argument("--contract", type=int, required=True, help="contract id")
    add_period_arguments(parser, "YYYY-MM: the contract's billing month (late records included)")
    parser.add_argument(
        "--record-dir",
        type=Path,
        help="folder of Asterisk's CEL files (default DIALER_PBX_RECORD_DIR)",
    )
    parser.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings()
    folder = args.record_dir or settings.pbx_record_dir

    async def work() -> tuple[str, bool]:
        span = export_span(args.month, args.first, args.last)
        async with database(settings) as sessions, unit_of_work(sessions) as session:
            actor = Actor(f"console:{getpass.getuser()}", "admin")
            check = await check_contract(session, actor, args.contract, span, folder)
        return check_text(check), check.tally.agrees

    try:
        text, agrees = asyncio.run(work())
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    print(text)
    return 0 if agrees else DIFFERENCES
