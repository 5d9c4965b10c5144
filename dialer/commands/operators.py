"""``dialer operators create|disable|enable|delete|list|sync``: operators and their softphones, from
the shell.

Every change is committed, then the operators' PJSIP file is rewritten and Asterisk's res_pjsip
reloaded (``dialer.softphones.provisioning``), exactly as the API does. The SIP password is never
printed here: the operator reads it from ``GET /operators/{id}/softphone`` (audited).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.commands import COMMANDS
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.db.migrate import upgrade
from dialer.errors import DomainError, from_validation
from dialer.operators import service
from dialer.operators.schemas import OperatorCreate, OperatorUpdate
from dialer.settings import load_settings
from dialer.softphones.provisioning import SyncResult, provisioner_for

CONSOLE = Principal(role=Role.ADMIN, name="console")  # whoever reaches the database is an admin

Work = Callable[[AsyncSession], Awaitable[str]]


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("operators", help=COMMANDS["operators"])
    actions = parser.add_subparsers(dest="operators_action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="create an operator and provision their softphone")
    create.add_argument("--name", required=True)
    create.add_argument("--login", required=True)
    create.add_argument("--endpoint", required=True, help="the PJSIP endpoint (extension), e.g. 1001")
    create.add_argument("--user", type=int, help="the operator's user account (role operator)")
    create.set_defaults(handler=run_create)

    for name, summary, handler in (
        ("disable", "disable an operator: their endpoint is removed from Asterisk at once", run_disable),
        ("enable", "enable a disabled operator again", run_enable),
        ("delete", "delete an operator and their endpoint", run_delete),
    ):
        action = actions.add_parser(name, help=summary)
        action.add_argument("operator", type=int, help="operator id")
        action.set_defaults(handler=handler)

    actions.add_parser("list", help="list the operators").set_defaults(handler=run_list)
    actions.add_parser(
        "sync", help="rewrite the PJSIP file from the database and reload Asterisk"
    ).set_defaults(handler=run_sync)


async def _change(work: Work | None) -> tuple[str, SyncResult]:
    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        said = ""
        if work is not None:
            async with unit_of_work(sessions) as session:
                said = await work(session)
        return said, await provisioner_for(settings).sync(sessions)
    finally:
        await engine.dispose()


def _run(work: Work | None) -> int:
    try:
        said, result = asyncio.run(_change(work))
    except ValidationError as exc:
        print(f"refused: {_options(from_validation(exc).message)}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"refused: {_options(exc.message)}", file=sys.stderr)
        return 2
    if said:
        print(said)
    print(_summary(result))
    return 0 if result.written else 1


def _options(message: str) -> str:
    return message.replace("sip_endpoint:", "--endpoint:").replace("user_id:", "--user:")


def _summary(result: SyncResult) -> str:
    if not result.written:
        return "softphones: the PJSIP file could not be written (see the log)"
    reloaded = "Asterisk reloaded" if result.reloaded else "Asterisk NOT reloaded (see the log)"
    return f"softphones: {result.endpoints} endpoint(s) in the PJSIP file; {reloaded}"


def run_create(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession) -> str:
        data = OperatorCreate(name=args.name, login=args.login, sip_endpoint=args.endpoint, user_id=args.user)
        operator = await service.create_operator(session, CONSOLE, data)
        return f"created operator {operator.id} ({operator.login}, endpoint {operator.sip_endpoint})"

    return _run(work)


def _set_active(active: bool) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        async def work(session: AsyncSession) -> str:
            operator = await service.update_operator(
                session, CONSOLE, args.operator, OperatorUpdate(active=active)
            )
            return f"operator {operator.id} {'enabled' if active else 'disabled'}"

        return _run(work)

    return handler


run_disable = _set_active(False)
run_enable = _set_active(True)


def run_delete(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession) -> str:
        await service.delete_operator(session, CONSOLE, args.operator)
        return f"operator {args.operator} deleted"

    return _run(work)


def run_sync(args: argparse.Namespace) -> int:
    return _run(None)


def run_list(args: argparse.Namespace) -> int:
    async def listing() -> list[str]:
        settings = load_settings()
        engine = make_engine(settings.effective_database_url)
        try:
            await upgrade(engine)
            async with make_sessionmaker(engine)() as session:
                found = await service.list_operators(session, CONSOLE)
                return [
                    f"{o.id}\t{o.login}\t{o.sip_endpoint}\t{'enabled' if o.active else 'disabled'}\t{o.name}"
                    for o in found
                ]
        finally:
            await engine.dispose()

    for line in asyncio.run(listing()):
        print(line)
    return 0
