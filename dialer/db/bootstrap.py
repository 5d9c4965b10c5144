"""A command's database: sessions on the configured database, migrated first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade

if TYPE_CHECKING:  # storage sits below the settings, which install its sealing key
    from dialer.settings import Settings


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the configured database, migrated first so that a fresh machine works."""
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
