"""Bulk writers: COPY on PostgreSQL, batched ``executemany`` on SQLite, inside the caller's session.

Records are tuples in the order of ``columns``; JSON columns are passed as JSON text. On PostgreSQL
the rows go through asyncpg's ``copy_records_to_table`` on the session's own connection, so they are
part of the session's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

CONTACT_COLUMNS = (
    "campaign_id",
    "phone",
    "extension",
    "extra_phones",
    "name",
    "company",
    "timezone",
    "data",
    "status",
    "on_dnc",
    "attempts",
    "import_id",
    "source_row",
    "consent",
)
DNC_COLUMNS = ("client_id", "phone", "reason")


class BulkWriter(Protocol):
    async def write(self, records: Sequence[tuple[Any, ...]]) -> None: ...


class PostgresCopyWriter:
    """Appends records with ``COPY ... FROM STDIN (FORMAT binary)`` through asyncpg."""

    def __init__(self, session: AsyncSession, table: str, columns: Sequence[str]) -> None:
        self.session = session
        self.table = table
        self.columns = list(columns)

    async def write(self, records: Sequence[tuple[Any, ...]]) -> None:
        if not records:
            return
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(self.table, records=records, columns=self.columns)


class SqliteBatchWriter:
    """Appends records with one ``executemany`` of a plain INSERT per batch."""

    def __init__(self, session: AsyncSession, table: str, columns: Sequence[str]) -> None:
        self.session = session
        placeholders = ", ".join("?" for _ in columns)
        self.sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"

    async def write(self, records: Sequence[tuple[Any, ...]]) -> None:
        if not records:
            return
        connection = await self.session.connection()
        await connection.exec_driver_sql(self.sql, list(records))


def dialect_name(session: AsyncSession) -> str:
    """``postgresql`` or ``sqlite``: the database the session talks to."""
    return session.get_bind().dialect.name


def bulk_writer(session: AsyncSession, table: str, columns: Sequence[str]) -> BulkWriter:
    """The fastest writer for the session's database."""
    if dialect_name(session) == "postgresql":
        return PostgresCopyWriter(session, table, columns)
    return SqliteBatchWriter(session, table, columns)
