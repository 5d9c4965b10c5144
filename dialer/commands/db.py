"""``dialer db upgrade``: apply the schema's migrations to the configured database."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from dialer.commands import COMMANDS
from dialer.db.engine import make_engine
from dialer.db.migrate import current_revision, upgrade
from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("db", help=COMMANDS["db"])
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="apply every pending migration").set_defaults(handler=run_upgrade)
    actions.add_parser("current", help="print the schema revision").set_defaults(handler=run_current)


async def _upgrade() -> str | None:
    engine = make_engine(load_settings().effective_database_url)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await engine.dispose()


async def _current() -> str | None:
    engine = make_engine(load_settings().effective_database_url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


def run_upgrade(_args: argparse.Namespace) -> int:
    print(f"schema at revision {asyncio.run(_upgrade())}")
    return 0


def run_current(_args: argparse.Namespace) -> int:
    print(asyncio.run(_current()) or "empty database")
    return 0
