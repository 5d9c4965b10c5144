"""Do-not-call lists through the API: the global list and each client's, and who sees which."""

from __future__ import annotations

from dialer.auth.models import Role


async def test_numbers_are_added_normalised_listed_and_removed(client, admin):
    response = await client.post(
        "/dnc", json={"phone": "8 (495) 150-22-22", "reason": "complaint"}, headers=admin
    )
    assert response.status_code == 201
    entry = response.json()
    assert (entry["phone"], entry["client_id"], entry["reason"]) == ("+74951502222", None, "complaint")

    page = (await client.get("/dnc", headers=admin)).json()
    assert page["total"] == 1 and page["items"][0]["id"] == entry["id"]
    assert (await client.delete(f"/dnc/{entry['id']}", headers=admin)).status_code == 204
    response = await client.delete(f"/dnc/{entry['id']}", headers=admin)
    assert response.status_code == 404
    assert response.json() == {"detail": f"do-not-call entry {entry['id']} not found on the global list"}


async def test_a_bad_number_is_refused(client, admin):
    response = await client.post("/dnc", json={"phone": "call me maybe"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("phone: 'call me maybe' is not a phone number")


async def test_client_lists_are_separate_and_a_controller_sees_only_its_own(
    client, admin, login, two_clients
):
    mine, theirs = two_clients
    for world, phone in ((mine, "+74951110000"), (theirs, "+74952220000")):
        body = {"phone": phone, "client_id": world.client_id}
        assert (await client.post("/dnc", json=body, headers=admin)).status_code == 201
    await client.post("/dnc", json={"phone": "+74953330000"}, headers=admin)

    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    own = (await client.get("/dnc", headers=controller)).json()
    assert [e["phone"] for e in own["items"]] == ["+74951110000"]
    assert (await client.get(f"/dnc?client_id={mine.client_id}", headers=controller)).json() == own
    response = await client.get(f"/dnc?client_id={theirs.client_id}", headers=controller)
    assert response.status_code == 404
    assert response.json() == {"detail": f"client {theirs.client_id} not found"}
    response = await client.post("/dnc", json={"phone": "+74954440000"}, headers=controller)
    assert response.status_code == 403


async def test_a_do_not_call_file_is_imported(client, admin, two_clients):
    client_id = two_clients[0].client_id
    content = "Телефон;Причина\n8 495 150 22 22;жалоба\n+7 912 345 67 89;\nмусор;\n".encode()
    response = await client.post(
        f"/dnc/import?client_id={client_id}", headers=admin, files={"file": ("dnc.csv", content, "text/csv")}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["rejected"]) == (2, 1)
    listed = (await client.get(f"/dnc?client_id={client_id}", headers=admin)).json()
    assert listed["total"] == 2


async def test_a_supervisor_manages_lists_but_qa_does_not_see_them(client, login):
    supervisor = await login(Role.SUPERVISOR)
    assert (await client.post("/dnc", json={"phone": "+74951502222"}, headers=supervisor)).status_code == 201
    qa = await login(Role.QA)
    assert (await client.get("/dnc", headers=qa)).status_code == 403


async def test_post_honours_the_client_in_the_query_as_the_other_routes_do(client, admin, two_clients):
    mine, theirs = two_clients
    response = await client.post(
        f"/dnc?client_id={mine.client_id}", json={"phone": "+74951502222"}, headers=admin
    )
    assert response.status_code == 201, response.text
    assert response.json()["client_id"] == mine.client_id
    assert (await client.get("/dnc", headers=admin)).json()["total"] == 0  # the global list is untouched
    assert (await client.get(f"/dnc?client_id={mine.client_id}", headers=admin)).json()["total"] == 1

    response = await client.post(
        f"/dnc?client_id={mine.client_id}",
        json={"phone": "+74951502223", "client_id": theirs.client_id},
        headers=admin,
    )
    assert response.status_code == 422
    assert "client_id" in response.json()["detail"]
    same = {"phone": "+74951502224", "client_id": mine.client_id}
    assert (
        await client.post(f"/dnc?client_id={mine.client_id}", json=same, headers=admin)
    ).status_code == 201


async def test_a_controller_cannot_reach_another_clients_list_through_the_query(client, login, two_clients):
    mine, theirs = two_clients
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    response = await client.post(
        f"/dnc?client_id={theirs.client_id}", json={"phone": "+74951502222"}, headers=controller
    )
    assert response.status_code in {403, 404}
