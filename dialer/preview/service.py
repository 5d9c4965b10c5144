"""Preview click-to-call as the API drives it: the next contact for an operator, the click, the skip.

``next_contact`` leases the next eligible contact of one of the running preview campaigns the
operator is logged in to — the same rules as the engine's leasing (calling hours, do-not-call
lists, attempts, retry delays, consent, callbacks first and a callback reserved for another
operator left alone) — to ``preview:<operator id>`` for ``PREVIEW_HOLD``. Asking again while holding
one gives the same contact. ``request_dial`` stores a dial request the engine takes on its next tick
(the API and the engine may be separate processes: nothing passes in memory); ``skip`` gives the
contact back with its attempts unchanged.

An operator must be ready (not paused, not on a call or wrapping up) to be offered a contact or to
dial one, and may have one preview call at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls import leasing
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign, CampaignState
from dialer.campaigns.profile import campaign_profile
from dialer.contacts.models import Contact, ContactStatus
from dialer.desk import events as live
from dialer.dialing_modes import modes_where
from dialer.errors import Conflict, NotFound
from dialer.live.engine_wake import Topic, tell_engine
from dialer.operators import presence
from dialer.operators.models import OperatorState
from dialer.operators.sessions import _operator as permitted_operator
from dialer.preview.models import PreviewRequest, PreviewStatus

PREVIEW_HOLD = timedelta(minutes=10)  # how long a contact shown to an operator stays theirs
PREVIEW_PREFIX = "preview:"


def preview_owner(operator_id: int) -> str:
    """The lease owner of a contact held for an operator's preview."""
    return f"{PREVIEW_PREFIX}{operator_id}"


@dataclass(frozen=True, slots=True)
class PreviewOffer:
    contact: Contact
    campaign: Campaign
    hold_until: datetime


async def _ready(session: AsyncSession, principal: Principal, operator_id: int) -> list[int]:
    """The operator's logged-in campaigns; ``Conflict`` unless ready."""
    await permitted_operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    status = await presence.get_status(session, operator_id)
    if status.state is not OperatorState.READY:
        reason = f" ({status.reason})" if status.reason else ""
        raise Conflict(
            f"operator {operator_id} is {status.state.value}{reason}: a preview call needs a ready operator"
        )
    return list(status.campaign_ids)


async def _call_in_progress(session: AsyncSession, operator_id: int) -> PreviewRequest | None:
    """The operator's preview request still pending, or whose call has not ended."""
    query = (
        select(PreviewRequest)
        .outerjoin(Call, Call.call_uid == PreviewRequest.call_uid)
        .where(
            PreviewRequest.operator_id == operator_id,
            or_(
                PreviewRequest.status == PreviewStatus.PENDING,
                (PreviewRequest.status == PreviewStatus.DIALING) & Call.ended_at.is_(None),
            ),
        )
        .limit(1)
    )
    return await session.scalar(query)


async def _held(session: AsyncSession, operator_id: int, now: datetime) -> Contact | None:
    query = select(Contact).where(
        Contact.lease_owner == preview_owner(operator_id),
        Contact.status == ContactStatus.IN_PROGRESS,
        Contact.lease_expires_at > now,
    )
    return await session.scalar(query.order_by(Contact.id).limit(1))


async def next_contact(
    session: AsyncSession, principal: Principal, operator_id: int, now: datetime
) -> PreviewOffer | None:
    """The contact the operator holds, else the next eligible one leased to them; None if none is."""
    campaign_ids = await _ready(session, principal, operator_id)
    busy = await _call_in_progress(session, operator_id)
    if busy is not None:
        raise Conflict(f"operator {operator_id}: preview call of contact {busy.contact_id} still in progress")
    held = await _held(session, operator_id, now)
    if held is not None:
        campaign = await session.get(Campaign, held.campaign_id)
        assert campaign is not None  # kept by the contact's foreign key
        return PreviewOffer(held, campaign, held.lease_expires_at or now + PREVIEW_HOLD)
    campaigns = await session.scalars(
        select(Campaign)
        .where(
            Campaign.id.in_(campaign_ids),
            Campaign.state == CampaignState.RUNNING,
            Campaign.dialing_mode.in_(modes_where(lambda mode: mode.operator_previews)),
        )
        .order_by(Campaign.id)
    )
    for campaign in campaigns:
        try:
            profile = campaign_profile(campaign)
        except KeyError:
            continue  # an unknown profile: never dialed (the engine logs it)
        leased = await leasing.lease_contacts(
            session,
            campaign=campaign,
            limit=1,
            now=now,
            owner=preview_owner(operator_id),
            lease_for=PREVIEW_HOLD,
            profile=profile,
            ready_operator_ids=[operator_id],
        )
        if leased:
            offer = PreviewOffer(leased[0], campaign, now + PREVIEW_HOLD)
            await live.preview_offer(session, operator_id, offer.contact, campaign, offer.hold_until, now)
            return offer
    return None


async def _held_contact(session: AsyncSession, operator_id: int, contact_id: int, now: datetime) -> Contact:
    query = select(Contact).where(Contact.id == contact_id).with_for_update()
    contact = await session.scalar(query.execution_options(populate_existing=True))
    if contact is None or contact.lease_owner != preview_owner(operator_id):
        raise NotFound(f"contact {contact_id} is not held for operator {operator_id}'s preview")
    if contact.status is not ContactStatus.IN_PROGRESS or (
        contact.lease_expires_at is not None and contact.lease_expires_at <= now
    ):
        raise Conflict(f"contact {contact_id}: the preview hold ran out; ask for the next contact")
    return contact


async def request_dial(
    session: AsyncSession, principal: Principal, operator_id: int, contact_id: int, now: datetime
) -> PreviewRequest:
    """Ask the engine to call the contact the operator holds and put it through to them."""
    await _ready(session, principal, operator_id)
    contact = await _held_contact(session, operator_id, contact_id, now)
    busy = await _call_in_progress(session, operator_id)
    if busy is not None:
        if busy.contact_id == contact_id and busy.status is PreviewStatus.PENDING:
            return busy  # clicked twice
        raise Conflict(f"operator {operator_id}: preview call of contact {busy.contact_id} still in progress")
    contact.lease_expires_at = now + PREVIEW_HOLD  # the engine takes it over on its next tick
    request = PreviewRequest(
        campaign_id=contact.campaign_id,
        operator_id=operator_id,
        contact_id=contact.id,
        status=PreviewStatus.PENDING,
        requested_at=now,
    )
    session.add(request)
    await session.flush()
    await tell_engine(session, Topic.PREVIEWS)
    return request


async def skip(
    session: AsyncSession, principal: Principal, operator_id: int, contact_id: int, now: datetime
) -> Contact:
    """Give the held contact back (attempts unchanged); a dial request not taken yet is cancelled."""
    await permitted_operator(session, principal, operator_id, Permission.SESSIONS_WRITE)
    contact = await _held_contact(session, operator_id, contact_id, now)
    await session.execute(
        update(PreviewRequest)
        .where(PreviewRequest.contact_id == contact_id, PreviewRequest.status == PreviewStatus.PENDING)
        .values(status=PreviewStatus.CANCELLED, error="skipped by the operator")
        .execution_options(synchronize_session=False)
    )
    await leasing.release_contact(session, contact.id, preview_owner(operator_id))
    await session.refresh(contact)
    return contact
