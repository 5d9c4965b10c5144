"""Apply the schema's Alembic migrations to a database, from the CLI or at service start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE_LOCK = 0x6469616C  # PostgreSQL advisory lock: processes of several roles start at once


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate to ``revision``; at the head, also (re)seal the stored secrets under the first key."""

    def _run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # one process migrates, the others then find it done
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        await connection.run_sync(_run)
    if revision == "head":
        from dialer.db.reseal import reseal_all

        async with engine.begin() as connection:
            await reseal_all(connection)  # secrets in clear from before, or under a rotated-out key


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_read)


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Write a new revision from the models' difference to the database (a developer's tool)."""

    def _run(connection: Connection) -> None:
        command.revision(alembic_config(connection), message=message, autogenerate=True)

    async with engine.begin() as connection:
        await connection.run_sync(_run)
