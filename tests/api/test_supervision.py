"""The supervisor's routes: the wallboard, its charts, forcing a pause or a log-out, asking to spy."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import Role
from dialer.calls import service as calls
from dialer.calls.models import Call, CallOutcome
from dialer.calls.pacing_log import record_decision
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators import presence
from dialer.pacing.decision import Explanation, PacingDecision


def placed_at(now: datetime) -> datetime:
    """When the calls of "today" were placed: a few minutes ago, but never before midnight (UTC)."""
    return max(now - timedelta(minutes=5), datetime.combine(now.date(), time(0, 0, 1), UTC))


@pytest.fixture
async def floor(app, client, admin, two_clients):
    """Olga and Ivan on the first client's running campaign; Olga talks to a customer, Ivan is ready.
    Times are read when the test runs (a module-level "now" is stale when a loaded run reaches it)."""
    now = datetime.now(UTC)
    placed = placed_at(now)
    world = two_clients[0]
    ids = []
    for login, endpoint in (("olga", "op-101"), ("ivan", "op-102")):
        body = {"name": login.title(), "login": login, "sip_endpoint": endpoint}
        ids.append((await client.post("/operators", json=body, headers=admin)).json()["id"])
    path = f"/campaigns/{world.campaign_id}/operators"
    await client.put(path, json={"operator_ids": ids}, headers=admin)
    response = await client.patch(
        f"/campaigns/{world.campaign_id}",
        json={
            "dispositions": [{"code": "sale", "label": "Sale", "kind": "final", "counts_as_processed": True}]
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert (await client.post(f"/campaigns/{world.campaign_id}/start", headers=admin)).status_code == 200
    olga, ivan = ids
    async with unit_of_work(app.state.sessions) as session:
        for operator_id in ids:
            await presence.login(session, operator_id, [world.campaign_id], placed)
            await presence.set_registered(session, operator_id, True, placed)
            await presence.set_ready(session, operator_id, placed)
        await presence.start_call(session, olga, "live-1", now - timedelta(seconds=30))
        await record_decision(
            session,
            world.campaign_id,
            PacingDecision(
                calls=2,
                dial_level=1.6,
                mode_requested=DialMode.PREDICTIVE,
                mode_used=DialMode.PREDICTIVE,
                explanation=Explanation(
                    reason="predictive: two operators free soon",
                    limited_by="model",
                    answer_rate=0.35,
                    ready=1,
                    operators_expected_free=1.5,
                    answers_expected_in_flight=0.7,
                    ringing=2,
                    waiting=0,
                    abandon_rate=0.01,
                    abandon_threshold=0.025,
                    abandon_cap=0.03,
                    risk_z=1.0,
                    lines_free=10,
                    cps_tokens=5,
                ),
            ),
            now,
        )
    await place(app, world.campaign_id, "done-1", olga, placed, disposition="sale")
    await place(app, world.campaign_id, "lost-1", None, placed, abandoned=True)
    await place(app, world.campaign_id, "live-1", olga, placed, ended=False)
    return {"campaign_id": world.campaign_id, "olga": olga, "ivan": ivan, "now": now}


async def place(
    app, campaign_id: int, uid: str, operator_id: int | None, placed: datetime, *, ended: bool = True, **marks
):
    async with unit_of_work(app.state.sessions) as session:
        contact = Contact(campaign_id=campaign_id, phone=f"+7495{abs(hash(uid)) % 10**7:07d}", timezone="UTC")
        contact.status = ContactStatus.IN_PROGRESS
        session.add(contact)
        await session.flush()
        await calls.create_call(
            session,
            campaign_id=campaign_id,
            contact_id=contact.id,
            phone=contact.phone,
            attempt=1,
            call_uid=uid,
            trunk="t",
            pbx="p",
            placed_at=placed,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        at = placed + timedelta(seconds=10)
        await calls.mark_answered(session, uid, at)
        if marks.get("abandoned"):
            await calls.mark_abandoned(session, uid, at)
        if operator_id is not None:
            await calls.mark_connected(session, uid, operator_id, at)
        if ended:
            outcome = CallOutcome.ABANDONED if marks.get("abandoned") else CallOutcome.HUMAN_CONNECTED
            await calls.mark_ended(
                session,
                uid,
                outcome=outcome,
                hangup_cause=16,
                hangup_side="customer",
                at=at + timedelta(seconds=40),
            )
        if marks.get("disposition"):
            row = await session.scalar(select(Call).where(Call.call_uid == uid))
            assert row is not None
            row.disposition_code = marks["disposition"]


async def test_a_campaigns_wallboard_shows_its_operators_and_figures(client, login, floor):
    supervisor = await login(Role.SUPERVISOR)
    board = (await client.get(f"/supervision/wallboard/{floor['campaign_id']}", headers=supervisor)).json()
    operators = {o["name"]: o for o in board["operators"]}
    assert operators["Olga"]["state"] == "on_call" and operators["Olga"]["call_uid"] == "live-1"
    assert 29 <= operators["Olga"]["seconds_in_state"] < 600
    assert operators["Olga"]["registered"] is True and operators["Olga"]["calls_today"] == 2
    assert operators["Ivan"]["state"] == "ready" and operators["Ivan"]["calls_today"] == 0
    assert [o["name"] for o in board["operators"]] == ["Olga", "Ivan"]  # the busiest first
    assert board["state"] == "running" and board["calls_in_progress"] == 1
    assert board["dial_level"]["level"] == 1.6
    assert board["dial_level"]["reason"] == "predictive: two operators free soon"
    assert board["dial_level"]["limited_by"] == "model" and board["dial_level"]["answer_rate"] == 0.35
    today = board["today"]
    assert (today["placed"], today["answered"], today["connected"], today["abandoned"]) == (3, 3, 2, 1)
    assert today["contacts_processed"] == 1 and today["answer_rate"] == 1.0
    abandon = board["abandon"]
    assert (abandon["answered"], abandon["abandoned"], abandon["cap"]) == (3, 1, 0.03)
    assert abandon["within_cap"] is False
    assert board["volume"]["unit"] == "minutes" and board["volume"]["committed"] is None
    assert {b["code"] for b in board["blockers"]} >= {"no_engine"}


async def test_the_floor_shows_every_operator_and_the_campaigns_on_it(
    client, login, admin, floor, two_clients
):
    supervisor = await login(Role.SUPERVISOR)
    board = (await client.get("/supervision/wallboard", headers=supervisor)).json()
    assert [c["campaign_id"] for c in board["campaigns"]] == [
        floor["campaign_id"]
    ]  # the draft is off the floor
    assert board["states"] == {"on_call": 1, "wrap_up": 0, "ready": 1, "paused": 0, "logged_out": 0}
    assert board["calls_in_progress"] == 1 and board["placed_today"] == 3 and board["connected_today"] == 2
    assert (await client.get("/supervision/wallboard?tz=Mars/Olympus", headers=supervisor)).status_code == 422


async def test_a_supervisor_forces_a_pause_and_a_log_out_and_both_are_audited(client, login, app, floor):
    supervisor = await login(Role.SUPERVISOR, username="sveta")
    olga, ivan = floor["olga"], floor["ivan"]
    response = await client.post(f"/supervision/operators/{olga}/pause", headers=supervisor)
    assert response.status_code == 409  # talking to a customer
    assert "on_call" in response.json()["detail"]
    response = await client.post(
        f"/supervision/operators/{ivan}/pause", json={"reason": "coaching"}, headers=supervisor
    )
    assert response.status_code == 200 and response.json()["state"] == "paused"
    assert response.json()["reason"] == "coaching"
    response = await client.post(f"/supervision/operators/{olga}/logout", headers=supervisor)
    assert response.status_code == 200 and response.json()["state"] == "logged_out"
    async with app.state.sessions() as session:
        events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    forced = [(e.action, e.object_id, e.detail) for e in events if e.object_type == "operator"]
    assert forced == [
        (AuditAction.FORCE_PAUSE, str(ivan), {"reason": "coaching", "previous": "ready"}),
        (AuditAction.FORCE_LOGOUT, str(olga), {"previous": "on_call", "call_uid": "live-1"}),
    ]
    operator = await login(Role.OPERATOR)
    assert (await client.post(f"/supervision/operators/{ivan}/logout", headers=operator)).status_code == 403


async def test_a_spy_is_asked_only_on_a_call_from_another_softphone(client, login, app, floor):
    supervisor = await login(Role.SUPERVISOR)
    olga, ivan = floor["olga"], floor["ivan"]
    ask = {"mode": "whisper", "endpoint": "sup-9"}
    response = await client.post(f"/supervision/operators/{ivan}/spy", json=ask, headers=supervisor)
    assert response.status_code == 409 and "not on a call" in response.json()["detail"]
    own = {"mode": "listen", "endpoint": "op-101"}
    response = await client.post(f"/supervision/operators/{olga}/spy", json=own, headers=supervisor)
    assert response.status_code == 422 and response.json()["detail"].startswith("endpoint:")
    bad = {"mode": "shout", "endpoint": "sup-9"}
    response = await client.post(f"/supervision/operators/{olga}/spy", json=bad, headers=supervisor)
    assert response.status_code == 422
    response = await client.post(f"/supervision/operators/{olga}/spy", json=ask, headers=supervisor)
    assert response.status_code == 202, response.text
    asked = response.json()
    assert (asked["status"], asked["mode"], asked["call_uid"]) == ("pending", "whisper", "live-1")
    response = await client.post(f"/supervision/operators/{olga}/spy", json=ask, headers=supervisor)
    assert response.status_code == 409  # that softphone is already on a request
    async with unit_of_work(app.state.sessions) as session:  # the call ends (a lost engine never said)
        await calls.mark_ended(
            session,
            "live-1",
            outcome=CallOutcome.HUMAN_CONNECTED,
            hangup_cause=16,
            hangup_side="customer",
            at=datetime.now(UTC),
        )
    again = await client.post(f"/supervision/operators/{olga}/spy", json=ask, headers=supervisor)
    assert again.status_code == 202  # a request on an ended call holds the softphone no longer
    seen = (await client.get(f"/supervision/spy/{asked['id']}", headers=supervisor)).json()
    assert seen == asked
    async with app.state.sessions() as session:
        audited = list(await session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.SPY)))
    assert [e.detail for e in audited] == [
        {"mode": "whisper", "endpoint": "sup-9", "call_uid": "live-1", "request": request_id}
        for request_id in (asked["id"], again.json()["id"])
    ]


async def test_the_charts_count_calls_answers_and_occupancy_per_slot(client, login, floor):
    supervisor = await login(Role.SUPERVISOR)
    query = f"?campaign_id={floor['campaign_id']}&slot_minutes=15"
    slots = (await client.get(f"/supervision/charts/calls{query}", headers=supervisor)).json()
    assert len(slots) == 96
    assert sum(s["placed"] for s in slots) == 3 and sum(s["answered"] for s in slots) == 3
    busy = (await client.get(f"/supervision/charts/occupancy{query}", headers=supervisor)).json()
    answered_by = datetime.now(UTC)
    now_slot = next(s for s in reversed(busy) if s["occupancy"] is not None)
    assert 0 < now_slot["occupancy"] <= 1 and now_slot["busy_seconds"] > 0
    assert all(s["occupancy"] is None for s in busy if datetime.fromisoformat(s["start"]) > answered_by)
    image = await client.get(f"/supervision/charts/calls.svg{query}&lang=ru", headers=supervisor)
    assert image.headers["content-type"] == "image/svg+xml"
    assert image.text.startswith("<svg") and "Звонки и ответы за 15 минут" in image.text
    assert image.text.count("<rect") >= 3  # the legend's two, and bars
    image = await client.get(f"/supervision/charts/occupancy.svg{query}", headers=supervisor)
    assert "Operator occupancy per 15 minutes" in image.text and "<circle" in image.text
    response = await client.get("/supervision/charts/calls?slot_minutes=7", headers=supervisor)
    assert response.status_code == 422 and response.json()["detail"].startswith("slot_minutes")


async def test_a_board_read_within_the_second_is_reused_but_only_for_callers_who_may_read_it(
    client, login, app, floor, two_clients
):
    supervisor = await login(Role.SUPERVISOR)
    path = f"/supervision/wallboard/{floor['campaign_id']}"
    first = (await client.get(path, headers=supervisor)).json()
    await place(app, floor["campaign_id"], "just-placed", None, placed_at(datetime.now(UTC)))  # right after
    again = (await client.get(path, headers=supervisor)).json()
    assert again == first  # the board of a moment ago: one set of queries for every screen
    other = await login(Role.CONTROLLER, client_id=two_clients[1].client_id)
    assert (await client.get(path, headers=other)).status_code == 403  # cached or not: not their role's
    app.state.wallboards.entries.clear()  # a second later
    fresh = (await client.get(path, headers=supervisor)).json()
    assert fresh["today"]["placed"] == first["today"]["placed"] + 1


def test_the_board_cache_forgets_old_boards_and_stays_bounded():
    from dialer.supervision.wallboard import BOARDS_KEPT, BoardCache

    cache = BoardCache()
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    board = object()
    cache.put(1, "UTC", now, board)  # type: ignore[arg-type]
    assert cache.get(1, "UTC", now + timedelta(milliseconds=900)) is board
    assert cache.get(1, "UTC", now + timedelta(seconds=1)) is None
    assert cache.get(1, "Europe/Moscow", now) is None
    for zone_number in range(3 * BOARDS_KEPT):
        cache.put(1, f"Zone/{zone_number}", now, board)  # type: ignore[arg-type]
    assert len(cache.entries) <= BOARDS_KEPT
