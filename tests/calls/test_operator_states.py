"""Operator states: the allowed changes (pure), and a shift stored change by change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dialer.calls import service
from dialer.calls.models import CallOutcome
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.errors import Conflict, InvalidInput
from dialer.operators import disposing, presence
from dialer.operators.models import OperatorState, OperatorStateEvent
from dialer.operators.states import Action, TransitionRefused, next_state
from tests.calls.conftest import NOW

S = timedelta(seconds=1)
LOGGED_OUT, READY, ON_CALL, WRAP_UP, PAUSED = (
    OperatorState.LOGGED_OUT,
    OperatorState.READY,
    OperatorState.ON_CALL,
    OperatorState.WRAP_UP,
    OperatorState.PAUSED,
)
ALLOWED = {
    (Action.READY, PAUSED): READY,
    (Action.READY, WRAP_UP): READY,
    (Action.READY, READY): READY,
    (Action.PAUSE, READY): PAUSED,
    (Action.PAUSE, WRAP_UP): PAUSED,
    (Action.PAUSE, PAUSED): PAUSED,
    (Action.START_CALL, READY): ON_CALL,
    (Action.END_CALL, ON_CALL): WRAP_UP,
    (Action.END_WRAP, WRAP_UP): READY,
    (Action.LOGIN, LOGGED_OUT): PAUSED,
    **{(Action.LOGIN, s): s for s in (READY, ON_CALL, WRAP_UP, PAUSED)},
    **{(Action.LOGOUT, s): LOGGED_OUT for s in OperatorState},
}


@pytest.mark.parametrize("current", list(OperatorState))
@pytest.mark.parametrize("action", list(Action))
def test_each_change_is_allowed_exactly_as_the_table_says(current, action):
    expected = ALLOWED.get((action, current))
    if expected is None:
        with pytest.raises(TransitionRefused):
            next_state(current, action, "break")
    else:
        assert next_state(current, action, "break") is expected


@pytest.mark.parametrize("reason", [None, "", "Coffee Break", "x" * 51])
def test_a_pause_needs_a_reason_code(reason):
    with pytest.raises(TransitionRefused, match="reason"):
        next_state(READY, Action.PAUSE, reason)


async def test_a_shift_is_stored_change_by_change(sessions, world, add_contacts):
    olga = world.operator_ids[0]
    (contact_id,) = await add_contacts(world.campaign_id, status=ContactStatus.IN_PROGRESS)
    async with unit_of_work(sessions) as session:
        status = await presence.login(session, olga, [world.campaign_id], NOW)
        assert (status.state, status.reason) == (PAUSED, "login")
        await presence.set_registered(session, "sip-olga", True, NOW + S)
        await presence.set_ready(session, olga, NOW + 2 * S)
        await presence.set_ready(session, olga, NOW + 3 * S)  # again: nothing new
        assert [s.operator_id for s in await presence.ready_operators(session, world.campaign_id)] == [olga]
        assert await presence.ready_operators(session, world.other_campaign_id) == []
        await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone="+74950000001",
            attempt=1,
            call_uid="c-1",
            trunk="t",
            pbx="p",
            placed_at=NOW + 4 * S,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        await presence.start_call(session, olga, "c-1", NOW + 10 * S)
        await presence.start_call(session, olga, "c-1", NOW + 10 * S)
        assert await presence.ready_operators(session, world.campaign_id) == []
        await service.mark_connected(session, "c-1", olga, NOW + 10 * S)
        await service.mark_ended(
            session,
            "c-1",
            outcome=CallOutcome.HUMAN_CONNECTED,
            hangup_cause=16,
            hangup_side="customer",
            at=NOW + 70 * S,
        )
        status = await presence.end_call(session, olga, "c-1", NOW + 70 * S, wrap_for=timedelta(seconds=15))
        assert (status.state, status.wrap_until) == (WRAP_UP, NOW + 85 * S)
        await presence.end_call(session, olga, "c-1", NOW + 71 * S)  # late repeat: nothing
        assert await presence.end_overdue_wraps(session, NOW + 84 * S) == []
        assert [s.state for s in await presence.end_overdue_wraps(session, NOW + 85 * S)] == [READY]
        await presence.end_wrap(session, olga, NOW + 86 * S)  # late timer: nothing
        await presence.set_paused(session, olga, "lunch", NOW + 100 * S)
        await presence.logout(session, olga, NOW + 200 * S)
        call = await service.mark_ringing(session, "c-1", NOW + 5 * S)
        assert call.wrap_seconds == 15.0
        events = list(await session.scalars(select(OperatorStateEvent).order_by(OperatorStateEvent.id)))
    assert [(e.previous.value, e.state.value, e.reason, (e.at - NOW).seconds) for e in events] == [
        ("logged_out", "paused", "login", 0),
        ("paused", "ready", None, 2),
        ("ready", "on_call", None, 10),
        ("on_call", "wrap_up", None, 70),
        ("wrap_up", "ready", None, 85),
        ("ready", "paused", "lunch", 100),
        ("paused", "logged_out", None, 200),
    ]
    assert events[2].call_uid == events[3].call_uid == "c-1"
    assert events[0].campaign_ids == [world.campaign_id]


async def test_an_unregistered_softphone_or_a_dropped_channel_takes_the_operator_off(sessions, world):
    olga = world.operator_ids[0]
    async with unit_of_work(sessions) as session:
        await presence.login(session, olga, [world.campaign_id], NOW)
        await presence.set_ready(session, olga, NOW + S)
        assert await presence.ready_operators(session, world.campaign_id) == []  # never registered
        await presence.set_registered(session, olga, True, NOW + 2 * S)
        assert len(await presence.ready_operators(session, world.campaign_id)) == 1
        assert await presence.ready_operators(session, world.campaign_id, require_held_channel=True) == []
        await presence.set_held_channel(session, olga, "PJSIP/sip-olga-0001", NOW + 2 * S)
        assert len(await presence.ready_operators(session, world.campaign_id, require_held_channel=True)) == 1
        status = await presence.set_registered(session, "sip-olga", False, NOW + 3 * S)
        assert (status.state, status.reason) == (PAUSED, "unregistered")
        status = await presence.set_registered(session, "sip-olga", True, NOW + 4 * S)
        assert status.state is READY
        status = await presence.set_held_channel(session, olga, None, NOW + 5 * S)
        assert (status.state, status.reason, status.held_channel) == (PAUSED, "channel_lost", None)
        status = await presence.set_held_channel(session, olga, "PJSIP/sip-olga-0002", NOW + 6 * S)
        assert status.state is READY
        await presence.set_paused(session, olga, "break", NOW + 7 * S)
        status = await presence.set_registered(session, olga, True, NOW + 8 * S)
        assert (status.state, status.reason) == (PAUSED, "break")  # a chosen pause is the operator's


async def test_a_softphone_lost_during_a_call_leaves_the_operator_paused_after_the_wrap_up(sessions, world):
    olga = world.operator_ids[0]
    async with unit_of_work(sessions) as session:
        await presence.login(session, olga, [world.campaign_id], NOW)
        await presence.set_registered(session, olga, True, NOW)
        await presence.set_ready(session, olga, NOW + S)
        await presence.start_call(session, olga, "c-1", NOW + 2 * S)
        status = await presence.set_registered(session, olga, False, NOW + 3 * S)  # gone mid-call
        assert status.state is ON_CALL  # the call goes on
        await presence.end_call(session, olga, "c-1", NOW + 10 * S, wrap_for=timedelta(seconds=5))
        [status] = await presence.end_overdue_wraps(session, NOW + 15 * S)
        assert (status.state, status.reason) == (PAUSED, "unregistered")  # not ready without a softphone
        status = await presence.set_registered(session, olga, True, NOW + 20 * S)
        assert status.state is READY


async def test_refused_changes_and_bad_logins(sessions, world):
    olga, _ = world.operator_ids
    async with unit_of_work(sessions) as session:
        with pytest.raises(Conflict, match="cannot ready when logged_out"):
            await presence.set_ready(session, olga, NOW)
        with pytest.raises(InvalidInput, match="not assigned"):
            await presence.login(session, olga, [world.other_campaign_id], NOW)
        with pytest.raises(InvalidInput):
            await presence.login(session, olga, [], NOW)
        await presence.login(session, olga, [world.campaign_id], NOW)
        with pytest.raises(Conflict, match="cannot start call when paused"):
            await presence.start_call(session, olga, "c-9", NOW + S)
        assert (await presence.get_status(session, world.operator_ids[1])).state is LOGGED_OUT


async def test_disposing_a_call_ends_its_operators_wrap_up(sessions, world, add_contacts):
    from dialer.auth.models import Role
    from dialer.auth.principal import Principal

    olga = world.operator_ids[0]
    (contact_id,) = await add_contacts(world.campaign_id, status=ContactStatus.IN_PROGRESS)
    async with unit_of_work(sessions) as session:
        await presence.login(session, olga, [world.campaign_id], NOW)
        await presence.set_registered(session, olga, True, NOW)  # a call is put through to a registered one
        await presence.set_ready(session, olga, NOW)
        call = await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone="+74950000001",
            attempt=1,
            call_uid="c-1",
            trunk="t",
            pbx="p",
            placed_at=NOW,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        await presence.start_call(session, olga, "c-1", NOW + 5 * S)
        await service.mark_connected(session, "c-1", olga, NOW + 5 * S)
        await service.mark_ended(
            session,
            "c-1",
            outcome="human_connected",
            hangup_cause=16,
            hangup_side="operator",
            at=NOW + 60 * S,
        )
        await presence.end_call(session, olga, "c-1", NOW + 60 * S, wrap_for=timedelta(seconds=30))
        principal = Principal(role=Role.SUPERVISOR, user_id=1)
        call = await disposing.dispose(session, principal, call.id, "not_interested", at=NOW + 64 * S)
        assert call.wrap_seconds == 4.0
        assert (await presence.get_status(session, olga)).state is READY
        assert (await session.get(Contact, contact_id)).status is ContactStatus.DONE
