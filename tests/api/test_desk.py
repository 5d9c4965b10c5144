"""The operator's desk (``GET /desk``) and hanging up from the page (``POST /calls/{id}/hangup``):
an operator reads their own desk with the call in hand and follows their own events; hanging up is
stored for the engine, for their own live call only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialer.calls import service
from dialer.calls.models import Call
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.operators import presence
from tests.api.conftest import detail
from tests.api.test_calls import shift  # noqa: F401 (fixture)


async def put_through(app, campaign_id: int, operator_id: int, uid: str) -> int:
    now = datetime.now(UTC)
    async with unit_of_work(app.state.sessions) as session:
        contact = Contact(
            campaign_id=campaign_id,
            phone=f"+7495{abs(hash(uid)) % 10**7:07d}",
            name="Анна",
            company="Ромашка",
            timezone="Europe/Moscow",
            data={"city": "Тверь"},
            status=ContactStatus.IN_PROGRESS,
        )
        session.add(contact)
        await session.flush()
        call = await service.create_call(
            session,
            campaign_id=campaign_id,
            contact_id=contact.id,
            phone=contact.phone,
            attempt=1,
            call_uid=uid,
            trunk="t",
            pbx="p",
            placed_at=now - timedelta(seconds=20),
            recording_policy=RecordingPolicy.CONNECTED,
        )
        await presence.login(session, operator_id, [campaign_id], now)
        await presence.set_registered(session, operator_id, True, now)
        await presence.set_ready(session, operator_id, now)
        await service.mark_connected(session, uid, operator_id, now)
        await presence.start_call(session, operator_id, uid, now)
        return call.id


async def test_an_operator_reads_their_desk_with_the_call_in_hand(app, client, admin, two_clients, shift):  # noqa: F811
    campaign_id = two_clients[0].campaign_id
    olga, me = shift["olga"], shift["olga_headers"]
    script = {"script": "Добрый день, {name} из {company} ({city})!"}
    assert (await client.patch(f"/campaigns/{campaign_id}", json=script, headers=admin)).status_code == 200
    empty = await client.get("/desk", headers=me)
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert body["operator"]["id"] == olga and body["session"]["state"] == "logged_out"
    assert [c["id"] for c in body["campaigns"]] == [campaign_id] and body["call"] is None
    assert "sale" in [d["code"] for d in body["campaigns"][0]["dispositions"]]
    base = f"/operators/{olga}/session"
    await client.post(f"{base}/login", json={"campaign_ids": [campaign_id]}, headers=me)
    after = (await client.get("/desk", headers=me)).json()["event_id"]

    call_id = await put_through(app, campaign_id, olga, "desk-1")
    desk = (await client.get("/desk", headers=me)).json()
    assert desk["session"]["state"] == "on_call"
    assert desk["call"]["call_id"] == call_id
    assert desk["call"]["script"] == "Добрый день, Анна из Ромашка (Тверь)!"
    assert desk["call"]["contact"]["fields"] == {"city": "Тверь"}
    events = (await client.get("/events", params={"after": after}, headers=me)).json()
    assert [e["type"] for e in events] == [
        "operator_state",  # registered
        "operator_state",  # ready
        "call_connected",
        "operator_state",  # on call
    ]
    assert events[2]["data"]["script"] == desk["call"]["script"]

    assert (await client.get("/desk", params={"operator_id": shift["ivan"]}, headers=me)).status_code == 404
    supervisor_view = await client.get("/desk", params={"operator_id": olga}, headers=admin)
    assert supervisor_view.json()["call"]["call_id"] == call_id
    assert (await client.get("/desk", headers=admin)).status_code == 422


async def test_hanging_up_is_asked_once_and_only_of_ones_own_live_call(app, client, two_clients, shift):  # noqa: F811
    campaign_id = two_clients[0].campaign_id
    olga, me = shift["olga"], shift["olga_headers"]
    await client.post(f"/operators/{olga}/session/login", json={"campaign_ids": [campaign_id]}, headers=me)
    ivans = await put_through(app, campaign_id, shift["ivan"], "desk-ivan")
    assert (await client.post(f"/calls/{ivans}/hangup", headers=me)).status_code == 404
    call_id = await put_through(app, campaign_id, olga, "desk-2")
    first = await client.post(f"/calls/{call_id}/hangup", headers=me)
    assert first.status_code == 202, first.text
    async with app.state.sessions() as session:
        asked = (await session.get(Call, call_id)).hangup_requested_at
    assert asked is not None
    assert (await client.post(f"/calls/{call_id}/hangup", headers=me)).status_code == 202
    async with app.state.sessions() as session:
        assert (await session.get(Call, call_id)).hangup_requested_at == asked
    async with unit_of_work(app.state.sessions) as session:
        await service.mark_ended(
            session,
            "desk-2",
            outcome="human_connected",
            hangup_cause=16,
            hangup_side="system",
            at=datetime.now(UTC),
        )
    ended = await client.post(f"/calls/{call_id}/hangup", headers=me)
    assert ended.status_code == 409 and "ended" in detail(ended)
