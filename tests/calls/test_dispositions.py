"""Dispositions move the contact on by the code's kind; the call records who set what, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.calls import service
from dialer.calls.models import Call, CallOutcome
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus, DncEntry
from dialer.db.engine import unit_of_work
from dialer.errors import Conflict, InvalidInput, NotFound
from tests.calls.conftest import NOW

S = timedelta(seconds=1)
SUPERVISOR = Principal(role=Role.SUPERVISOR, user_id=7)


async def connected_call(
    sessions, world, add_contacts, uid="c-1", *, end=True, **contact_fields
) -> tuple[int, int]:
    (contact_id,) = await add_contacts(world.campaign_id, status=ContactStatus.IN_PROGRESS, **contact_fields)
    async with unit_of_work(sessions) as session:
        contact = await session.get(Contact, contact_id)
        call = await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone=contact.phone,
            attempt=1,
            call_uid=uid,
            trunk="t",
            pbx="p",
            placed_at=NOW,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        await service.mark_connected(session, uid, world.operator_ids[0], NOW + 10 * S)
        if end:
            await service.mark_ended(
                session,
                uid,
                outcome=CallOutcome.HUMAN_CONNECTED,
                hangup_cause=16,
                hangup_side="customer",
                at=NOW + 60 * S,
            )
        return call.id, contact_id


async def dispose(sessions, call_id, code, principal=SUPERVISOR, at=NOW + 70 * S, **kwargs) -> Call:
    async with unit_of_work(sessions) as session:
        return await service.set_disposition(session, principal, call_id, code, at=at, **kwargs)


async def contact_of(sessions, contact_id) -> Contact:
    async with sessions() as session:
        return await session.get(Contact, contact_id)


async def test_a_final_code_closes_the_contact_and_marks_a_hot_lead(sessions, world, add_contacts):
    call_id, contact_id = await connected_call(sessions, world, add_contacts)
    call = await dispose(sessions, call_id, "sale", note="two cards")
    async with unit_of_work(sessions) as session:
        assert [c.id for c in await service.pending_hot_leads(session)] == [call_id]
        await service.mark_crm_pushed(session, call_id, NOW + 71 * S)
        assert await service.pending_hot_leads(session) == []
    assert (call.disposition_code, call.disposition_note, call.hot_lead) == ("sale", "two cards", True)
    assert (call.disposition_at, call.disposed_by, call.crm_pushed_at) == (NOW + 70 * S, "user:7", None)
    assert call.wrap_seconds == 10.0
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.lease_owner, contact.next_attempt_at) == (ContactStatus.DONE, None, None)


async def test_retry_later_uses_the_campaigns_delay(sessions, world, add_contacts):
    call_id, contact_id = await connected_call(sessions, world, add_contacts)
    await dispose(sessions, call_id, "try_later")
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.next_attempt_at) == (ContactStatus.SCHEDULED, NOW + 70 * S + 1800 * S)


async def test_a_callback_inside_the_hours_is_kept_and_one_outside_moves_to_the_next_window(
    sessions, world, add_contacts
):
    call_id, contact_id = await connected_call(sessions, world, add_contacts)
    at = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # 13:00 in Moscow
    await dispose(sessions, call_id, "callback", callback_at=at, same_operator=True)
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.next_attempt_at) == (ContactStatus.CALLBACK, at)
    assert contact.last_outcome == "callback"
    assert contact.callback_operator_id == world.operator_ids[0]

    call_id, contact_id = await connected_call(sessions, world, add_contacts, "c-2")
    late = datetime(2026, 11, 28, 19, 30, tzinfo=UTC)  # 22:30 in Moscow: after hours
    await dispose(sessions, call_id, "callback", callback_at=late)
    contact = await contact_of(sessions, contact_id)
    assert contact.next_attempt_at == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)  # 09:00 next morning
    assert contact.callback_operator_id is None


@pytest.mark.parametrize(
    ("code", "callback_at", "message"),
    [
        ("callback", None, "callback_at: required"),
        ("callback", NOW, "callback_at: must be in the future"),
        ("sale", NOW + timedelta(days=1), "not a callback disposition"),
        ("bought_a_yacht", None, "is not a disposition of campaign"),
    ],
)
async def test_bad_dispositions_are_refused_and_change_nothing(
    sessions, world, add_contacts, code, callback_at, message
):
    call_id, contact_id = await connected_call(sessions, world, add_contacts)
    with pytest.raises(InvalidInput, match=message):
        await dispose(sessions, call_id, code, callback_at=callback_at)
    async with sessions() as session:
        assert (await session.get(Call, call_id)).disposition_code is None
    assert (await contact_of(sessions, contact_id)).status is ContactStatus.IN_PROGRESS


async def test_do_not_call_puts_the_number_on_the_clients_list(sessions, world, add_contacts):
    call_id, contact_id = await connected_call(sessions, world, add_contacts, phone="+74951112233")
    (foreign,) = await add_contacts(world.other_campaign_id, phone="+74951112233")
    await dispose(sessions, call_id, "do_not_call")
    contact = await contact_of(sessions, contact_id)
    assert (contact.status, contact.on_dnc) == (ContactStatus.DO_NOT_CALL, True)
    async with sessions() as session:
        entries = list(await session.scalars(select(DncEntry)))
    assert [(e.client_id, e.phone) for e in entries] == [(world.client_id, "+74951112233")]
    assert not (await contact_of(sessions, foreign)).on_dnc  # another client's base is not theirs to block


async def test_the_same_code_again_is_a_no_op_and_another_code_a_conflict(sessions, world, add_contacts):
    call_id, _ = await connected_call(sessions, world, add_contacts)
    first = await dispose(sessions, call_id, "not_interested")
    again = await dispose(sessions, call_id, "not_interested", at=NOW + 99 * S)
    assert again.disposition_at == first.disposition_at
    with pytest.raises(Conflict, match="already disposed as 'not_interested'"):
        await dispose(sessions, call_id, "sale")


async def test_a_call_outside_the_callers_scope_is_not_found(sessions, world, add_contacts):
    call_id, _ = await connected_call(sessions, world, add_contacts)
    stranger = Principal(role=Role.CONTROLLER, user_id=8, client_id=world.client_id + 1000)
    async with sessions() as session:
        with pytest.raises(NotFound):
            await service.get_call(session, stranger, call_id)
        mine = Principal(role=Role.CONTROLLER, user_id=8, client_id=world.client_id)
        assert (await service.get_call(session, mine, call_id)).id == call_id
    with pytest.raises(NotFound):
        await dispose(sessions, call_id, "sale", principal=Principal(role=Role.OPERATOR, user_id=9))


async def test_a_disposition_before_the_hangup_is_not_undone_by_it(sessions, world, add_contacts):
    call_id, contact_id = await connected_call(sessions, world, add_contacts, end=False)
    await dispose(sessions, call_id, "sale", at=NOW + 30 * S)
    async with unit_of_work(sessions) as session:
        call = await service.mark_ended(
            session,
            "c-1",
            outcome=CallOutcome.HUMAN_CONNECTED,
            hangup_cause=16,
            hangup_side="customer",
            at=NOW + 60 * S,
        )
    assert call.talk_seconds == 50.0 and call.wrap_seconds is None
    assert (await contact_of(sessions, contact_id)).status is ContactStatus.DONE


async def test_a_late_disposition_after_the_hold_expired_still_moves_the_contact(
    sessions, world, add_contacts
):
    from dialer.calls import leasing

    call_id, contact_id = await connected_call(sessions, world, add_contacts)
    async with unit_of_work(sessions) as session:
        assert await leasing.expire_leases(session, NOW + timedelta(hours=1)) == 1
    contact = await contact_of(sessions, contact_id)
    assert contact.status is ContactStatus.SCHEDULED  # not re-dialed at once: it talked a moment ago
    assert contact.next_attempt_at == NOW + timedelta(hours=2) and contact.lease_owner is None
    await dispose(sessions, call_id, "sale", at=NOW + timedelta(hours=2))
    assert (await contact_of(sessions, contact_id)).status is ContactStatus.DONE
