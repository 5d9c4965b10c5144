"""Operators of the centre and the supervisor's choice of operators for a campaign."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role


@pytest.fixture
def make_operator(client, admin):
    async def _make(login: str, **fields):
        body = {"name": login.title(), "login": login, "sip_endpoint": f"sip-{login}"} | fields
        response = await client.post("/operators", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return _make


async def test_operators_are_created_changed_and_deleted(client, admin, make_operator):
    olga = await make_operator("olga")
    assert olga["sip_endpoint"] == "sip-olga" and olga["active"]
    response = await client.patch(f"/operators/{olga['id']}", json={"sip_endpoint": "op-201"}, headers=admin)
    assert response.json()["sip_endpoint"] == "op-201"
    assert [o["login"] for o in (await client.get("/operators", headers=admin)).json()] == ["olga"]
    assert (await client.delete(f"/operators/{olga['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"/operators/{olga['id']}", headers=admin)).status_code == 404


async def test_login_and_endpoint_belong_to_one_operator(client, admin, make_operator):
    olga = await make_operator("olga")
    body = {"name": "Other", "login": "other", "sip_endpoint": "sip-olga"}
    response = await client.post("/operators", json=body, headers=admin)
    assert response.status_code == 409
    assert response.json() == {"detail": f"sip_endpoint: 'sip-olga' already belongs to operator {olga['id']}"}


async def test_an_operator_account_must_have_the_operator_role(client, admin, login):
    await login(Role.QA, username="qa-anna")
    anna = next(u for u in (await client.get("/users", headers=admin)).json() if u["username"] == "qa-anna")
    body = {"name": "Anna", "login": "anna", "sip_endpoint": "op-1", "user_id": anna["id"]}
    response = await client.post("/operators", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json() == {"detail": f"user_id: user {anna['id']} has role qa, not operator"}


async def test_a_bad_sip_endpoint_is_refused(client, admin):
    body = {"name": "X", "login": "x", "sip_endpoint": "op 1; DROP"}
    response = await client.post("/operators", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "sip_endpoint"]


async def test_a_supervisor_picks_the_operators_of_a_campaign(client, login, two_clients, make_operator):
    supervisor = await login(Role.SUPERVISOR)
    campaign_id = two_clients[0].campaign_id
    olga, ivan, petr = [await make_operator(name) for name in ("olga", "ivan", "petr")]
    path = f"/campaigns/{campaign_id}/operators"

    response = await client.put(path, json={"operator_ids": [ivan["id"], olga["id"]]}, headers=supervisor)
    assert response.status_code == 200
    assert [o["login"] for o in response.json()] == ["olga", "ivan"]

    response = await client.put(path, json={"operator_ids": [petr["id"]]}, headers=supervisor)
    assert [o["login"] for o in response.json()] == ["petr"]
    assert [o["login"] for o in (await client.get(path, headers=supervisor)).json()] == ["petr"]

    assert (await client.put(path, json={"operator_ids": []}, headers=supervisor)).json() == []


async def test_unknown_or_inactive_operators_are_refused(client, admin, two_clients, make_operator):
    campaign_id = two_clients[0].campaign_id
    away = await make_operator("away", active=False)
    path = f"/campaigns/{campaign_id}/operators"
    response = await client.put(path, json={"operator_ids": [77, 78]}, headers=admin)
    assert response.status_code == 422
    assert response.json() == {"detail": "operator_ids: no operator with id 77, 78"}
    response = await client.put(path, json={"operator_ids": [away["id"]]}, headers=admin)
    assert response.json() == {"detail": f"operator_ids: operator {away['id']} is inactive"}


async def test_a_controller_may_not_assign_operators(client, login, two_clients):
    controller = await login(Role.CONTROLLER, client_id=two_clients[0].client_id)
    response = await client.put(
        f"/campaigns/{two_clients[1].campaign_id}/operators", json={"operator_ids": []}, headers=controller
    )
    assert response.status_code == 403  # a controller may never assign; the role check comes first
