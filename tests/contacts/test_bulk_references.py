"""PostgreSQL: a contact import checks its campaign and job once, and every other writer still row by row."""

from __future__ import annotations

import io
import uuid

import asyncpg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from dialer.contacts.bulk_references import (
    REFERENCES,
    UNWRITTEN_REFERENCES,
    check_references_once,
    may_skip_row_triggers,
)
from dialer.contacts.importing import import_contacts
from dialer.contacts.jobs import start_job
from dialer.contacts.models import Contact, ImportKind
from dialer.contacts.records import CONTACT_COLUMNS
from dialer.contacts.writers import dialect_name
from dialer.db.engine import make_engine, make_sessionmaker

from .conftest import csv_bytes


async def _postgresql(sessions) -> None:
    async with sessions() as session:
        if dialect_name(session) != "postgresql":
            pytest.skip("session_replication_role and FOR KEY SHARE are PostgreSQL's")


def _plain_url(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def test_the_contacts_table_has_no_trigger_or_reference_the_import_does_not_account_for(sessions):
    """Skipping the triggers of the rows an import writes skips every trigger on ``contacts``: they
    must all be the foreign keys' own, and its references those the import locks or leaves empty."""
    await _postgresql(sessions)
    async with sessions() as session:
        own = await session.scalars(
            text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'contacts'::regclass AND NOT tgisinternal")
        )
        assert own.all() == []
        references = await session.execute(
            text(
                "SELECT a.attname, c.confrelid::regclass::text FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                "WHERE c.conrelid = 'contacts'::regclass AND c.contype = 'f'"
            )
        )
        found = {column: table for column, table in references}
    assert {k: v for k, v in found.items() if k not in UNWRITTEN_REFERENCES} == REFERENCES
    assert set(found) == set(REFERENCES) | set(UNWRITTEN_REFERENCES)
    assert not set(UNWRITTEN_REFERENCES) & set(CONTACT_COLUMNS)


async def test_the_campaign_cannot_be_deleted_while_an_import_holds_it(sessions, world, database_url):
    await _postgresql(sessions)
    job = await start_job(
        sessions, ImportKind.CONTACTS, "x.csv", campaign_id=world.campaign_id, client_id=None, created_by=None
    )
    async with sessions() as session:
        assert await check_references_once(session, campaign_id=world.campaign_id, import_id=job)
        other = await asyncpg.connect(_plain_url(database_url))
        try:
            await other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(asyncpg.LockNotAvailableError):
                await other.execute("DELETE FROM campaigns WHERE id = $1", world.campaign_id)
            with pytest.raises(asyncpg.LockNotAvailableError):
                await other.execute("DELETE FROM import_jobs WHERE id = $1", job)
            await other.execute("DELETE FROM campaigns WHERE id = $1", world.other_campaign_id)  # not held
        finally:
            await other.close()
        await session.rollback()


async def test_other_writers_and_the_next_transaction_still_check_every_row(sessions, world, settings):
    await _postgresql(sessions)
    report = await import_contacts(
        sessions,
        world.campaign_id,
        io.BytesIO(csv_bytes(["Телефон", "89161234567", "84951502222"])),
        "x.csv",
        settings=settings,
    )
    assert report.imported == 2
    for _ in range(3):  # whichever pooled connection the import used
        async with sessions() as session:
            role = await session.scalar(text("SHOW session_replication_role"))
            assert role == "origin"
            session.add(Contact(campaign_id=999_999, phone="+79161234599"))
            with pytest.raises(IntegrityError):
                await session.flush()
    async with sessions() as session:
        await session.execute(text("DELETE FROM campaigns WHERE id = :id"), {"id": world.campaign_id})
        await session.commit()
        # The campaign's own trigger still removes its contacts.
        assert await session.scalar(select(func.count()).select_from(Contact)) == 0


async def test_a_role_without_the_parameter_checks_row_by_row_and_one_granted_it_does_not(
    sessions, database_url
):
    await _postgresql(sessions)
    role = f"dialer_importer_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_plain_url(database_url))
    await admin.execute(f'CREATE ROLE "{role}" LOGIN')
    engine = make_engine(database_url.replace("postgres@", f"{role}@", 1))
    try:
        as_role = make_sessionmaker(engine)
        async with as_role() as session:
            assert not await check_references_once(session, campaign_id=1, import_id=1)
            assert await session.scalar(text("SHOW session_replication_role")) == "origin"
        await admin.execute(f'GRANT SET ON PARAMETER session_replication_role TO "{role}"')
        async with as_role() as session:
            assert await may_skip_row_triggers(session)
    finally:
        await engine.dispose()
        await admin.execute(f'REVOKE ALL ON PARAMETER session_replication_role FROM "{role}"')
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()
