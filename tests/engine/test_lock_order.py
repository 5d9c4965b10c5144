"""Every transaction that writes an operator's state and one of their calls locks the operator's
row before the call's, whoever writes: the engine putting a call through or ending it (with the
operator's wrap-up), the desk disposing of it. Two writers of the same pair in opposite orders
deadlocked on PostgreSQL (a disposition set as the call ended). The locks are read off the
statements sent (``SELECT ... FOR UPDATE``), so the order is checked whether or not a race happens
to interleave them; SQLite takes no row locks."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.engine.ports import Lease, WrapUp
from dialer.operators import disposing, presence
from tests.call_recordings.conftest import T0, RecWorld, rec_world  # noqa: F401  (the fixture)
from tests.conftest import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="SQLite takes no row locks")

SUPERVISOR = Principal(role=Role.SUPERVISOR, user_id=1)
LOCKED = {"operator_status": "operator", "calls": "call"}


@contextmanager
def row_locks(engine: AsyncEngine) -> Iterator[list[str]]:
    """The tables (operator, call) whose rows the statements sent meanwhile lock, in order."""
    taken: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FOR UPDATE" in statement:
            found = re.search(r'\bFROM\s+"?(\w+)', statement)
            table = found.group(1) if found else ""
            if table in LOCKED and (not taken or taken[-1] != LOCKED[table]):
                taken.append(LOCKED[table])

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        yield taken
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)


async def locks_of(engine: AsyncEngine, write: Callable[[], Awaitable[None]]) -> list[str]:
    with row_locks(engine) as taken:
        await write()
    return taken


async def placed(sessions: Any, world: RecWorld, at: datetime) -> tuple[str, int]:
    async with unit_of_work(sessions) as session:
        contact = Contact(campaign_id=world.campaign_id, phone="+74950000001", timezone="UTC")
        session.add(contact)
        await session.flush()
        lease = Lease(contact.id, contact.phone, 1)
    policy, store = RecordingPolicy.CONNECTED, world.store
    await store.create_call("c-1", world.campaign_id, lease, "trunk", "asterisk", at, recording_policy=policy)
    async with sessions() as session:
        call_id = await session.scalar(select(Call.id).where(Call.call_uid == "c-1"))
    assert call_id is not None
    return "c-1", int(call_id)


async def test_the_operators_row_is_locked_before_the_calls_by_every_writer(
    engine: AsyncEngine,
    sessions: Any,
    rec_world: RecWorld,  # noqa: F811  (the fixture imported above)
) -> None:
    store, olga = rec_world.store, rec_world.operator_id
    async with unit_of_work(sessions) as session:
        await presence.login(session, olga, [rec_world.campaign_id], T0)
        await presence.set_registered(session, olga, True, T0)
        await presence.set_ready(session, olga, T0)
    at = T0 + timedelta(minutes=1)
    uid, call_id = await placed(sessions, rec_world, at)
    ended = at + timedelta(seconds=30)

    async def dispose() -> None:
        async with unit_of_work(sessions) as session:
            await disposing.dispose(session, SUPERVISOR, call_id, "not_interested", at=ended)

    connected = await locks_of(engine, lambda: store.mark_connected(uid, olga, at + timedelta(seconds=4)))
    wrap, outcome, side = WrapUp(olga, ended, 10), CallOutcome.HUMAN_CONNECTED, HangupSide.CUSTOMER
    end = await locks_of(engine, lambda: store.mark_ended(uid, outcome, 16, side, ended, wrap_up=wrap))
    disposed = await locks_of(engine, dispose)
    firsts = (connected[0], end[0], disposed[0])
    assert firsts == ("operator", "operator", "operator"), (connected, end, disposed)
    assert "call" in connected and "call" in end and "call" in disposed
