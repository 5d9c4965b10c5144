"""Contact records as PostgreSQL binary COPY data: what goes in comes back, and only for its campaign."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from dialer.contacts.copy_binary import PG_TYPES, ContactCopy
from dialer.contacts.jobs import start_job
from dialer.contacts.models import Contact, ImportKind
from dialer.contacts.records import CONTACT_COLUMNS
from dialer.contacts.writers import PostgresCopyWriter, dialect_name


def _record(campaign: int, job: int, phone: str, **values: object) -> tuple[object, ...]:
    fields: dict[str, object] = {
        "campaign_id": campaign,
        "phone": phone,
        "extension": "",
        "extra_phones": "[]",
        "name": "",
        "company": "",
        "timezone": None,
        "data": "{}",
        "status": "new",
        "on_dnc": False,
        "attempts": 0,
        "import_id": job,
        "source_row": 2,
        "consent": False,
    }
    fields.update(values)
    return tuple(fields[column] for column in CONTACT_COLUMNS)


async def _postgresql(sessions) -> None:
    async with sessions() as session:
        if dialect_name(session) != "postgresql":
            pytest.skip("binary COPY is PostgreSQL's")


async def test_the_encoding_is_for_the_types_the_contacts_table_has(sessions):
    await _postgresql(sessions)
    async with sessions() as session:
        rows = await session.execute(
            text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'contacts'"
            )
        )
        types = {name: kind for name, kind in rows}
    assert tuple(types[column] for column in CONTACT_COLUMNS) == PG_TYPES


async def test_records_written_as_binary_copy_read_back_as_they_were(sessions, world):
    await _postgresql(sessions)
    job = await start_job(
        sessions, ImportKind.CONTACTS, "x.csv", campaign_id=world.campaign_id, client_id=None, created_by=None
    )
    data = {"Город": "Москва", "Заметка": 'кавычки " и \\ обратная черта\tтаб'}
    records = [
        _record(
            world.campaign_id,
            job,
            "+74951502222",
            extension="123",
            extra_phones=json.dumps(["+79161234567"]),
            name="Иванов Иван Иванович",
            company="ООО «Ромашка»",
            timezone="Europe/Moscow",
            data=json.dumps(data, ensure_ascii=False),
            on_dnc=True,
            status="do_not_call",
            source_row=70_000,
            consent=True,
        ),
        _record(world.campaign_id, job, "+79161234568", source_row=3),
    ]
    async with sessions() as session:
        await PostgresCopyWriter(session, "contacts", CONTACT_COLUMNS).write_encoded(
            ContactCopy(world.campaign_id, job).encode(records)
        )
        await session.commit()
    async with sessions() as session:
        second, first = (await session.scalars(select(Contact).order_by(Contact.source_row))).all()
    assert (second.source_row, first.source_row) == (3, 70_000)
    assert (first.phone, first.extension, first.extra_phones) == ("+74951502222", "123", ["+79161234567"])
    assert (first.name, first.company, first.timezone) == (
        "Иванов Иван Иванович",
        "ООО «Ромашка»",
        "Europe/Moscow",
    )
    assert first.data == data
    assert (first.on_dnc, first.status, first.consent, first.attempts) == (True, "do_not_call", True, 0)
    assert (first.campaign_id, first.import_id) == (world.campaign_id, job)
    assert (second.timezone, second.data, second.extra_phones, second.on_dnc, second.consent) == (
        None,
        {},
        [],
        False,
        False,
    )


@pytest.mark.parametrize(
    ("field", "value"), [("campaign_id", 8), ("import_id", 9), ("attempts", 1)], ids=lambda v: str(v)
)
def test_a_record_for_another_campaign_or_import_is_refused(field, value):
    encoder = ContactCopy(campaign_id=7, import_id=3)
    assert encoder.encode([_record(7, 3, "+74951502222")]).startswith(b"PGCOPY\n\xff\r\n\x00")
    with pytest.raises(ValueError, match="this import writes campaign 7, import 3"):
        encoder.encode([_record(7, 3, "+74951502222"), _record(7, 3, "+74951502223", **{field: value})])
