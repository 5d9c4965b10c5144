"""Wiring the engine to the changes committed elsewhere (``dialer.live.engine_wake``): through NOTIFY
from any process on PostgreSQL (this process's own included: one path, whoever wrote), through the
commit signal on SQLite (where the writer is this process)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialer.engine.service import Engine
from dialer.live import engine_wake
from dialer.live.listener import PgListener


class ChangeListener:
    def __init__(self, engine: Engine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        bind = sessions.kw.get("bind")
        postgresql = isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql"
        self.pg: PgListener | None = (
            PgListener(bind, {engine_wake.CHANNEL: engine.wake})
            if isinstance(bind, AsyncEngine) and postgresql
            else None
        )
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def listening(self) -> asyncio.Event | None:
        """Set while the LISTEN connection is up (PostgreSQL); None elsewhere."""
        return self.pg.listening if self.pg is not None else None

    def start(self) -> None:
        if self.pg is not None:
            self.pg.start()
            return
        engine = self.engine

        def told(topics: frozenset[str]) -> None:
            for topic in topics:
                engine.wake(topic)

        self._unsubscribe = engine_wake.CHANGED.subscribe(told)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.pg is not None:
            await self.pg.stop()
