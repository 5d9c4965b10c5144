"""``dialer keys create``: an API key for a machine, printed once on stdout and stored hashed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from pydantic import ValidationError

from dialer.accounts import service
from dialer.auth.models import Role
from dialer.auth.schemas import ApiKeyCreate
from dialer.commands import COMMANDS
from dialer.commands.users import option_names
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.db.migrate import upgrade
from dialer.errors import DomainError, from_validation
from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("keys", help=COMMANDS["keys"])
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a key and print it (the only time it is shown)")
    create.add_argument("--name", required=True, help="what the key is for, e.g. crm-sync")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--client", type=int, help="the client a controller's key belongs to")
    create.set_defaults(handler=run_create)


async def _create(data: ApiKeyCreate) -> tuple[int, str]:
    engine = make_engine(load_settings().effective_database_url)
    try:
        await upgrade(engine)
        async with unit_of_work(make_sessionmaker(engine)) as session:
            key, plaintext = await service.create_key(session, None, data)
            return key.id, plaintext
    finally:
        await engine.dispose()


def run_create(args: argparse.Namespace) -> int:
    try:
        data = ApiKeyCreate(name=args.name, role=Role(args.role), client_id=args.client)
        key_id, plaintext = asyncio.run(_create(data))
    except ValidationError as exc:
        print(f"refused: {option_names(from_validation(exc).message)}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        return 2
    print(f"created API key {key_id} ({args.role}); store it now, it is not shown again:", file=sys.stderr)
    print(plaintext)
    return 0
