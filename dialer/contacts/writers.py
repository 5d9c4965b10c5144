"""Bulk writers: COPY on PostgreSQL, multi-row INSERTs on SQLite, inside the caller's session.

Records are tuples in the order of ``columns``; JSON columns are passed as JSON text. On PostgreSQL
the rows go through asyncpg's ``copy_records_to_table`` on the session's own connection, so they are
part of the session's transaction, or, already encoded as binary COPY data (a contact import's
reading process encodes them: :mod:`dialer.contacts.copy_binary`), straight through ``copy_to_table``.
Call :meth:`BulkWriter.release` before committing the session.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.contacts.records import CONTACT_COLUMNS as CONTACT_COLUMNS
from dialer.contacts.records import DNC_COLUMNS as DNC_COLUMNS
from dialer.db.engine import asyncpg_connection

SQLITE_MAX_PARAMETERS = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999
"""SQLite's default limit on the parameters of one statement (``SQLITE_MAX_VARIABLE_NUMBER``)."""
SQLITE_WRITE_CACHE_KIB = 64 * 1024
"""SQLite's page cache while a writer's transaction is open (the connection's default is 2 MiB)."""


class BulkWriter(Protocol):
    async def write(self, records: Sequence[tuple[Any, ...]]) -> None: ...

    async def release(self) -> None:
        """Undo what the writer changed on the session's connection; call it before committing."""


class PostgresCopyWriter:
    """Appends records with ``COPY ... FROM STDIN (FORMAT binary)`` through asyncpg."""

    def __init__(self, session: AsyncSession, table: str, columns: Sequence[str]) -> None:
        self.session = session
        self.table = table
        self.columns = list(columns)

    async def write(self, records: Sequence[tuple[Any, ...]]) -> None:
        if not records:
            return
        driver = await asyncpg_connection(await self.session.connection())
        await driver.copy_records_to_table(self.table, records=records, columns=self.columns)

    async def write_encoded(self, data: bytes) -> None:
        """Append rows given as PostgreSQL binary COPY data (its header and trailer included) in the
        order of the writer's columns: the loop only passes the bytes on."""
        driver = await asyncpg_connection(await self.session.connection())
        # A memoryview: asyncpg would take bytes for a path.
        await driver.copy_to_table(self.table, source=memoryview(data), columns=self.columns, format="binary")

    async def release(self) -> None:
        return None


class SqliteBatchWriter:
    """Appends records with multi-row ``INSERT ... VALUES (...), (...)`` statements, each as long as
    SQLite's parameter limit allows (about 2,300 contact rows).

    Not ``executemany``: it binds and steps one row at a time and takes the GIL back between rows, so
    while the reader thread parses the next batch each row waited for the GIL. One long statement
    binds its parameters in one call and then inserts all its rows inside SQLite without the GIL,
    on the other core.

    While its transaction is open the connection's page cache is :data:`SQLITE_WRITE_CACHE_KIB`:
    with the default 2 MiB, the unique index on (campaign, phone) of a large campaign, which every row
    touches at a random place, no longer fits, and pages are read back and spilled over and over.
    :meth:`release` sets the connection's own size back.
    """

    def __init__(self, session: AsyncSession, table: str, columns: Sequence[str]) -> None:
        self.session = session
        self.width = len(columns)
        self._saved_cache: int | None = None
        prefix = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        row = "(" + ", ".join("?" for _ in columns) + ")"
        longest = max(1, SQLITE_MAX_PARAMETERS // len(columns))
        # A few statement lengths only, so SQLite's statement cache keeps each one compiled.
        self.statements = [
            (rows, prefix + ", ".join(itertools.repeat(row, rows)))
            for rows in sorted({longest, *(n for n in (512, 64, 8, 1) if n < longest)}, reverse=True)
        ]

    async def write(self, records: Sequence[tuple[Any, ...]]) -> None:
        await self.write_flat(list(itertools.chain.from_iterable(records)))

    async def write_flat(self, values: list[Any]) -> None:
        """Append records given as their values one after another, a record's in column order (a
        contact import's reading process sends them so: one list for the loop to unpickle, not a tuple
        a row, whose allocations also set off the interpreter's full garbage collections)."""
        if not values:
            return
        connection = await self.session.connection()
        if self._saved_cache is None:
            saved = await connection.exec_driver_sql("PRAGMA cache_size")
            self._saved_cache = int(saved.scalar_one())
            await connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
        width = self.width
        start, total = 0, len(values) // width
        for rows, sql in self.statements:
            while total - start >= rows:
                chunk = values[start * width : (start + rows) * width]
                start += rows
                await connection.exec_driver_sql(sql, tuple(chunk))

    async def release(self) -> None:
        if self._saved_cache is None:
            return
        connection = await self.session.connection()
        await connection.exec_driver_sql(f"PRAGMA cache_size = {self._saved_cache}")
        self._saved_cache = None


def dialect_name(session: AsyncSession) -> str:
    """``postgresql`` or ``sqlite``: the database the session talks to."""
    return session.get_bind().dialect.name


def bulk_writer(session: AsyncSession, table: str, columns: Sequence[str]) -> BulkWriter:
    """The fastest writer for the session's database."""
    if dialect_name(session) == "postgresql":
        return PostgresCopyWriter(session, table, columns)
    return SqliteBatchWriter(session, table, columns)
