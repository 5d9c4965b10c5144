"""Live events: published by the domain in the fact's own transaction, read back in order from an
id on, each viewer seeing only what its rights allow, old ones pruned; on PostgreSQL a NOTIFY wakes
the streams of another process."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from dialer.auth.models import Role, User
from dialer.auth.principal import Principal
from dialer.calls import service
from dialer.calls.models import CallOutcome
from dialer.campaigns.models import Campaign, RecordingPolicy
from dialer.db.engine import make_engine, unit_of_work
from dialer.desk.script import contact_fields, fill
from dialer.errors import Forbidden
from dialer.live import doorbell, feed
from dialer.live import publish as publishing
from dialer.live.listener import PgListener
from dialer.live.models import LiveEvent
from dialer.operators import presence
from dialer.operators.disposing import dispose as set_disposition
from dialer.operators.models import Operator
from tests.calls.conftest import NOW

S = timedelta(seconds=1)
SUPERVISOR = Principal(Role.SUPERVISOR, user_id=1)


async def _operator_user(sessions, operator_id: int, username: str) -> Principal:
    async with unit_of_work(sessions) as session:
        user = User(username=username, password_hash="x", role=Role.OPERATOR)
        session.add(user)
        await session.flush()
        await session.execute(update(Operator).where(Operator.id == operator_id).values(user_id=user.id))
        return Principal(Role.OPERATOR, user_id=user.id)


async def _talk(
    sessions, world, add_contacts, operator_id: int, uid: str, contact_id: int | None = None, **contact
) -> int:
    """A call of a new contact (or of ``contact_id``) put through to ``operator_id`` and ended; its id."""
    if contact_id is None:
        (contact_id,) = await add_contacts(world.campaign_id, **contact)
    async with unit_of_work(sessions) as session:
        await presence.login(session, operator_id, [world.campaign_id], NOW)
        await presence.set_registered(session, operator_id, True, NOW)
        await presence.set_ready(session, operator_id, NOW + S)
        call = await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone=contact.get("phone", "+74950000001"),
            attempt=1,
            call_uid=uid,
            trunk="t",
            pbx="p",
            placed_at=NOW + 2 * S,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        await service.mark_connected(session, uid, operator_id, NOW + 10 * S)
        await service.mark_connected(session, uid, operator_id, NOW + 11 * S)  # a repeat: no second event
        await presence.start_call(session, operator_id, uid, NOW + 10 * S)
        await service.mark_ended(
            session,
            uid,
            outcome=CallOutcome.HUMAN_CONNECTED,
            hangup_cause=16,
            hangup_side="customer",
            at=NOW + 70 * S,
        )
        await presence.end_call(session, operator_id, uid, NOW + 70 * S, wrap_for=timedelta(seconds=15))
        return call.id


async def test_a_call_put_through_publishes_the_card_and_the_filled_script(sessions, world, add_contacts):
    olga = world.operator_ids[0]
    async with unit_of_work(sessions) as session:
        campaign = await session.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.script = "Здравствуйте, {name}! Вы из {company}, город {city}? {missing} {{literal}}"
    (contact_id,) = await add_contacts(
        world.campaign_id,
        phone="+74950000001",
        name="Анна Петрова",
        company="ООО Ромашка",
        data={"city": "Тверь"},
    )
    first = await _talk(sessions, world, add_contacts, olga, "c-0", contact_id)
    async with unit_of_work(sessions) as session:
        await set_disposition(
            session, SUPERVISOR, first, "try_later", note="занята, просила позже", at=NOW + 75 * S
        )
        before = await feed.latest_id(session, SUPERVISOR)
    call_id = await _talk(sessions, world, add_contacts, olga, "c-1", contact_id)
    async with unit_of_work(sessions) as session:
        await set_disposition(
            session, SUPERVISOR, call_id, "callback", callback_at=NOW + timedelta(days=1), at=NOW + 80 * S
        )
        found = await feed.events_after(session, SUPERVISOR, 0)
    kinds = [(e.type, e.data.get("state")) for e in found if e.id <= before]
    assert kinds[:4] == [
        ("operator_state", "paused"),  # logged in
        ("operator_state", "paused"),  # softphone registered
        ("operator_state", "ready"),
        ("call_connected", None),
    ]
    found = [e for e in found if e.id > before]
    assert [(e.type, e.data.get("state")) for e in found] == [
        ("call_connected", None),
        ("operator_state", "on_call"),
        ("call_ended", None),
        ("operator_state", "wrap_up"),
        ("call_disposed", None),
        ("operator_state", "ready"),  # the disposition ended the wrap-up
    ]
    ids = [e.id for e in found]
    assert ids == sorted(ids)
    connected = found[0]
    assert connected.operator_id == olga and connected.client_id == world.client_id
    view = connected.data
    assert view["call_id"] == call_id and view["operator_id"] == olga
    assert view["contact"]["name"] == "Анна Петрова" and view["contact"]["fields"] == {"city": "Тверь"}
    assert view["contact"]["timezone"] == "Europe/Moscow"
    assert view["script"] == "Здравствуйте, Анна Петрова! Вы из ООО Ромашка, город Тверь? {missing} {literal}"
    assert [d["code"] for d in view["campaign"]["dispositions"]][:2] == ["sale", "hot_lead"]
    assert view["survey"] is None
    assert view["contact"]["attempts"] == 2
    [earlier] = view["contact"]["history"]  # the call before, not this one
    assert (earlier["call_id"], earlier["disposition"], earlier["note"]) == (
        first,
        "try_later",
        "занята, просила позже",
    )
    assert earlier["outcome"] == "human_connected" and earlier["operator"] == "olga"
    assert found[3].data["wrap_until"] == (NOW + 85 * S).isoformat()
    assert found[2].data["outcome"] == "human_connected" and found[4].data["disposition"] == "callback"


async def test_each_viewer_sees_only_what_its_rights_allow(sessions, world, add_contacts):
    olga, ivan = world.operator_ids
    olga_user = await _operator_user(sessions, olga, "olga")
    await _talk(sessions, world, add_contacts, olga, "c-1", phone="+74950000011")
    await _talk(sessions, world, add_contacts, ivan, "c-2", phone="+74950000012")
    own_client = Principal(Role.CONTROLLER, user_id=90, client_id=world.client_id)
    other_client = Principal(Role.CONTROLLER, user_id=91, client_id=world.client_id + 1)
    async with unit_of_work(sessions) as session:
        everything = await feed.events_after(session, SUPERVISOR, 0)
        mine = await feed.events_after(session, olga_user, 0)
        clients = await feed.events_after(session, own_client, 0)
        assert await feed.events_after(session, other_client, 0) == []
        with pytest.raises(Forbidden):
            await feed.events_after(session, Principal(Role.QA, user_id=92), 0)
        latest = await feed.latest_id(session, olga_user)
    assert {e.operator_id for e in everything} == {olga, ivan}
    assert mine and {e.operator_id for e in mine} == {olga}
    assert {e.type for e in clients} == {"call_connected", "call_ended"}  # not the floor's states
    assert latest == everything[-1].id
    middle = everything[len(everything) // 2].id
    async with unit_of_work(sessions) as session:
        assert [e.id for e in await feed.events_after(session, SUPERVISOR, middle)] == [
            e.id for e in everything if e.id > middle
        ]


async def test_old_events_are_pruned_as_new_ones_are_published(sessions, monkeypatch):
    async with unit_of_work(sessions) as session:
        for hours in (30, 25, 1):
            await publishing.publish(session, "test", {"h": hours}, at=NOW - timedelta(hours=hours))
    monkeypatch.setattr(publishing, "_published", itertools.count(publishing.PRUNE_EVERY))
    async with unit_of_work(sessions) as session:
        await publishing.publish(session, "test", {"h": 0}, at=NOW)
    async with sessions() as session:
        kept = [e.data["h"] for e in await session.scalars(select(LiveEvent).order_by(LiveEvent.id))]
    assert kept == [1, 0]


async def test_a_commit_rings_this_process_and_a_rollback_does_not(sessions):
    rang: list[int] = []
    unsubscribe = doorbell.subscribe(lambda: rang.append(1))
    try:
        with pytest.raises(RuntimeError):
            async with unit_of_work(sessions) as session:
                await publishing.publish(session, "test", {}, at=NOW)
                raise RuntimeError("rolled back")
        assert rang == []
        async with unit_of_work(sessions) as session:
            await publishing.publish(session, "test", {}, at=NOW)
            await publishing.publish(session, "test", {}, at=NOW)
        assert rang == [1]
    finally:
        unsubscribe()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LiveEvent)) == 2


async def test_on_postgresql_an_event_of_another_process_wakes_the_listener(database_url, sessions):
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; elsewhere the streams poll")
    other = make_engine(database_url)  # another process's pool: its own connection listens
    listener = PgListener(other)
    heard = asyncio.Event()
    listener._notified = lambda *_args: heard.set()  # type: ignore[method-assign]
    listener.start()
    try:
        await asyncio.wait_for(listener.listening.wait(), 30)
        async with unit_of_work(sessions) as session:
            await publishing.publish(session, "test", {}, at=NOW)
            await asyncio.sleep(0.2)
            assert not heard.is_set()  # not before the commit
        await asyncio.wait_for(heard.wait(), 30)
    finally:
        await listener.stop()
        await other.dispose()


def test_a_script_keeps_what_the_contact_has_no_value_for():
    fields = contact_fields(
        name="Ann", company="", phone="+1", extension="", timezone=None, data={"name": "x", "n": 3}
    )
    assert fill("{name} {company} {n} { n } {{name}} {phone}{", fields) == "Ann {company} 3 3 {name} +1{"


async def test_a_press_1_call_carries_the_answers_it_gave_to_the_operator(sessions, world, add_contacts):
    from dialer.surveys import service as surveys
    from dialer.surveys.models import ResponseOutcome
    from dialer.surveys.schemas import SurveyIn

    olga = world.operator_ids[0]
    (contact_id,) = await add_contacts(world.campaign_id)
    question = {
        "key": "satisfied",
        "prompt": "survey/q-satisfied",
        "choices": [{"digit": "1", "meaning": "yes"}, {"digit": "2", "meaning": "no"}],
    }
    async with unit_of_work(sessions) as session:
        await surveys.put_survey(
            session,
            SUPERVISOR,
            world.campaign_id,
            SurveyIn.model_validate({"questions": [question]}),
            now=NOW,
        )
        await presence.login(session, olga, [world.campaign_id], NOW)
        await presence.set_registered(session, olga, True, NOW)
        await presence.set_ready(session, olga, NOW)
        await service.create_call(
            session,
            campaign_id=world.campaign_id,
            contact_id=contact_id,
            phone="+74950000099",
            attempt=1,
            call_uid="s-1",
            trunk="t",
            pbx="p",
            placed_at=NOW,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        before = await feed.latest_id(session, SUPERVISOR)
    async with unit_of_work(sessions) as session:  # the survey's answers are stored before the transfer
        answers = [surveys.ReportedAnswer("satisfied", "2", 1)]
        await surveys.record_response(session, "s-1", ResponseOutcome.TRANSFER, answers, NOW + 20 * S)
    async with unit_of_work(sessions) as session:
        await service.mark_connected(session, "s-1", olga, NOW + 21 * S)
        found = await feed.events_after(session, SUPERVISOR, before)
    answered, connected = found
    assert answered.type == "survey_answered" and answered.data["outcome"] == "transfer"
    assert answered.client_id == world.client_id and answered.operator_id is None  # nobody's yet
    expected = [{"position": 1, "question": "satisfied", "digits": "2", "meaning": "no"}]
    assert answered.data["answers"] == expected
    assert connected.type == "call_connected" and connected.data["survey"] == expected


async def test_a_stream_resumed_after_an_id_sends_only_what_came_after(sessions):
    from typing import cast

    from fastapi import Request

    from api.routers.events import _stream

    class Connected:
        """The stream's request: connected for ``polls`` looks, then gone."""

        def __init__(self, polls: int) -> None:
            self.polls = polls

        async def is_disconnected(self) -> bool:
            self.polls -= 1
            return self.polls < 0

    async with unit_of_work(sessions) as session:
        for n in range(3):
            await publishing.publish(session, "test", {"n": n}, at=NOW)
    async with sessions() as session:
        ids = list(await session.scalars(select(LiveEvent.id).order_by(LiveEvent.id)))
    chunks = [c async for c in _stream(cast(Request, Connected(1)), sessions, SUPERVISOR, ids[0])]
    assert chunks[0].endswith(f"\nid: {ids[0]}\n\n")  # where it starts, for a reconnect before any event
    sent = [c for c in chunks if c.startswith("id: ")]
    assert [c.split("\n")[0] for c in sent] == [f"id: {ids[1]}", f"id: {ids[2]}"]
    assert '"n": 1' in sent[0] and '"at": ' in sent[0]
