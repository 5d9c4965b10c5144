"""Each role does what it may and no more; a client's controller sees only its client's data, and
another client's data answers 404, as if it did not exist."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role


async def test_a_controller_sees_only_its_clients_data(client, login, two_clients):
    mine, _ = two_clients
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)

    clients = (await client.get("/clients", headers=controller)).json()
    assert [c["id"] for c in clients] == [mine.client_id]
    campaigns = (await client.get("/campaigns", headers=controller)).json()
    assert [c["id"] for c in campaigns["items"]] == [mine.campaign_id]
    assert campaigns["total"] == 1
    for path in (
        f"/clients/{mine.client_id}",
        f"/clients/{mine.client_id}/contracts",
        f"/contracts/{mine.contract_id}",
        f"/campaigns/{mine.campaign_id}",
    ):
        assert (await client.get(path, headers=controller)).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/clients/{client_id}", "client {client_id} not found"),
        ("/clients/{client_id}/contracts", "client {client_id} not found"),
        ("/contracts/{contract_id}", "contract {contract_id} not found"),
        ("/campaigns/{campaign_id}", "campaign {campaign_id} not found"),
    ],
)
async def test_another_clients_data_answers_404_not_403(client, login, two_clients, path, message):
    mine, theirs = two_clients
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    ids = {
        "client_id": theirs.client_id,
        "contract_id": theirs.contract_id,
        "campaign_id": theirs.campaign_id,
    }
    response = await client.get(path.format(**ids), headers=controller)
    assert response.status_code == 404
    assert response.json() == {"detail": message.format(**ids)}
    # exactly what a missing id answers, so nothing is learnt from it
    missing = await client.get(
        path.format(client_id=999, contract_id=999, campaign_id=999), headers=controller
    )
    assert missing.status_code == 404


async def test_a_controller_key_is_scoped_like_a_controller_user(client, admin, two_clients):
    mine, theirs = two_clients
    body = {"name": "romashka-bi", "role": "controller", "client_id": mine.client_id}
    key = (await client.post("/api-keys", json=body, headers=admin)).json()["key"]
    headers = {"X-API-Key": key}
    assert (await client.get(f"/campaigns/{mine.campaign_id}", headers=headers)).status_code == 200
    assert (await client.get(f"/campaigns/{theirs.campaign_id}", headers=headers)).status_code == 404


async def test_a_controller_may_read_but_not_change_anything(client, login, two_clients):
    mine, _ = two_clients
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    refused = [
        await client.patch(f"/clients/{mine.client_id}", json={"name": "x"}, headers=controller),
        await client.post(
            "/campaigns", json={"contract_id": mine.contract_id, "name": "x"}, headers=controller
        ),
        await client.post(f"/campaigns/{mine.campaign_id}/start", headers=controller),
        await client.get("/operators", headers=controller),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert refused[2].json() == {"detail": "role 'controller' may not start or stop campaigns"}


async def test_qa_reads_campaigns_and_operators_only(client, login, two_clients):
    qa = await login(Role.QA)
    campaigns = (await client.get("/campaigns", headers=qa)).json()
    assert campaigns["total"] == 2
    assert (await client.get("/operators", headers=qa)).status_code == 200
    assert (await client.get("/clients", headers=qa)).status_code == 403
    response = await client.patch(f"/campaigns/{two_clients[0].campaign_id}", json={"name": "x"}, headers=qa)
    assert response.status_code == 403
    assert response.json() == {"detail": "role 'qa' may not change campaigns"}


async def test_a_supervisor_runs_campaigns_but_does_not_manage_users_or_keys(client, login, two_clients):
    supervisor = await login(Role.SUPERVISOR)
    assert (await client.post("/clients", json={"name": "Lyutik"}, headers=supervisor)).status_code == 201
    assert (
        await client.post(f"/campaigns/{two_clients[0].campaign_id}/start", headers=supervisor)
    ).status_code == 200
    assert (await client.get("/users", headers=supervisor)).status_code == 403
    key = await client.post("/api-keys", json={"name": "k", "role": "admin"}, headers=supervisor)
    assert key.status_code == 403
    assert key.json() == {"detail": "role 'supervisor' may not manage keys"}


async def test_an_operator_sees_only_the_campaigns_they_are_assigned_to(
    app, client, admin, login, two_clients
):
    mine, theirs = two_clients
    operator_headers = await login(Role.OPERATOR, username="olga")
    olga_user = next(u for u in (await client.get("/users", headers=admin)).json() if u["username"] == "olga")
    body = {"name": "Olga", "login": "olga", "sip_endpoint": "op-101", "user_id": olga_user["id"]}
    operator = (await client.post("/operators", json=body, headers=admin)).json()

    assert (await client.get("/campaigns", headers=operator_headers)).json()["total"] == 0
    await client.put(
        f"/campaigns/{mine.campaign_id}/operators", json={"operator_ids": [operator["id"]]}, headers=admin
    )

    campaigns = (await client.get("/campaigns", headers=operator_headers)).json()
    assert [c["id"] for c in campaigns["items"]] == [mine.campaign_id]
    assert (await client.get(f"/campaigns/{theirs.campaign_id}", headers=operator_headers)).status_code == 404
    assert (
        await client.post(f"/campaigns/{mine.campaign_id}/start", headers=operator_headers)
    ).status_code == 403


async def test_only_an_admin_manages_users(client, login):
    for role in (Role.SUPERVISOR, Role.QA, Role.OPERATOR):
        headers = await login(role)
        assert (await client.get("/users", headers=headers)).status_code == 403, role
