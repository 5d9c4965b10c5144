"""``dialer db upgrade``: apply the schema's migrations to the configured database; ``dialer db
demo-data``: migrate, then add the demo campaign (``dialer.demo.seed``) and provision its softphones."""

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
    demo = actions.add_parser("demo-data", help="add a demo client, campaign, operators and contacts")
    demo.add_argument("--contacts", type=int, default=300, help="generated numbers (default 300)")
    demo.add_argument("--operators", type=int, default=5, help="operators, endpoints 1001... (default 5)")
    demo.set_defaults(handler=run_demo_data)


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


async def _demo_data(contacts: int, operators: int) -> str:
    from dialer.db.engine import make_sessionmaker
    from dialer.demo.seed import seed_demo_data
    from dialer.settings import install_sealer
    from dialer.softphones.provisioning import provisioner_for

    settings = load_settings()
    install_sealer(settings)
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        said = await seed_demo_data(sessions, contacts=contacts, operators=operators)
        await provisioner_for(settings).sync(sessions)
        return said
    finally:
        await engine.dispose()


def run_demo_data(args: argparse.Namespace) -> int:
    if args.contacts < 0 or args.operators < 1:
        raise SystemExit("dialer db demo-data: --contacts must be 0 or more and --operators 1 or more")
    print(asyncio.run(_demo_data(args.contacts, args.operators)))
    return 0
