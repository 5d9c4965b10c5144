"""The operator's disposition of a call, and the contact it moves on.

``set_disposition`` checks the code against the campaign's codes and then, by the code's kind:

- final: the contact is done; a code that ``adds_to_dnc`` puts the number on the client's do-not-call
  list (``dialer.contacts.dnc.add_dnc``) and the contact becomes ``do_not_call``;
- retry: the contact is scheduled after the campaign's ``retry`` delay (else its ``no_answer`` one),
  or exhausted when its attempts are used up;
- callback: ``callback_at`` is required and must be in the future; a time outside the contact's
  calling hours is moved to the start of the next window (the contact's ``next_attempt_at`` says
  where it landed). Callbacks are dialed even past ``max_attempts``; with ``same_operator`` the
  contact is reserved for the operator who took the call (``callback_operator_id``).

A hot-lead code is recorded on the call (``hot_lead``; ``crm_pushed_at`` stays empty until the CRM
push). Setting the same code again changes nothing; a different code on a disposed call is a
conflict. The disposition closes the call's wrap-up (the operator's state is moved on by
``dialer.operators.disposing``). A contact already in a newer attempt is left alone (only the
do-not-call rule still applies to it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.after_call import CALLBACK_OUTCOME, retry_later
from dialer.calls.lifecycle import earliest, refresh
from dialer.calls.models import Call
from dialer.calls.repository import get_call
from dialer.campaigns.models import Campaign, DispositionCode, DispositionKind
from dialer.contacts import dnc
from dialer.contacts.calling_zones import contact_zones, next_callable
from dialer.contacts.models import Contact, ContactStatus
from dialer.desk import events as live
from dialer.errors import Conflict, InvalidInput
from dialer.hotleads.outbox import enqueue_hot_lead


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{name}: give a time with its zone (UTC)")
    return moment


async def set_disposition(
    session: AsyncSession,
    principal: Principal,
    call_id: int,
    code: str,
    *,
    note: str | None = None,
    callback_at: datetime | None = None,
    same_operator: bool = False,
    at: datetime,
) -> Call:
    """Dispose a call the caller may see (else ``NotFound``) and move its contact on."""
    principal.require(Permission.CALLS_WRITE)
    _aware(at, "at")
    call = await get_call(session, principal, call_id, lock=True)
    if call.disposition_code is not None:
        if call.disposition_code == code:
            return call
        raise Conflict(f"call {call_id} is already disposed as {call.disposition_code!r}")
    campaign = await session.get(Campaign, call.campaign_id)
    assert campaign is not None  # kept by the call's foreign key
    chosen = _code(campaign, code)
    contact = await session.scalar(select(Contact).where(Contact.id == call.contact_id).with_for_update())
    assert contact is not None  # kept by the call's foreign key
    callback = await _callback_time(campaign, contact, chosen, callback_at, at)

    call.disposition_code, call.disposition_note = chosen.code, note
    call.disposition_at, call.disposed_by = at, principal.actor[:50]
    call.hot_lead = chosen.hot_lead
    if call.ended_at is not None and at >= call.ended_at:
        call.wrap_ended_at = earliest(call.wrap_ended_at, at)
    refresh(call)

    if chosen.adds_to_dnc:
        reason = f"disposition {chosen.code} on call {call.id}"
        await dnc.add_dnc(session, campaign.client_id, contact.phone, reason, campaign.default_country)
        contact.on_dnc = True
    if await _contact_is_ours(session, call, contact):
        _move(contact, campaign, chosen, call, callback, same_operator, at)
    await session.flush()
    if call.hot_lead:
        await enqueue_hot_lead(session, call, at)
    await live.call_disposed(session, call, at)
    return call


def _code(campaign: Campaign, code: str) -> DispositionCode:
    codes = {d.code: d for d in campaign.dispositions}
    if code not in codes:
        known = ", ".join(sorted(codes))
        raise InvalidInput(f"code: {code!r} is not a disposition of campaign {campaign.id} (known: {known})")
    return codes[code]


async def _callback_time(
    campaign: Campaign,
    contact: Contact,
    chosen: DispositionCode,
    callback_at: datetime | None,
    at: datetime,
) -> datetime | None:
    if chosen.kind is not DispositionKind.CALLBACK:
        if callback_at is not None:
            raise InvalidInput(f"callback_at: {chosen.code!r} is not a callback disposition")
        return None
    if callback_at is None:
        raise InvalidInput(f"callback_at: required for the callback disposition {chosen.code!r}")
    _aware(callback_at, "callback_at")
    if callback_at <= at:
        raise InvalidInput("callback_at: must be in the future")
    zones = contact_zones(contact.timezone, contact.phone)
    when = next_callable(campaign.calling_hours, zones, callback_at)
    if when is None:
        raise InvalidInput("callback_at: the campaign's calling hours never open for this contact")
    return when


async def _contact_is_ours(session: AsyncSession, call: Call, contact: Contact) -> bool:
    """May this call's disposition move the contact? Not once a newer attempt has it."""
    newer = select(Call.id).where(Call.contact_id == call.contact_id, Call.id > call.id)
    return not await session.scalar(select(exists(newer)))


def _move(
    contact: Contact,
    campaign: Campaign,
    chosen: DispositionCode,
    call: Call,
    callback: datetime | None,
    same_operator: bool,
    at: datetime,
) -> None:
    contact.lease_owner = contact.lease_expires_at = None
    contact.callback_operator_id = None
    if contact.on_dnc:
        contact.status, contact.next_attempt_at = ContactStatus.DO_NOT_CALL, None
    elif chosen.kind is DispositionKind.FINAL:
        contact.status, contact.next_attempt_at = ContactStatus.DONE, None
    elif chosen.kind is DispositionKind.RETRY:
        move = retry_later(
            attempts=contact.attempts,
            max_attempts=campaign.max_attempts,
            retry_delays=campaign.retry_delays,
            at=at,
        )
        contact.status, contact.next_attempt_at = move.status, move.next_attempt_at
    else:
        contact.status, contact.next_attempt_at = ContactStatus.CALLBACK, callback
        contact.last_outcome = CALLBACK_OUTCOME  # a released or expired lease brings it back as a callback
        contact.callback_operator_id = call.operator_id if same_operator else None


async def contact_of(session: AsyncSession, call: Call) -> Contact:
    """The call's contact as the disposition left it."""
    contact = await session.get(Contact, call.contact_id)
    assert contact is not None  # kept by the call's foreign key
    return contact
