"""A month of calls and Asterisk's record of them, agreeing on some calls and not on others."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.calls.models import Call
from dialer.db.engine import unit_of_work
from tests.billing_check.record import Recorded, write_record
from tests.billing_export.world import CallSpec, World, at, seed

s = timedelta(seconds=1)
ms = timedelta(milliseconds=1)
CONNECT = timedelta(seconds=7)  # tests.billing_export.world connects a call 7 s after placing it
TERMS = {"rate": Decimal("2.40"), "talk_increment_s": 60}  # per started minute


async def month_of_calls(sessions: async_sessionmaker[AsyncSession], name: str = "Romashka") -> World:
    """Four calls in November 2026: 61 s, 30 s and 12 s of talk, and one answered, never put
    through (an abandon); one unanswered call (never looked up)."""
    world = await seed(
        sessions,
        {f"{name}-1": TERMS},
        {f"{name} autumn": f"{name}-1"},
        [
            CallSpec(f"{name} autumn", at(2), 61 * s, operator=f"{name}-op"),
            CallSpec(f"{name} autumn", at(3), 30 * s, operator=f"{name}-op"),
            CallSpec(f"{name} autumn", at(4), 12 * s, operator=f"{name}-op"),
            CallSpec(f"{name} autumn", at(5), None, operator=None, disposition=None),
            CallSpec(f"{name} autumn", at(6), None, operator=None, disposition=None),
        ],
        name=name,
        operators=[f"{name}-op"],
    )
    async with unit_of_work(sessions) as session:  # the abandon was answered
        await session.execute(
            update(Call).where(Call.id == world.calls[3]).values(answered_at=at(5) + CONNECT)
        )
    return world


async def uids(sessions: async_sessionmaker[AsyncSession], world: World) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            Call.__table__.select().with_only_columns(Call.id, Call.call_uid).where(Call.id.in_(world.calls))
        )
        by_id = {row.id: row.call_uid for row in rows}
    return [by_id[i] for i in world.calls]


async def write_disputed_record(
    sessions: async_sessionmaker[AsyncSession], world: World, folder: Path
) -> None:
    """The record agrees on the first call; the second talked 20 s, not 30; the third is absent;
    the abandon was in fact put through for 15 s."""
    u = await uids(sessions, world)
    write_record(
        folder,
        [
            Recorded(u[0], at(2) + CONNECT - s, at(2) + CONNECT + 2 * ms, at(2) + CONNECT + 61 * s),
            Recorded(u[1], at(3) + CONNECT, at(3) + CONNECT, at(3) + CONNECT + 20 * s),
            Recorded(u[3], at(5) + CONNECT, at(5) + CONNECT + s, at(5) + CONNECT + 16 * s),
            Recorded(u[4], at(6) + CONNECT, None, at(6) + CONNECT + 3 * s, cause=19),
        ],
    )


async def write_true_record(sessions: async_sessionmaker[AsyncSession], world: World, folder: Path) -> None:
    """The record of what the product billed: every call agrees."""
    u = await uids(sessions, world)
    talks = [61, 30, 12]
    calls = [
        Recorded(u[i], at(2 + i) + CONNECT, at(2 + i) + CONNECT + ms, at(2 + i) + CONNECT + talk * s)
        for i, talk in enumerate(talks)
    ]
    calls.append(Recorded(u[3], at(5) + CONNECT, None, at(5) + CONNECT + 9 * s))
    write_record(folder, calls)
