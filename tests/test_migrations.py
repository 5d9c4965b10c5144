from sqlalchemy import inspect

from dialer.db.base import Base
from dialer.db.migrate import current_revision


async def test_migrations_build_the_schema_the_models_describe(engine):
    assert await current_revision(engine) is not None
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables


async def test_autogenerate_finds_no_difference_between_models_and_migrations(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with engine.connect() as connection:
        changes = await connection.run_sync(diff)
    assert changes == []


async def _migrate(engine, step):
    from alembic import command

    from dialer.db.migrate import alembic_config

    async with engine.begin() as connection:
        await connection.run_sync(lambda c: step(command, alembic_config(c)))


async def _seed_calls(sessions):
    """Calls ended after 0..61 s and a fraction, one never connected, one still open."""
    from datetime import timedelta
    from decimal import Decimal

    from sqlalchemy import update

    from dialer.calls.models import Call
    from tests.billing_export.world import CallSpec, at, seed

    lengths = [timedelta(microseconds=m) for m in (0, 1, 999_999, 1_000_000, 1_000_001, 61_000_001)]
    specs = [CallSpec("Main", at(1 + i), length) for i, length in enumerate([*lengths, None, None])]
    world = await seed(sessions, {"T-1": {"rate": Decimal("1")}}, {"Main": "T-1"}, specs)
    async with sessions.begin() as session:
        await session.execute(update(Call).where(Call.id == world.calls[-1]).values(ended_at=None))
    return world.calls


async def _times_and_billable(sessions):
    from sqlalchemy import select

    from dialer.calls.models import Call

    async with sessions() as session:
        rows = await session.execute(
            select(Call.id, Call.connected_at, Call.ended_at, Call.billable_seconds).order_by(Call.id)
        )
        return [tuple(row) for row in rows]


async def test_0019_fills_in_the_billable_seconds_of_calls_that_ended_before_it(engine, sessions):
    from dialer.billing.talk_time import call_talk_seconds

    calls = await _seed_calls(sessions)
    await _migrate(engine, lambda command, config: command.downgrade(config, "0018"))
    await _migrate(engine, lambda command, config: command.upgrade(config, "head"))
    rows = await _times_and_billable(sessions)
    assert [billable for *_, billable in rows] == [0, 1, 1, 1, 2, 62, 0, None]
    assert all(billable == call_talk_seconds(c, e) for _, c, e, billable in rows)
    assert [call_id for call_id, *_ in rows] == calls


async def test_0019_backfill_pages_through_the_calls_and_leaves_stored_ones(engine, sessions):
    import importlib.util

    from sqlalchemy import update

    from dialer.calls.models import Call
    from dialer.db.migrate import MIGRATIONS_DIR

    calls = await _seed_calls(sessions)
    async with sessions.begin() as session:  # one keeps a value stored before: not recomputed
        await session.execute(update(Call).where(Call.id != calls[0]).values(billable_seconds=None))
        await session.execute(update(Call).where(Call.id == calls[0]).values(billable_seconds=999))
    spec = importlib.util.spec_from_file_location(
        "migration_0019", MIGRATIONS_DIR / "versions" / "0019_call_billable_seconds.py"
    )
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    async with engine.begin() as connection:
        await connection.run_sync(lambda c: migration.backfill(c, batch=2))
    rows = await _times_and_billable(sessions)
    assert [billable for *_, billable in rows] == [999, 1, 1, 1, 2, 62, 0, None]
