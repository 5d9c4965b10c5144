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
