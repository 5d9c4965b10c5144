"""Listing contacts with filters and exporting them back as CSV (which imports again)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from dialer.contacts.importing import import_contacts
from dialer.contacts.models import Contact, ContactStatus
from dialer.contacts.queries import export_contacts_csv, list_contacts
from dialer.db.engine import unit_of_work

from .conftest import csv_bytes


@pytest.fixture
async def called(sessions, world):
    async with unit_of_work(sessions) as session:
        session.add_all(
            [
                Contact(campaign_id=world.campaign_id, phone="+79160000001", data={"Город": "Тула"}),
                Contact(
                    campaign_id=world.campaign_id,
                    phone="+79160000002",
                    status=ContactStatus.SCHEDULED,
                    attempts=1,
                    last_outcome="busy",
                    next_attempt_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
                ),
                Contact(
                    campaign_id=world.campaign_id,
                    phone="+79160000003",
                    status=ContactStatus.SCHEDULED,
                    attempts=2,
                    last_outcome="no_answer",
                    data={"Город": "Орёл", "Сумма": "100"},
                ),
                Contact(
                    campaign_id=world.campaign_id, phone="+79160000004", status=ContactStatus.DONE, attempts=3
                ),
                Contact(campaign_id=world.second_campaign_id, phone="+79160000005"),
            ]
        )


async def _phones(session, campaign_id, **filters):
    contacts, total = await list_contacts(session, campaign_id, **filters)
    return [c.phone[-1] for c in contacts], total


async def test_filters_by_status_attempts_and_outcome(sessions, world, called):
    async with sessions() as session:
        assert await _phones(session, world.campaign_id) == (["1", "2", "3", "4"], 4)
        assert await _phones(session, world.campaign_id, status="scheduled") == (["2", "3"], 2)
        assert await _phones(session, world.campaign_id, status=["new", ContactStatus.DONE]) == (
            ["1", "4"],
            2,
        )
        assert await _phones(session, world.campaign_id, attempts=2) == (["3"], 1)
        assert await _phones(session, world.campaign_id, min_attempts=2) == (["3", "4"], 2)
        assert await _phones(session, world.campaign_id, max_attempts=1) == (["1", "2"], 2)
        assert await _phones(session, world.campaign_id, last_outcome="busy") == (["2"], 1)
        assert await _phones(session, world.campaign_id, on_dnc=False, limit=2, offset=1) == (["2", "3"], 4)
        with pytest.raises(ValueError):
            await list_contacts(session, world.campaign_id, status="nonsense")


async def test_export_streams_csv_with_the_custom_fields(sessions, world, called):
    chunks = [c async for c in export_contacts_csv(sessions, world.campaign_id, status="scheduled")]
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "id",
        "phone",
        "extension",
        "extra_phones",
        "name",
        "company",
        "timezone",
        "status",
        "on_dnc",
        "consent",
        "attempts",
        "last_outcome",
        "next_attempt_at",
        "Город",
        "Сумма",
    ]
    assert [r[1] for r in rows[1:]] == ["'+79160000002", "'+79160000003"]  # marked as text for spreadsheets
    assert rows[1][2] == ""
    assert rows[1][7:13] == ["scheduled", "0", "0", "1", "busy", "2026-11-27T09:30:00+00:00"]
    assert rows[2][13:] == ["Орёл", "100"]


async def test_an_export_imports_back(sessions, world, settings):
    data = csv_bytes(
        ["Телефон|Телефон 2|ФИО|Компания|Город|Согласие", "89160000001|84951502222|Анна|Ромашка|Тула|да"]
    )
    await import_contacts(sessions, world.campaign_id, io.BytesIO(data), "a.csv", settings=settings)
    exported = b"".join([c async for c in export_contacts_csv(sessions, world.campaign_id)])
    report = await import_contacts(
        sessions, world.second_campaign_id, io.BytesIO(exported), "export.csv", settings=settings
    )
    assert report.imported == 1
    async with sessions() as session:
        [copy], _ = await list_contacts(session, world.second_campaign_id)
    assert (copy.phone, copy.extra_phones, copy.name, copy.company) == (
        "+79160000001",
        ["+74951502222"],
        "Анна",
        "Ромашка",
    )
    assert copy.data["Город"] == "Тула"
    assert copy.consent is True
