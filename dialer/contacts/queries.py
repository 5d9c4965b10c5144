"""Listing a campaign's contacts with filters, and exporting them back as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.contacts.models import Contact, ContactStatus
from dialer.contacts.writers import dialect_name
from dialer.spreadsheet_cells import csv_row

EXPORT_COLUMNS = (
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
)
EXPORT_PAGE = 5000


def _filters(
    campaign_id: int,
    *,
    status: ContactStatus | str | Sequence[ContactStatus | str] | None = None,
    attempts: int | None = None,
    min_attempts: int | None = None,
    max_attempts: int | None = None,
    last_outcome: str | None = None,
    on_dnc: bool | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Contact.campaign_id == campaign_id]
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        conditions.append(Contact.status.in_([ContactStatus(s) for s in statuses]))
    if attempts is not None:
        conditions.append(Contact.attempts == attempts)
    if min_attempts is not None:
        conditions.append(Contact.attempts >= min_attempts)
    if max_attempts is not None:
        conditions.append(Contact.attempts <= max_attempts)
    if last_outcome is not None:
        conditions.append(Contact.last_outcome == last_outcome)
    if on_dnc is not None:
        conditions.append(Contact.on_dnc.is_(on_dnc))
    return conditions


async def list_contacts(
    session: AsyncSession,
    campaign_id: int,
    *,
    status: ContactStatus | str | Sequence[ContactStatus | str] | None = None,
    attempts: int | None = None,
    min_attempts: int | None = None,
    max_attempts: int | None = None,
    last_outcome: str | None = None,
    on_dnc: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Contact], int]:
    """One page of a campaign's contacts in import order, and how many match the filters in all.

    ``status`` is one status or several; ``ValueError`` for an unknown one."""
    conditions = _filters(
        campaign_id,
        status=status,
        attempts=attempts,
        min_attempts=min_attempts,
        max_attempts=max_attempts,
        last_outcome=last_outcome,
        on_dnc=on_dnc,
    )
    total = await session.scalar(select(func.count()).select_from(Contact).where(*conditions))
    page = await session.scalars(
        select(Contact).where(*conditions).order_by(Contact.id).limit(limit).offset(offset)
    )
    return list(page), int(total or 0)


async def data_fields(session: AsyncSession, campaign_id: int) -> list[str]:
    """The custom fields the campaign's contacts carry, in the order they first appear."""
    if dialect_name(session) == "postgresql":
        sql = (
            "SELECT k FROM (SELECT jsonb_object_keys(data) AS k, id FROM contacts "
            "WHERE campaign_id = :c) AS keys GROUP BY k ORDER BY MIN(id), k"
        )
    else:
        sql = (
            "SELECT j.key FROM contacts, json_each(contacts.data) AS j "
            "WHERE contacts.campaign_id = :c GROUP BY j.key ORDER BY MIN(contacts.id), j.key"
        )
    result = await session.execute(text(sql), {"c": campaign_id})
    return [str(row[0]) for row in result]


def _csv_line(writer: Any, buffer: io.StringIO, values: Sequence[Any]) -> bytes:
    writer.writerow(values)
    line = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return line.encode("utf-8")


async def export_contacts_csv(
    sessions: async_sessionmaker[AsyncSession],
    campaign_id: int,
    *,
    status: ContactStatus | str | Sequence[ContactStatus | str] | None = None,
    attempts: int | None = None,
    min_attempts: int | None = None,
    max_attempts: int | None = None,
    last_outcome: str | None = None,
    on_dnc: bool | None = None,
    delimiter: str = ";",
) -> AsyncIterator[bytes]:
    """The matching contacts as CSV chunks: UTF-8 with a byte-order mark and ``;`` by default, as Excel
    opens it in Russian locales (and as the importer reads it back). One short session per page of
    :data:`EXPORT_PAGE` contacts, in id order, so a slow download holds no transaction open."""
    conditions = _filters(
        campaign_id,
        status=status,
        attempts=attempts,
        min_attempts=min_attempts,
        max_attempts=max_attempts,
        last_outcome=last_outcome,
        on_dnc=on_dnc,
    )
    async with sessions() as session:
        fields = await data_fields(session, campaign_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield b"\xef\xbb\xbf" + _csv_line(writer, buffer, csv_row([*EXPORT_COLUMNS, *fields]))
    after = 0
    while True:
        async with sessions() as session:
            page = list(
                await session.scalars(
                    select(Contact)
                    .where(*conditions, Contact.id > after)
                    .order_by(Contact.id)
                    .limit(EXPORT_PAGE)
                )
            )
        if not page:
            return
        for contact in page:
            data = contact.data or {}
            writer.writerow(
                csv_row(
                    [
                        contact.id,
                        contact.phone,
                        contact.extension,
                        ", ".join(contact.extra_phones or []),
                        contact.name,
                        contact.company,
                        contact.timezone or "",
                        contact.status.value if isinstance(contact.status, ContactStatus) else contact.status,
                        "1" if contact.on_dnc else "0",
                        "1" if contact.consent else "0",
                        contact.attempts,
                        contact.last_outcome or "",
                        contact.next_attempt_at.isoformat() if contact.next_attempt_at else "",
                        *(_field_text(data.get(f)) for f in fields),
                    ]
                )
            )
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield chunk.encode("utf-8")
        after = page[-1].id


def _field_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
