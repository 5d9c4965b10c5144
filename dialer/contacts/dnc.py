"""Do-not-call lists: one global (``client_id`` empty) and one per client.

A number added to a list marks the matching contacts (by their phone or any extra phone) of that
client's campaigns, or of every campaign for the global list: ``on_dnc`` is set, and a contact not yet
called or waiting for a retry or callback gets status ``do_not_call``. Contacts in a call now or
already done keep their status (the engine never leases a contact with ``on_dnc`` set).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.clients.models import Client
from dialer.contacts.errors import NotFound
from dialer.contacts.models import DncEntry
from dialer.contacts.phones import PhoneNormaliser, PhoneProblem
from dialer.contacts.writers import dialect_name

_STATUSES_TO_STOP = ("new", "scheduled", "callback", "exhausted")


def normalise_or_raise(phone_raw: str, default_country: str) -> str:
    """The E.164 form of a written number; ``ValueError`` saying why if it is not one."""
    result = PhoneNormaliser(default_country).normalise(phone_raw)
    if isinstance(result, PhoneProblem):
        raise ValueError(f"{phone_raw!r} is not a phone number we can dial: {result.value}")
    return result[0]


def _scope(client_id: int | None) -> ColumnElement[bool]:
    return DncEntry.client_id.is_(None) if client_id is None else DncEntry.client_id == client_id


async def mark_contacts(session: AsyncSession, client_id: int | None, phones: Sequence[str]) -> int:
    """Mark the contacts with any of ``phones`` as do-not-call; returns how many were newly marked."""
    if not phones:
        return 0
    postgresql = dialect_name(session) == "postgresql"
    if postgresql:
        match = (
            "(phone = ANY(CAST(:phones AS text[])) "
            "OR jsonb_exists_any(contacts.extra_phones, CAST(:phones AS text[])))"
        )
    else:
        match = (
            "(phone IN :phones OR EXISTS "
            "(SELECT 1 FROM json_each(contacts.extra_phones) AS e WHERE e.value IN :phones))"
        )
    campaigns = (
        "" if client_id is None else "AND campaign_id IN (SELECT id FROM campaigns WHERE client_id = :client)"
    )
    statement = text(
        "UPDATE contacts SET on_dnc = :yes, status = CASE WHEN status IN :stoppable "
        f"THEN 'do_not_call' ELSE status END WHERE on_dnc = :no {campaigns} AND {match}"
    ).bindparams(bindparam("stoppable", expanding=True))
    if not postgresql:
        statement = statement.bindparams(bindparam("phones", expanding=True))
    params: dict[str, object] = {
        "yes": True,
        "no": False,
        "phones": list(phones),
        "stoppable": list(_STATUSES_TO_STOP),
    }
    if client_id is not None:
        params["client"] = client_id
    result = await session.execute(statement, params)
    return int(getattr(result, "rowcount", 0) or 0)


async def _check_client(session: AsyncSession, client_id: int | None) -> None:
    if client_id is None:
        return
    if await session.get(Client, client_id) is None:
        raise NotFound(f"client {client_id} does not exist")


async def add_dnc(
    session: AsyncSession, client_id: int | None, phone_raw: str, reason: str, default_country: str
) -> DncEntry:
    """Put a number on a list (idempotent: an existing entry is returned) and mark matching contacts."""
    await _check_client(session, client_id)
    phone = normalise_or_raise(phone_raw, default_country)
    existing = await session.scalar(select(DncEntry).where(_scope(client_id), DncEntry.phone == phone))
    if existing is not None:
        return existing
    entry = DncEntry(client_id=client_id, phone=phone, reason=reason[:200])
    session.add(entry)
    await session.flush()
    await mark_contacts(session, client_id, [phone])
    return entry


async def remove_dnc(session: AsyncSession, entry_id: int, client_id: int | None) -> bool:
    """Take an entry off its list (it must belong to ``client_id``'s list); ``False`` if not found.

    Contacts marked because of it stay marked: whoever removes a number decides about its contacts.
    """
    entry = await session.get(DncEntry, entry_id)
    if entry is None or entry.client_id != client_id:
        return False
    await session.delete(entry)
    await session.flush()
    return True


async def list_dnc(
    session: AsyncSession, client_id: int | None, limit: int = 100, offset: int = 0
) -> tuple[list[DncEntry], int]:
    """One list's entries, newest first, and how many it holds."""
    total = await session.scalar(select(func.count()).select_from(DncEntry).where(_scope(client_id)))
    entries = await session.scalars(
        select(DncEntry).where(_scope(client_id)).order_by(DncEntry.id.desc()).limit(limit).offset(offset)
    )
    return list(entries), int(total or 0)


async def is_on_dnc(session: AsyncSession, client_id: int | None, phone: str) -> bool:
    """Whether an E.164 number is on the global list or on ``client_id``'s list."""
    scope: ColumnElement[bool] = DncEntry.client_id.is_(None)
    if client_id is not None:
        scope = or_(scope, DncEntry.client_id == client_id)
    found = await session.scalar(select(DncEntry.id).where(DncEntry.phone == phone, scope).limit(1))
    return found is not None


async def dnc_numbers(session: AsyncSession, client_id: int | None) -> set[int]:
    """Every number a campaign of ``client_id`` must not dial, as integers (E.164 without ``+``)."""
    scope: ColumnElement[bool] = DncEntry.client_id.is_(None)
    if client_id is not None:
        scope = or_(scope, DncEntry.client_id == client_id)
    result = await session.stream_scalars(
        select(DncEntry.phone).where(scope).execution_options(yield_per=10_000)
    )
    return {int(phone[1:]) async for phone in result}


async def list_numbers(session: AsyncSession, client_id: int | None) -> set[str]:
    """The numbers on exactly one list (for de-duplicating an import into it)."""
    result = await session.stream_scalars(
        select(DncEntry.phone).where(_scope(client_id)).execution_options(yield_per=10_000)
    )
    return {phone async for phone in result}
