"""``dialer.db.commit_signals``: a marked signal fires once after its transaction commits, never after
a rollback, with the ids marked in that transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.db.commit_signals import CommitSignal


async def test_fires_once_after_commit_with_the_payload(sessions: async_sessionmaker[AsyncSession]) -> None:
    signal: CommitSignal[int] = CommitSignal("test.payload")
    other: CommitSignal[int] = CommitSignal("test.other")
    fired: list[frozenset[int]] = []
    not_marked: list[frozenset[int]] = []
    signal.subscribe(fired.append)
    other.subscribe(not_marked.append)
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        signal.mark(session.sync_session, (3,))
        signal.mark(session.sync_session, [5, 3])
        assert fired == []  # not before the commit
        await session.commit()
        assert fired == [frozenset({3, 5})]
        await session.execute(text("SELECT 1"))
        await session.commit()  # a later commit that marked nothing fires nothing
    assert fired == [frozenset({3, 5})]
    assert not_marked == []


async def test_no_payload_fires_with_an_empty_set(sessions: async_sessionmaker[AsyncSession]) -> None:
    signal: CommitSignal[int] = CommitSignal("test.bare")
    fired: list[frozenset[int]] = []
    signal.subscribe(fired.append)
    async with sessions() as session:
        signal.mark(session.sync_session)
        await session.execute(text("SELECT 1"))
        await session.commit()
    assert fired == [frozenset()]


async def test_rollback_forgets_the_mark(sessions: async_sessionmaker[AsyncSession]) -> None:
    signal: CommitSignal[int] = CommitSignal("test.rollback")
    fired: list[frozenset[int]] = []
    signal.subscribe(fired.append)
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        signal.mark(session.sync_session, (1,))
        await session.rollback()
        await session.execute(text("SELECT 1"))
        signal.mark(session.sync_session, (2,))
        await session.commit()
    assert fired == [frozenset({2})]  # only the committed transaction's ids


async def test_unsubscribe_and_the_order_of_signals(sessions: async_sessionmaker[AsyncSession]) -> None:
    first: CommitSignal[str] = CommitSignal("test.first")
    second: CommitSignal[str] = CommitSignal("test.second")
    fired: list[tuple[str, frozenset[str]]] = []
    second.subscribe(lambda ids: fired.append(("second", ids)))
    first.subscribe(lambda ids: fired.append(("first", ids)))
    gone = first.subscribe(lambda ids: fired.append(("gone", ids)))
    gone()
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        second.mark(session.sync_session, ("b",))
        first.mark(session.sync_session, ("a",))
        await session.commit()
    assert fired == [("first", frozenset({"a"})), ("second", frozenset({"b"}))]  # in creation order
