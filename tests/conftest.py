"""Shared fixtures: a freshly migrated database per test, on SQLite or PostgreSQL.

``DIALER_TEST_DATABASE=sqlite`` (default) or ``postgresql`` picks the store; PostgreSQL is reached at
``DIALER_TEST_PG_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres). The schema is
migrated once per session into a template, and every test gets its own copy of it, dropped after.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialer.auth import passwords
from dialer.db import sealed
from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade

DB_KIND = os.environ.get("DIALER_TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get("DIALER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"

# The test SMTP servers (aiosmtpd) log each connection's end at INFO from their own thread, which
# can outlive the test whose output was being captured: "--- Logging error ---" walls in CI's log.
logging.getLogger("mail.log").setLevel(logging.WARNING)


LONG_FIRST = (
    "tests/e2e/",
    "tests/contacts/test_phone_fastpath.py",
    "tests/calls/test_call_records.py",
    "tests/api/test_recordings_export_scale.py",
)
"""Tests that take many seconds each: collected first, so that parallel workers start them early and
the run does not end waiting on one of them."""


def _rank(item: pytest.Item) -> int:
    return next((i for i, prefix in enumerate(LONG_FIRST) if item.nodeid.startswith(prefix)), len(LONG_FIRST))


READS_DB_KIND = ("tests/test_loop_latency.py", "tests/billing_export/test_benchmark.py")
"""Tests that reach the test database without the fixtures (from ``DB_KIND``/``PG_ADMIN_URL``)."""


def _uses_database(item: pytest.Item) -> bool:
    return "database_url" in getattr(item, "fixturenames", ()) or item.nodeid.startswith(READS_DB_KIND)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL only the tests that use the database run: the others (parsers, pure rules,
    the real Asterisk, the simulator's captures) ran the same in the SQLite run beside it."""
    if DB_KIND == "postgresql":
        dropped = [item for item in items if not _uses_database(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if _uses_database(item)]
    items.sort(key=_rank)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its cheapest in tests: the product's parameters (argon2-cffi's defaults, 64 MiB and
    3 passes) cost 0.1-0.4 s a sign-in, a third of the API tests' time. Hashes still are Argon2id and
    verify the same way; tests/test_password_cost.py checks the product's own parameters."""
    product = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = product


@pytest.fixture(autouse=True)
def fresh_sealer() -> Iterator[None]:
    """Each test starts with the sealing key a fresh process has: a service or demo an earlier test
    started in this worker installed its own (the key is one per process), and data a test seals
    before starting its service must open with the key that service installs from its settings."""
    sealed._installed = None
    yield
    sealed._installed = None


def _pg_url(database: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{database}"


async def _pg_admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database that each test copies: a file path (SQLite) or a database name."""
    if DB_KIND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
        yield str(path)
    elif DB_KIND == "postgresql":
        name = f"dialer_tmpl_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        try:
            asyncio.run(_migrate(_pg_url(name)))
            yield name
        finally:
            for used in [*_our_databases, name]:
                asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{used}" WITH (FORCE)'))
            _our_databases.clear()
            _free_databases.clear()
    else:
        raise pytest.UsageError(f"DIALER_TEST_DATABASE must be sqlite or postgresql, not {DB_KIND!r}")


_free_databases: list[str] = []  # this worker's PostgreSQL databases, reset and ready for a test
_our_databases: set[str] = set()

_SCHEMA_FINGERPRINT = """
SELECT count(*), coalesce(sum(hashtext(c.relname || ':' || c.relkind::text)), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
"""


_RESET_LOCK_TIMEOUT = "10s"
"""How long emptying a used database waits for a table lock; a lock wait has no end of its own."""


async def _reset_database(name: str, fingerprint: tuple[int, int]) -> bool:
    """Empty a used test database back to the template's state (every table but the schema version,
    every sequence from 1); False when the test changed the schema itself (it is dropped instead).

    Creating and dropping a database per test costs PostgreSQL a checkpoint each (2-3 s under load,
    most of a parallel run); emptying a few dozen small tables costs milliseconds."""
    connection = await asyncpg.connect(_pg_url(name).replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        if tuple(await connection.fetchrow(_SCHEMA_FINGERPRINT)) != fingerprint:
            return False
        tables = [
            r["tablename"]
            for r in await connection.fetch(
                "SELECT tablename FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        sequences = [r["s"] for r in await connection.fetch("SELECT sequencename AS s FROM pg_sequences")]
        try:
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")  # no FK order
                await connection.execute(f"SET LOCAL lock_timeout = '{_RESET_LOCK_TIMEOUT}'")
                for table in tables:
                    await connection.execute(f'DELETE FROM "{table}"')
                for sequence in sequences:
                    await connection.execute(f"SELECT setval('\"{sequence}\"', 1, false)")
        except asyncpg.LockNotAvailableError:
            return False  # a lock outlived its terminated session: drop the database instead of waiting
        return True
    finally:
        await connection.close()


_fingerprints: dict[str, tuple[int, int]] = {}


async def _template_fingerprint(template: str) -> tuple[int, int]:
    """The template's schema fingerprint, read once per worker (the template never changes)."""
    if template not in _fingerprints:
        url = _pg_url(template).replace("postgresql+asyncpg://", "postgresql://", 1)
        connection = await asyncpg.connect(url)
        try:
            _fingerprints[template] = tuple(await connection.fetchrow(_SCHEMA_FINGERPRINT))  # type: ignore[assignment]
        finally:
            await connection.close()
    return _fingerprints[template]


@pytest.fixture
async def database_url(database_template: str, tmp_path: Path) -> AsyncIterator[str]:
    if DB_KIND == "sqlite":
        path = tmp_path / "dialer.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if _free_databases:
        name = _free_databases.pop()
    else:
        name = f"dialer_t_{uuid.uuid4().hex[:12]}"
        _our_databases.add(name)
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{database_template}"')
    try:
        yield _pg_url(name)
    finally:
        if await _reset_database(name, await _template_fingerprint(database_template)):
            _free_databases.append(name)
        else:
            _our_databases.discard(name)
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference folder {SHARED} is absent")
    return SHARED
