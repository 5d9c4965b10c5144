"""``dialer users create-admin``, ``create`` and ``unlock``: people who sign in, from the shell.

The password is read with getpass (no echo) or, with ``--password-stdin``, as the first line of
standard input; it is never printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Any

from pydantic import SecretStr, ValidationError

from dialer.accounts import service
from dialer.audit.service import Actor
from dialer.auth.models import Role
from dialer.auth.schemas import UserCreate
from dialer.commands import COMMANDS
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.db.migrate import upgrade
from dialer.errors import DomainError, from_validation
from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("users", help=COMMANDS["users"])
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)

    admin = actions.add_parser("create-admin", help="create an administrator (the first one, say)")
    _common(admin)
    admin.set_defaults(handler=run_create_admin)

    create = actions.add_parser("create", help="create a user with any role")
    _common(create)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--client", type=int, help="the client a controller belongs to")
    create.set_defaults(handler=run_create)

    unlock = actions.add_parser("unlock", help="unlock an account locked by wrong passwords (audited)")
    unlock.add_argument("--username", required=True)
    unlock.set_defaults(handler=run_unlock)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--full-name", default="")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )


def option_names(message: str) -> str:
    """A validation message in the command's words: ``client_id: ...`` becomes ``--client: ...``."""
    return message.replace("client_id:", "--client:")


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice at a prompt that does not echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SystemExit("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise SystemExit("the passwords differ; nothing was created")
    return first


async def _create(data: UserCreate) -> int:
    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        async with unit_of_work(make_sessionmaker(engine)) as session:
            user = await service.create_user(session, None, data)
            return user.id
    finally:
        await engine.dispose()


def create_user(args: argparse.Namespace, role: Role, client_id: int | None) -> int:
    password = read_password(args.password_stdin)
    try:
        data = UserCreate(
            username=args.username,
            password=SecretStr(password),
            role=role,
            full_name=args.full_name,
            client_id=client_id,
        )
        user_id = asyncio.run(_create(data))
    except ValidationError as exc:
        print(f"refused: {option_names(from_validation(exc).message)}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        return 2
    print(f"created {role.value} {args.username!r} (user {user_id})")
    return 0


def run_create_admin(args: argparse.Namespace) -> int:
    return create_user(args, Role.ADMIN, None)


def run_create(args: argparse.Namespace) -> int:
    return create_user(args, Role(args.role), args.client)


async def _unlock(username: str) -> None:
    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        async with unit_of_work(make_sessionmaker(engine)) as session:
            user_id = await service.user_id_by_name(session, username)
            actor = Actor(f"cli:{_os_user()}", "admin")  # whoever can reach the database is an admin
            await service.unlock_user(session, actor, user_id)
    finally:
        await engine.dispose()


def _os_user() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "unknown")


def run_unlock(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_unlock(args.username))
    except DomainError as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        return 2
    print(f"unlocked {args.username!r}")
    return 0
