"""Call records through a call's life: the engine's facts in, the contact moved on at the end.

The engine calls these with a session and plain values; every time is timezone-aware UTC. Each
function is idempotent and order-proof (``dialer.calls.lifecycle``): a repeated or late fact never
undoes a later one, and the contact is moved on exactly once, when the call first ends.

Interface (the runtime depends on these signatures)::

    create_call(session, *, campaign_id, contact_id, phone, attempt, call_uid, trunk, pbx, placed_at,
                recording_policy) -> Call
    mark_ringing(session, call_uid, at) -> Call
    mark_answered(session, call_uid, at) -> Call
    mark_amd(session, call_uid, status, cause, at) -> Call
    mark_early(session, call_uid, facts) -> Call            # ringing, answered, AMD held by the engine
    mark_connected(session, call_uid, operator_id, at, *, early=()) -> Call
    mark_abandoned(session, call_uid, at, *, early=()) -> Call
    mark_ended(session, call_uid, *, outcome, hangup_cause, hangup_side, at, early=()) -> Call
    mark_wrap_ended(session, call_uid, at) -> Call
    close_wrap(session, call_uid, at) -> Call | None        # the operator's wrap-up of it ended
    set_disposition(session, principal, call_id, code, *, note=None, callback_at=None,
                    same_operator=False, at) -> Call            (dialer.calls.dispositions)
    mark_crm_pushed(session, call_id, at) -> Call
    find_call(session, call_uid) -> Call | None
    open_calls(session, *, campaign_id=None, pbx=None) -> list[Call]     # not yet ended
    pending_hot_leads(session, limit=100) -> list[Call]                   # hot leads not yet pushed
    get_call(session, principal, call_id) -> Call
    list_calls(session, principal, *, campaign_id=None, operator_id=None, outcome=None,
               since=None, until=None, limit=100, offset=0) -> tuple[list[Call], int]

``early``: the call's early facts (``dialer.calls.early``) the engine held back, applied first in
the same transaction. This package is the only writer of the call row (the operators' wrap-up
end comes through ``close_wrap``).

``mark_*`` raise ``dialer.errors.NotFound`` for an unknown ``call_uid``. ``create_call`` counts the
attempt on the contact (so a crash after placing never re-dials for free); called again with the same
``call_uid`` it returns the existing record and counts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls import early as early_facts
from dialer.calls import ended as ended_signal
from dialer.calls import lifecycle
from dialer.calls.after_call import after_call, hold_owner
from dialer.calls.dispositions import set_disposition
from dialer.calls.lifecycle import refresh
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.calls.repository import find_call, get_call, list_calls, lock_call, open_calls, pending_hot_leads
from dialer.campaigns.models import Campaign, RecordingPolicy
from dialer.campaigns.profile import campaign_profile
from dialer.contacts.models import Contact, ContactStatus
from dialer.desk import events as live
from dialer.errors import InvalidInput, NotFound

__all__ = [
    "DISPOSITION_GRACE",
    "close_wrap",
    "create_call",
    "find_call",
    "get_call",
    "list_calls",
    "mark_abandoned",
    "mark_amd",
    "mark_answered",
    "mark_connected",
    "mark_crm_pushed",
    "mark_early",
    "mark_ended",
    "mark_ringing",
    "mark_wrap_ended",
    "open_calls",
    "pending_hot_leads",
    "set_disposition",
]

DISPOSITION_GRACE = timedelta(minutes=10)
"""How long after a connected call ends its contact stays held for the disposition (plus wrap-up)."""


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("naive datetime refused: pass a timezone-aware (UTC) time")
    return at


async def create_call(
    session: AsyncSession,
    *,
    campaign_id: int,
    contact_id: int,
    phone: str,
    attempt: int,
    call_uid: str,
    trunk: str,
    pbx: str,
    placed_at: datetime,
    recording_policy: RecordingPolicy,
) -> Call:
    """Record a call being placed and count the attempt on its contact (once per ``call_uid``).

    ``recording_policy`` is what the dialplan is told to record for it: kept on the call, it is
    what filing reads when the call ends (``dialer.call_recordings.filing.policy_of``)."""
    _aware(placed_at)
    existing = await find_call(session, call_uid)
    if existing is not None:
        return existing
    contact = await session.scalar(select(Contact).where(Contact.id == contact_id).with_for_update())
    if contact is None or contact.campaign_id != campaign_id:
        raise NotFound(f"contact {contact_id} of campaign {campaign_id} not found")
    call = Call(
        call_uid=call_uid,
        campaign_id=campaign_id,
        contact_id=contact_id,
        phone=phone,
        attempt=attempt,
        trunk=trunk,
        pbx=pbx,
        placed_at=placed_at,
        recording_policy=recording_policy.value,
    )
    refresh(call)
    session.add(call)
    contact.attempts += 1
    contact.last_attempt_at = placed_at
    await session.flush()
    return call


async def _fact(
    session: AsyncSession, call_uid: str, at: datetime, early: Sequence[early_facts.EarlyFact] = ()
) -> Call:
    """The call locked, with the early facts held for it applied first."""
    _aware(at)
    for fact in early:
        _aware(fact.at)
    call = await lock_call(session, call_uid)
    if call is None:
        raise NotFound(f"call {call_uid!r} not found")
    early_facts.apply(call, early)
    return call


async def _done(session: AsyncSession, call: Call) -> Call:
    await session.flush()
    return call


async def mark_ringing(session: AsyncSession, call_uid: str, at: datetime) -> Call:
    call = await _fact(session, call_uid, at)
    lifecycle.on_ringing(call, at)
    return await _done(session, call)


async def mark_answered(session: AsyncSession, call_uid: str, at: datetime) -> Call:
    call = await _fact(session, call_uid, at)
    lifecycle.on_answered(call, at)
    return await _done(session, call)


async def mark_amd(session: AsyncSession, call_uid: str, status: str, cause: str, at: datetime) -> Call:
    """The answering-machine verdict (``HUMAN``, ``MACHINE``, ``NOTSURE``…); the earliest one stands."""
    call = await _fact(session, call_uid, at)
    lifecycle.on_amd(call, status, cause, at)
    return await _done(session, call)


async def mark_early(
    session: AsyncSession, call_uid: str, facts: Sequence[early_facts.EarlyFact]
) -> Call:
    """Early facts the engine held and no durable write took in time: on their own."""
    if not facts:
        raise InvalidInput("mark_early: no fact given")
    call = await _fact(session, call_uid, facts[0].at, facts)
    return await _done(session, call)


async def mark_connected(
    session: AsyncSession,
    call_uid: str,
    operator_id: int,
    at: datetime,
    *,
    early: Sequence[early_facts.EarlyFact] = (),
) -> Call:
    call = await _fact(session, call_uid, at, early)
    first = call.connected_at is None
    lifecycle.on_connected(call, operator_id, at)
    await _done(session, call)
    if first and call.connected_at is not None and call.operator_id is not None:
        await live.call_connected(session, call, at)  # the operator's page shows the card at once
    return call


async def mark_abandoned(
    session: AsyncSession, call_uid: str, at: datetime, *, early: Sequence[early_facts.EarlyFact] = ()
) -> Call:
    """A person answered and no operator took them within the connect limit: counts as abandoned."""
    call = await _fact(session, call_uid, at, early)
    lifecycle.on_abandoned(call, at)
    return await _done(session, call)


async def flag_review(session: AsyncSession, call_uid: str, reason: str) -> Call:
    """Flag the call for a person's review (the first reason stands)."""
    call = await lock_call(session, call_uid)
    if call is None:
        raise NotFound(f"call {call_uid!r} not found")
    call.review = call.review or reason[:200]
    return await _done(session, call)


async def mark_seen_alive(session: AsyncSession, call_uids: list[str], at: datetime) -> None:
    """The engine saw these calls alive at ``at`` (those not ended yet)."""
    _aware(at)
    if call_uids:
        await session.execute(
            update(Call).where(Call.call_uid.in_(call_uids), Call.ended_at.is_(None)).values(seen_alive_at=at)
        )


async def mark_wrap_ended(session: AsyncSession, call_uid: str, at: datetime) -> Call:
    call = await _fact(session, call_uid, at)
    lifecycle.on_wrap_ended(call, at)
    return await _done(session, call)


async def close_wrap(session: AsyncSession, call_uid: str, at: datetime) -> Call | None:
    """The operator's wrap-up of this call ended at ``at`` (ready, paused, logged out, disposed):
    kept if the call had ended by then (the first end of its wrap-up stands). None: no such call."""
    _aware(at)
    call = await lock_call(session, call_uid)
    if call is None:
        return None
    if call.ended_at is not None and at >= call.ended_at:
        lifecycle.on_wrap_ended(call, at)
        await session.flush()
    return call


async def mark_ended(
    session: AsyncSession,
    call_uid: str,
    *,
    outcome: CallOutcome | str,
    hangup_cause: int | None,
    hangup_side: HangupSide | str | None,
    at: datetime,
    early: Sequence[early_facts.EarlyFact] = (),
) -> Call:
    """The call hung up with the engine's verdict; the first end moves the contact on (once)."""
    verdict = CallOutcome(outcome)
    side = HangupSide(hangup_side) if hangup_side is not None else None
    call = await _fact(session, call_uid, at, early)
    first_end = lifecycle.on_ended(call, verdict, hangup_cause, side, at)
    if call.recorded_at is None:  # billing's "recorded" moment: never before the call ended
        call.recorded_at = max(at, datetime.now(UTC))
        ended_signal.mark_call_ended(session.sync_session, call.campaign_id)
    await _done(session, call)
    if first_end and call.disposition_code is None:
        await _move_contact(session, call, verdict, at)
    if first_end:
        await live.call_ended(session, call, at)
    return call


async def mark_crm_pushed(session: AsyncSession, call_id: int, at: datetime) -> Call:
    """The hot lead reached the client's CRM (the first delivery's time stays)."""
    _aware(at)
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found")
    call.crm_pushed_at = lifecycle.earliest(call.crm_pushed_at, at)
    await session.flush()
    return call


async def _newer_attempt_exists(session: AsyncSession, call: Call) -> bool:
    newer = select(Call.id).where(Call.contact_id == call.contact_id, Call.id > call.id)
    return bool(await session.scalar(select(exists(newer))))


async def _move_contact(session: AsyncSession, call: Call, outcome: CallOutcome, at: datetime) -> None:
    """Retry, exhaust or hold the contact for its disposition; a contact already in a newer attempt
    (its lease expired and another dialer took it) is left to that attempt."""
    contact = await session.scalar(select(Contact).where(Contact.id == call.contact_id).with_for_update())
    if contact is None or contact.status is not ContactStatus.IN_PROGRESS:
        return
    if await _newer_attempt_exists(session, call):
        return
    campaign = await session.get(Campaign, call.campaign_id)
    assert campaign is not None  # the call's campaign is kept by its foreign key
    contact.last_outcome = outcome.value
    if contact.on_dnc:
        contact.status, contact.lease_owner, contact.lease_expires_at = ContactStatus.DO_NOT_CALL, None, None
        return
    move = after_call(
        outcome,
        attempts=contact.attempts,
        max_attempts=campaign.max_attempts,
        retry_delays=campaign.retry_delays,
        at=at,
        abandon_quiet=campaign_profile(campaign).redial_quiet(),
    )
    if move.wait_for_disposition:
        contact.lease_owner = hold_owner(call.call_uid)
        contact.lease_expires_at = at + DISPOSITION_GRACE + timedelta(seconds=campaign.wrap_up_s)
        return
    contact.status = move.status
    contact.next_attempt_at = move.next_attempt_at
    contact.attempts -= move.attempts_back
    contact.lease_owner = contact.lease_expires_at = None
    await session.flush()
