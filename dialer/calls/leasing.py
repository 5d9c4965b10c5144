"""Contact leasing: which contacts a dialer may call now, given to one dialer at a time.

A contact is leased when it is due (``new``/``scheduled``/``callback`` with ``next_attempt_at`` empty
or past), not on a do-not-call list (its ``on_dnc`` flag, and again the global and the client's
lists by phone, so a number added after import still blocks), under ``max_attempts`` (callbacks
excepted), not leased by anyone (or its lease has expired), consenting where the profile requires it
for advertising calls, and inside its local calling hours (``dialer.contacts.calling_zones``: every zone its
number may be in when its zone is unknown). Contacts found outside their hours get
``next_attempt_at`` = their next window's start, so they are not fetched again and again.

Order: callbacks first (at or after their time), then abandoned contacts (their quiet time is already
in ``next_attempt_at``), then the rest by ``next_attempt_at`` (new contacts last) and id.

Leasing sets ``status`` in_progress, ``lease_owner`` and ``lease_expires_at``; the engine renews its
leases while it lives (``renew_leases``) and gives back contacts it did not dial (``release_contact``).
A lease from a crashed process expires (``expire_leases``): the contact returns to new/scheduled with
its attempts kept (exhausted if they are used up); a callback not yet dialed (``last_outcome``
``callback``) returns as a callback. Choose ``lease_for`` well above the renewal
interval: an expired lease lets another dialer take the contact.

Two dialers never get the same contact: on PostgreSQL the candidates are selected ``FOR UPDATE SKIP
LOCKED``; on both databases the final ``UPDATE … RETURNING`` is guarded by the status and lease columns
(SQLite serialises writers, so the guard alone suffices there).

Interface::

    lease_contacts(session, *, campaign, limit, now, owner, lease_for, profile,
                   ready_operator_ids=None) -> list[Contact]
    renew_leases(session, owner, now, lease_for) -> int
    release_contact(session, contact_id, owner) -> bool
    release_orphans(session, owner, keep) -> int
    expire_leases(session, now) -> int
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.after_call import CALLBACK_OUTCOME, HOLD_PREFIX
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.compliance import ComplianceProfile
from dialer.contacts.calling_zones import CallingVerdicts, contact_zones
from dialer.contacts.models import Contact, ContactStatus, DncEntry
from dialer.contacts.parking import parked_values

DUE = (ContactStatus.NEW, ContactStatus.SCHEDULED, ContactStatus.CALLBACK)
CANDIDATES_PER_LEASE = 4
NEVER_OPEN_RECHECK = timedelta(days=1)
UNDISPOSED_RETRY = timedelta(hours=1)


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(Contact.lease_expires_at.is_(None), Contact.lease_expires_at < now)


def _dnc_listed(client_id: int) -> ColumnElement[bool]:
    return exists().where(
        DncEntry.phone == Contact.phone,
        or_(DncEntry.client_id.is_(None), DncEntry.client_id == client_id),
    )


def eligible(
    campaign: Campaign, now: datetime, profile: ComplianceProfile, ready_operator_ids: Collection[int] | None
) -> list[ColumnElement[bool]]:
    """The SQL conditions of a leasable contact (all but the calling hours)."""
    conditions = [
        Contact.campaign_id == campaign.id,
        Contact.status.in_(DUE),
        or_(Contact.next_attempt_at.is_(None), Contact.next_attempt_at <= now),
        or_(Contact.status == ContactStatus.CALLBACK, Contact.attempts < campaign.max_attempts),
        Contact.on_dnc.is_(False),
        _free(now),
        ~_dnc_listed(campaign.client_id),
    ]
    if not profile.may_dial(advertising=campaign.advertising, consent=False):
        conditions.append(Contact.consent.is_(True))
    if ready_operator_ids is not None:
        conditions.append(
            or_(
                Contact.callback_operator_id.is_(None),
                Contact.callback_operator_id.in_(list(ready_operator_ids)),
            )
        )
    return conditions


PRIORITY = case(
    (Contact.status == ContactStatus.CALLBACK, 0),
    (Contact.last_outcome == "abandoned", 1),
    else_=2,
)


async def lease_contacts(
    session: AsyncSession,
    *,
    campaign: Campaign,
    limit: int,
    now: datetime,
    owner: str,
    lease_for: timedelta,
    profile: ComplianceProfile,
    ready_operator_ids: Collection[int] | None = None,
) -> list[Contact]:
    """Lease up to ``limit`` contacts to ``owner`` until ``now + lease_for``, best first.

    ``ready_operator_ids``: when given, a callback reserved for an operator not among them waits.
    The caller commits (one short transaction per lease).
    """
    if limit <= 0:
        return []
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime refused: pass a timezone-aware (UTC) time")
    query = (
        select(Contact.id, Contact.phone, Contact.timezone)
        .where(*eligible(campaign, now, profile, ready_operator_ids))
        .order_by(PRIORITY, Contact.next_attempt_at.asc().nulls_last(), Contact.id)
        .limit(limit * CANDIDATES_PER_LEASE)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    chosen: list[int] = []
    later: dict[datetime, list[int]] = defaultdict(list)
    verdicts = CallingVerdicts(campaign.calling_hours, now)
    for contact_id, phone, zone in (await session.execute(query)).all():
        zones = contact_zones(zone, phone)
        if verdicts.callable_now(zones):
            if len(chosen) < limit:
                chosen.append(contact_id)
            continue
        opens = verdicts.next_callable(zones) or now + NEVER_OPEN_RECHECK
        later[opens].append(contact_id)
    for opens, ids in later.items():
        await session.execute(
            update(Contact)
            .where(Contact.id.in_(ids), Contact.status.in_(DUE), _free(now))
            .values(**parked_values(opens, now))
            .execution_options(synchronize_session=False)
        )
    if not chosen:
        return []
    leased = await session.scalars(
        update(Contact)
        .where(Contact.id.in_(chosen), Contact.status.in_(DUE), Contact.on_dnc.is_(False), _free(now))
        .values(
            status=ContactStatus.IN_PROGRESS,
            lease_owner=owner,
            lease_expires_at=now + lease_for,
            parked_due=None,
        )
        .returning(Contact),
        execution_options={"synchronize_session": False, "populate_existing": True},
    )
    by_id = {contact.id: contact for contact in leased}
    return [by_id[i] for i in chosen if i in by_id]


async def renew_leases(session: AsyncSession, owner: str, now: datetime, lease_for: timedelta) -> int:
    """Extend every lease ``owner`` still holds to ``now + lease_for``; how many."""
    result = await session.execute(
        update(Contact)
        .where(Contact.lease_owner == owner, Contact.status == ContactStatus.IN_PROGRESS)
        .values(lease_expires_at=now + lease_for)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _returned_status() -> ColumnElement[str]:
    max_attempts = select(Campaign.max_attempts).where(Campaign.id == Contact.campaign_id).scalar_subquery()
    return case(
        (Contact.on_dnc.is_(True), ContactStatus.DO_NOT_CALL.value),
        (Contact.last_outcome == CALLBACK_OUTCOME, ContactStatus.CALLBACK.value),
        (Contact.attempts >= max_attempts, ContactStatus.EXHAUSTED.value),
        (Contact.attempts == 0, ContactStatus.NEW.value),
        else_=ContactStatus.SCHEDULED.value,
    )


async def _give_back(session: AsyncSession, *where: ColumnElement[bool], **also: Any) -> int:
    """Return the contacts ``where`` selects to the queue (their status from their attempts, no
    lease), setting ``also`` too; how many."""
    result = await session.execute(
        update(Contact)
        .where(*where)
        .values(status=_returned_status(), lease_owner=None, lease_expires_at=None, **also)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_orphans(session: AsyncSession, owner: str, keep: Collection[int]) -> int:
    """Give back every contact ``owner`` holds but ``keep`` (those with a call still open); how many.

    For a process starting under an engine id that an earlier, dead process used: a contact it leased
    but whose call was never recorded was never dialed (the record is written before the Originate),
    and nothing renews or expires it while the new process renews the owner's leases."""
    held = [Contact.lease_owner == owner, Contact.status == ContactStatus.IN_PROGRESS]
    if keep:
        held.append(Contact.id.not_in(list(keep)))
    return await _give_back(session, *held)


async def release_contact(session: AsyncSession, contact_id: int, owner: str) -> bool:
    """Give back a contact ``owner`` leased and did not dial (attempts unchanged); False if not held."""
    return bool(
        await _give_back(
            session,
            Contact.id == contact_id,
            Contact.lease_owner == owner,
            Contact.status == ContactStatus.IN_PROGRESS,
        )
    )


async def expire_leases(session: AsyncSession, now: datetime, *, holds: bool = True) -> int:
    """Return every contact whose lease ran out before ``now`` (a crashed or stuck holder); how many.

    A contact held for a disposition that never came (lease owner ``call:<uid>``) talked to an
    operator a moment ago: it is due again only after ``UNDISPOSED_RETRY``, not at once. With
    ``holds=False`` (a running engine's sweep) those stay held: a late disposition still lands;
    and so does a contact whose call is still open (a dead engine's call may still be talking in
    Asterisk: the engine that settles it frees the contact, never a redial).
    """
    expired = [Contact.status == ContactStatus.IN_PROGRESS, Contact.lease_expires_at < now]
    held = Contact.lease_owner.startswith(HOLD_PREFIX)
    undisposed = 0
    if holds:
        undisposed = await _give_back(session, *expired, held, next_attempt_at=now + UNDISPOSED_RETRY)
    else:
        expired += [~held, ~exists().where(Call.contact_id == Contact.id, Call.ended_at.is_(None))]
    return undisposed + await _give_back(session, *expired)
