"""Calls, dispositions, operator sessions and pacing through the API, each caller kept to its scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialer.auth.models import Role
from dialer.calls import service
from dialer.calls.models import CallOutcome
from dialer.calls.pacing_log import record_decision
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.pacing.decision import Explanation, PacingDecision
from tests.api.conftest import create_user, sign_in

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def shift(app, client, admin, two_clients):
    """Olga (an operator with her own login) and Ivan on the first client's campaign."""
    mine = two_clients[0]
    await create_user(app, "olga", Role.OPERATOR)
    users = (await client.get("/users", headers=admin)).json()
    olga_user = next(u["id"] for u in users if u["username"] == "olga")
    olga = await client.post(
        "/operators",
        json={"name": "Olga", "login": "olga", "sip_endpoint": "op-101", "user_id": olga_user},
        headers=admin,
    )
    ivan = await client.post(
        "/operators", json={"name": "Ivan", "login": "ivan", "sip_endpoint": "op-102"}, headers=admin
    )
    ids = [olga.json()["id"], ivan.json()["id"]]
    await client.put(f"/campaigns/{mine.campaign_id}/operators", json={"operator_ids": ids}, headers=admin)
    return {"olga": ids[0], "ivan": ids[1], "olga_headers": await sign_in(client, "olga")}


async def place(
    app, campaign_id: int, uid: str, operator_id: int | None, outcome=CallOutcome.HUMAN_CONNECTED, **marks
):
    async with unit_of_work(app.state.sessions) as session:
        contact = Contact(
            campaign_id=campaign_id, phone=f"+7495{abs(hash(uid)) % 10**7:07d}", timezone="Europe/Moscow"
        )
        contact.status = ContactStatus.IN_PROGRESS
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
            placed_at=NOW - timedelta(minutes=5),
            recording_policy=RecordingPolicy.CONNECTED,
        )
        at = NOW - timedelta(minutes=4)
        await service.mark_answered(session, uid, at)
        if marks.get("abandoned"):
            await service.mark_abandoned(session, uid, at)
        if operator_id is not None:
            await service.mark_connected(session, uid, operator_id, at)
        await service.mark_ended(
            session, uid, outcome=outcome, hangup_cause=16, hangup_side="customer", at=NOW
        )
        return call.id


async def test_an_operator_runs_their_own_session(client, admin, two_clients, shift):
    olga, me = shift["olga"], shift["olga_headers"]
    campaign_id = two_clients[0].campaign_id
    base = f"/operators/{olga}/session"
    assert (await client.get(base, headers=me)).json()["state"] == "logged_out"
    response = await client.post(f"{base}/login", json={"campaign_ids": [campaign_id]}, headers=me)
    assert response.status_code == 200, response.text
    assert response.json() | {"since": None} == {
        "operator_id": olga,
        "state": "paused",
        "since": None,
        "reason": "login",
        "campaign_ids": [campaign_id],
        "registered": False,
        "held_channel": None,
        "call_uid": None,
        "wrap_until": None,
    }
    assert (await client.post(f"{base}/ready", headers=me)).json()["state"] == "ready"
    assert (await client.post(f"{base}/pause", json={"reason": "Lunch!"}, headers=me)).status_code == 422
    paused = await client.post(f"{base}/pause", json={"reason": "lunch"}, headers=me)
    assert (paused.json()["state"], paused.json()["reason"]) == ("paused", "lunch")
    assert (await client.post(f"{base}/logout", headers=me)).json()["state"] == "logged_out"
    response = await client.post(f"{base}/ready", headers=me)
    assert response.status_code == 409 and "logged_out" in response.json()["detail"]


async def test_an_operator_may_not_touch_another_operators_session_but_a_supervisor_may(
    client, login, two_clients, shift
):
    ivan = shift["ivan"]
    campaign_id = two_clients[0].campaign_id
    body = {"campaign_ids": [campaign_id]}
    response = await client.post(f"/operators/{ivan}/session/login", json=body, headers=shift["olga_headers"])
    assert response.status_code == 404
    supervisor = await login(Role.SUPERVISOR)
    response = await client.post(f"/operators/{ivan}/session/login", json=body, headers=supervisor)
    assert response.json()["state"] == "paused"
    response = await client.post(
        f"/operators/{ivan}/session/login",
        json={"campaign_ids": [two_clients[1].campaign_id]},
        headers=supervisor,
    )
    assert response.status_code == 422 and "not assigned" in response.json()["detail"]


async def test_calls_are_listed_within_each_callers_scope(app, client, admin, login, two_clients, shift):
    mine, theirs = two_clients
    olgas = await place(app, mine.campaign_id, "c-olga", shift["olga"])
    ivans = await place(app, mine.campaign_id, "c-ivan", shift["ivan"])
    busy = await place(app, mine.campaign_id, "c-busy", None, CallOutcome.BUSY)
    foreign = await place(app, theirs.campaign_id, "c-foreign", None, CallOutcome.NO_ANSWER)

    def ids(response):
        assert response.status_code == 200, response.text
        return sorted(c["id"] for c in response.json()["items"])

    assert ids(await client.get("/calls", headers=admin)) == sorted([olgas, ivans, busy, foreign])
    assert ids(await client.get("/calls", params={"outcome": "busy"}, headers=admin)) == [busy]
    assert ids(await client.get("/calls", params={"operator_id": shift["ivan"]}, headers=admin)) == [ivans]
    assert ids(await client.get("/calls", params={"campaign_id": theirs.campaign_id}, headers=admin)) == [
        foreign
    ]
    window = {"since": (NOW - timedelta(minutes=5)).isoformat(), "until": NOW.isoformat()}
    assert len(ids(await client.get("/calls", params=window, headers=admin))) == 4
    later = {"since": (NOW + timedelta(minutes=1)).isoformat()}
    assert ids(await client.get("/calls", params=later, headers=admin)) == []
    assert (
        await client.get("/calls", params={"since": "2026-11-27T10:00:00"}, headers=admin)
    ).status_code == 422

    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    assert ids(await client.get("/calls", headers=controller)) == sorted([olgas, ivans, busy])
    assert (await client.get(f"/calls/{foreign}", headers=controller)).status_code == 404
    assert ids(await client.get("/calls", headers=shift["olga_headers"])) == [olgas]
    assert (await client.get(f"/calls/{ivans}", headers=shift["olga_headers"])).status_code == 404
    call = (await client.get(f"/calls/{olgas}", headers=shift["olga_headers"])).json()
    assert (call["state"], call["outcome"], call["talk_seconds"]) == ("ended", "human_connected", 240.0)
    assert call["billable_seconds"] == 240  # stored when it ended, what billing reads
    busy_call = (await client.get(f"/calls/{busy}", headers=admin)).json()
    assert busy_call["billable_seconds"] == 0  # never put through: nothing to bill


async def test_an_operator_disposes_their_call_and_a_late_callback_moves_into_the_window(
    app, client, two_clients, shift
):
    call_id = await place(app, two_clients[0].campaign_id, "c-1", shift["olga"])
    me = shift["olga_headers"]
    evening = (NOW + timedelta(days=2)).replace(hour=20, minute=30, second=0)  # 23:30 in Moscow
    body = {"code": "callback", "callback_at": evening.isoformat(), "same_operator": True}
    response = await client.post(f"/calls/{call_id}/disposition", json=body, headers=me)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["call"]["disposition_code"] == "callback" and result["contact_status"] == "callback"
    moved = datetime.fromisoformat(result["contact_next_attempt_at"])
    assert moved > evening and moved.astimezone(UTC).hour in (6, 7)  # 09:00 or 10:00 (weekend) in Moscow
    response = await client.post(f"/calls/{call_id}/disposition", json={"code": "sale"}, headers=me)
    assert response.status_code == 409
    response = await client.post(f"/calls/{call_id}/disposition", json={"code": "callback"}, headers=me)
    assert response.status_code == 200  # the same code again: nothing changes


async def test_bad_dispositions_answer_422(app, client, admin, two_clients, shift):
    call_id = await place(app, two_clients[0].campaign_id, "c-1", shift["olga"])
    for body in (
        {"code": "nope"},
        {"code": "callback"},
        {"code": "callback", "callback_at": "2030-01-01T10:00:00"},
    ):
        response = await client.post(f"/calls/{call_id}/disposition", json=body, headers=admin)
        assert response.status_code == 422, body


async def test_pacing_shows_the_level_its_figures_and_the_abandon_rate_against_the_cap(
    app, client, admin, two_clients, shift
):
    campaign_id = two_clients[0].campaign_id
    for n in range(3):
        await place(app, campaign_id, f"ok-{n}", shift["olga"])
    await place(app, campaign_id, "lost", None, CallOutcome.ABANDONED, abandoned=True)
    await place(app, campaign_id, "machine", None, CallOutcome.MACHINE)
    explanation = Explanation(
        reason="model",
        limited_by="model",
        answer_rate=0.3,
        ready=2,
        operators_expected_free=2.4,
        answers_expected_in_flight=0.6,
        ringing=2,
        waiting=0,
        abandon_rate=0.25,
        abandon_threshold=0.025,
        abandon_cap=0.03,
        risk_z=2.0,
        lines_free=10,
        cps_tokens=5,
    )
    async with unit_of_work(app.state.sessions) as session:
        for level, calls in ((2.5, 4), (2.5, 3), (1.0, 1)):
            mode = DialMode.PROGRESSIVE if level == 1.0 else DialMode.PREDICTIVE
            decision = PacingDecision(calls, level, DialMode.PREDICTIVE, mode, explanation)
            await record_decision(session, campaign_id, decision, NOW - timedelta(seconds=10 * calls))
    response = await client.get(f"/campaigns/{campaign_id}/pacing", headers=admin)
    assert response.status_code == 200, response.text
    pacing = response.json()
    assert (pacing["profile"], pacing["level"]) == ("custom", 1.0)
    assert [(d["mode_used"], d["level"]) for d in pacing["decisions"]] == [
        ("progressive", 1.0),
        ("predictive", 2.5),
    ]
    assert pacing["decisions"][0]["inputs"]["mode_requested"] == "predictive"
    assert "fallback from predictive" in pacing["decisions"][0]["explanation"]
    assert pacing["abandon"] == {
        "answered": 4,
        "abandoned": 1,
        "rate": 0.25,
        "cap": 0.03,
        "window_hours": 720.0,
        "within_cap": False,
    }
    controller = await login_controller(client, app, two_clients[1].client_id)
    assert (await client.get(f"/campaigns/{campaign_id}/pacing", headers=controller)).status_code == 404


async def login_controller(client, app, client_id):
    await create_user(app, "ctl", Role.CONTROLLER, client_id)
    return await sign_in(client, "ctl")
