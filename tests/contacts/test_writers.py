"""The bulk writers: what a writer changes on its connection for a transaction, it gives back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dialer.contacts.models import DncEntry
from dialer.contacts.writers import DNC_COLUMNS, SQLITE_WRITE_CACHE_KIB, bulk_writer, dialect_name


async def _cache_size(session) -> int:
    connection = await session.connection()
    return int((await connection.exec_driver_sql("PRAGMA cache_size")).scalar_one())


async def test_the_sqlite_writer_enlarges_the_page_cache_while_writing_and_gives_it_back(sessions):
    async with sessions() as session:
        if dialect_name(session) != "sqlite":
            pytest.skip("the page cache is SQLite's")
        own = await _cache_size(session)
        writer = bulk_writer(session, "dnc_entries", DNC_COLUMNS)

        await writer.write([(None, "+74951502222", "test"), (None, "+74951502223", "test")])
        assert await _cache_size(session) == -SQLITE_WRITE_CACHE_KIB != own

        await writer.release()
        assert await _cache_size(session) == own
        await session.commit()

        await writer.write([(None, "+74951502224", "test")])  # a new transaction: enlarged again
        assert await _cache_size(session) == -SQLITE_WRITE_CACHE_KIB
        await writer.release()
        await session.commit()
        assert await _cache_size(session) == own
        assert await session.scalar(select(func.count()).select_from(DncEntry)) == 3


async def test_release_without_a_write_changes_nothing(sessions):
    async with sessions() as session:
        writer = bulk_writer(session, "dnc_entries", DNC_COLUMNS)
        await writer.release()
        await writer.write([])
        await writer.release()
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(DncEntry)) == 0
