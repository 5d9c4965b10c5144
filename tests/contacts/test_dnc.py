"""Do-not-call lists: global and per client, added one by one or imported, and the contacts they mark."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dialer.contacts.dnc import add_dnc, is_on_dnc, list_dnc, remove_dnc
from dialer.contacts.errors import NotFound, UnreadableFile
from dialer.contacts.importing import import_dnc
from dialer.contacts.models import Contact, ContactStatus, DncEntry
from dialer.db.engine import unit_of_work

from .conftest import csv_bytes


@pytest.fixture
async def contacts(sessions, world):
    async with unit_of_work(sessions) as session:
        session.add_all(
            [
                Contact(campaign_id=world.campaign_id, phone="+79160000001"),
                Contact(
                    campaign_id=world.second_campaign_id, phone="+79160000002", extra_phones=["+79160000001"]
                ),
                Contact(campaign_id=world.other_campaign_id, phone="+79160000001"),
                Contact(campaign_id=world.campaign_id, phone="+79160000005", status=ContactStatus.DONE),
            ]
        )


async def _marks(sessions) -> list[tuple[int, str, bool, ContactStatus]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Contact.campaign_id, Contact.phone, Contact.on_dnc, Contact.status).order_by(Contact.id)
        )
        return [tuple(row) for row in rows]


async def test_a_client_list_marks_that_clients_contacts_by_any_of_their_numbers(sessions, world, contacts):
    async with unit_of_work(sessions) as session:
        entry = await add_dnc(session, world.client_id, "8 (916) 000-00-01", "asked on the call", "RU")
    assert (entry.phone, entry.client_id, entry.reason) == (
        "+79160000001",
        world.client_id,
        "asked on the call",
    )
    assert await _marks(sessions) == [
        (world.campaign_id, "+79160000001", True, ContactStatus.DO_NOT_CALL),
        (world.second_campaign_id, "+79160000002", True, ContactStatus.DO_NOT_CALL),
        (world.other_campaign_id, "+79160000001", False, ContactStatus.NEW),
        (world.campaign_id, "+79160000005", False, ContactStatus.DONE),
    ]


async def test_the_global_list_marks_every_campaign_and_keeps_final_statuses(sessions, world, contacts):
    async with unit_of_work(sessions) as session:
        await add_dnc(session, None, "+7 916 000 00 01", "", "RU")
        await add_dnc(session, None, "89160000005", "", "RU")
    marks = await _marks(sessions)
    assert [m[2] for m in marks] == [True, True, True, True]
    assert marks[3][3] == ContactStatus.DONE


async def test_adding_is_idempotent_and_refuses_what_is_not_a_number(sessions, world):
    async with unit_of_work(sessions) as session:
        first = await add_dnc(session, None, "89160000001", "", "RU")
        again = await add_dnc(session, None, "+79160000001", "", "RU")
        assert first.id == again.id
        with pytest.raises(ValueError, match="not a number"):
            await add_dnc(session, None, "позвоните Ивану", "", "RU")
        with pytest.raises(ValueError, match="invalid number"):
            await add_dnc(session, None, "123", "", "RU")
        with pytest.raises(NotFound):
            await add_dnc(session, 999, "89160000001", "", "RU")


async def test_list_check_and_remove(sessions, world):
    async with unit_of_work(sessions) as session:
        global_entry = await add_dnc(session, None, "89160000001", "", "RU")
        client_entry = await add_dnc(session, world.client_id, "89160000002", "", "RU")
    async with unit_of_work(sessions) as session:
        entries, total = await list_dnc(session, world.client_id, 10, 0)
        assert ([e.phone for e in entries], total) == (["+79160000002"], 1)
        assert await is_on_dnc(session, world.client_id, "+79160000001")  # global applies to every client
        assert await is_on_dnc(session, world.client_id, "+79160000002")
        assert not await is_on_dnc(session, world.other_client_id, "+79160000002")
        assert not await remove_dnc(session, client_entry.id, world.other_client_id)  # not that client's
        assert await remove_dnc(session, client_entry.id, world.client_id)
        assert await remove_dnc(session, global_entry.id, None)
    async with sessions() as session:
        assert list(await session.scalars(select(DncEntry))) == []


async def test_importing_a_list_without_a_header(sessions, world, contacts, settings):
    data = "89160000001\n8 916 000-00-01\n+7 916 000 00 03\nне номер\n".encode("cp1251")
    report = await import_dnc(sessions, world.client_id, io.BytesIO(data), "stop.csv", settings=settings)
    assert (report.rows_read, report.imported, report.duplicates, report.rejected) == (4, 2, 1, 1)
    assert report.on_dnc == 2  # the contact in each of the client's two campaigns
    assert [(p.row, p.reason) for p in report.problems] == [
        (2, "already on the do-not-call list"),
        (4, "not a number"),
    ]
    async with sessions() as session:
        reasons = list(await session.scalars(select(DncEntry.reason).order_by(DncEntry.id)))
    assert reasons == ["imported from stop.csv", "imported from stop.csv"]


async def test_importing_a_global_list_with_header_and_reason(sessions, world, contacts, settings):
    data = csv_bytes(["Номер телефона;Причина", "89160000001;жалоба", "89160000002;"])
    report = await import_dnc(sessions, None, io.BytesIO(data), "global.csv", settings=settings)
    assert (report.imported, report.on_dnc) == (2, 3)
    async with sessions() as session:
        entries = list(await session.execute(select(DncEntry.client_id, DncEntry.phone, DncEntry.reason)))
    assert sorted(tuple(e) for e in entries) == [
        (None, "+79160000001", "жалоба"),
        (None, "+79160000002", "imported from global.csv"),
    ]


async def test_an_unreadable_list_is_refused(sessions, world, settings):
    with pytest.raises(UnreadableFile):
        await import_dnc(sessions, None, io.BytesIO(b"\x00\x01\x02" * 100), "x.csv", settings=settings)
    with pytest.raises(UnreadableFile, match="no phone column"):
        await import_dnc(sessions, None, io.BytesIO(b"name;city\nx;y\n"), "x.csv", settings=settings)
