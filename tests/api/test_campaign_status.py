"""``GET /campaigns/{id}/status``: a started campaign that places no call says every reason why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from dialer.auth.models import Role
from dialer.campaigns.models import Campaign
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.operators.models import OperatorStatus

BASE = "Телефон;ФИО\n+7 495 150-22-22;Иванов Иван\n+7 912 345-67-89;Петрова Анна\n".encode("cp1251")
WHOLE_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def _codes(client, headers, campaign_id):
    response = await client.get(f"/campaigns/{campaign_id}/status", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body, [b["code"] for b in body["blockers"]]


async def test_a_started_campaign_names_each_reason_it_does_not_dial_until_none_is_left(
    app, client, admin, two_clients
):
    campaign_id = two_clients[0].campaign_id
    await client.patch(f"/campaigns/{campaign_id}", json={"calling_hours": WHOLE_WEEK}, headers=admin)
    body, codes = await _codes(client, admin, campaign_id)
    assert (body["state"], body["dialing"], codes) == ("draft", False, [])  # not running: nothing to explain

    assert (await client.post(f"/campaigns/{campaign_id}/start", headers=admin)).status_code == 200
    body, codes = await _codes(client, admin, campaign_id)
    assert codes == ["no_engine", "no_operator_logged_in", "no_contact_left"]
    assert body["dialing"] is False and "dialer serve" in body["blockers"][0]["message"]

    files = {"file": ("base.csv", BASE, "text/csv")}
    await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, files=files)
    operator = await client.post(
        "/operators", json={"name": "Olga", "login": "olga", "sip_endpoint": "1001"}, headers=admin
    )
    olga = operator.json()["id"]
    await client.put(f"/campaigns/{campaign_id}/operators", json={"operator_ids": [olga]}, headers=admin)
    await client.post(f"/operators/{olga}/session/login", json={"campaign_ids": [campaign_id]}, headers=admin)
    body, codes = await _codes(client, admin, campaign_id)
    assert codes == ["no_engine", "no_operator_ready"]
    assert (body["operators_logged_in"], body["contacts_open"], body["contacts_due_now"]) == (1, 2, 2)

    await client.post(f"/operators/{olga}/session/ready", headers=admin)
    _, codes = await _codes(client, admin, campaign_id)
    assert codes == ["no_engine", "no_softphone_registered"]

    now = datetime.now(UTC)
    async with unit_of_work(app.state.sessions) as session:  # what the engine writes once it runs
        await session.execute(update(OperatorStatus).values(registered=True))
        await session.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(owner="engine-a", owner_heartbeat_at=now)
        )
    body, codes = await _codes(client, admin, campaign_id)
    assert (codes, body["dialing"], body["engine"]) == ([], True, "engine-a")


async def test_contacts_due_later_are_named_with_the_time_the_next_one_is_due(
    app, client, admin, two_clients
):
    campaign_id = two_clients[0].campaign_id
    await client.patch(f"/campaigns/{campaign_id}", json={"calling_hours": WHOLE_WEEK}, headers=admin)
    files = {"file": ("base.csv", BASE, "text/csv")}
    await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, files=files)
    await client.post(f"/campaigns/{campaign_id}/start", headers=admin)
    later = datetime.now(UTC) + timedelta(hours=3)
    async with unit_of_work(app.state.sessions) as session:
        await session.execute(update(Contact).values(next_attempt_at=later, status="scheduled"))
    body, codes = await _codes(client, admin, campaign_id)
    assert "nothing_due_now" in codes
    assert datetime.fromisoformat(body["next_due_at"]) == later
    assert "2 contact(s) left, none callable now" in body["blockers"][-1]["message"]


async def test_another_clients_controller_does_not_see_the_status(client, login, two_clients):
    theirs = await login(Role.CONTROLLER, client_id=two_clients[1].client_id)
    response = await client.get(f"/campaigns/{two_clients[0].campaign_id}/status", headers=theirs)
    assert response.status_code == 404
