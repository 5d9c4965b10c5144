"""Engines and sessions: one engine per process, one session per unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    # No ping before each checkout: asyncpg's costs three round trips (begin, select, rollback) on
    # every request and every engine write. A connection the database dropped fails its first
    # statement instead; SQLAlchemy then discards the whole pool, and writers retry (``transient``).
    kwargs.setdefault("pool_pre_ping", False)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session committed on success and rolled back on error."""
    async with sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def is_postgresql(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


async def asyncpg_connection(connection: AsyncConnection) -> Any:
    """The asyncpg connection under a SQLAlchemy one (PostgreSQL only), for what SQLAlchemy does not
    offer: COPY, server-side cursors without a row object each, LISTEN. It is in the same transaction."""
    raw = await connection.get_raw_connection()
    return raw.driver_connection
