"""Recording settings through the API: a campaign's recording policy and split legs."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role


@pytest.fixture
async def contract_id(client, admin) -> int:
    client_id = (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).json()["id"]
    terms = {"number": "1", "pricing_model": "per_talk_minute", "rate": "9.90", "period_start": "2026-11-01"}
    return int((await client.post(f"/clients/{client_id}/contracts", json=terms, headers=admin)).json()["id"])


async def test_a_campaign_records_connected_calls_unless_told_otherwise(client, admin, contract_id) -> None:
    body = {"contract_id": contract_id, "name": "Autumn"}
    created = (await client.post("/campaigns", json=body, headers=admin)).json()
    assert (created["recording_policy"], created["recording_split_legs"]) == ("connected", False)
    changed = await client.patch(
        f"/campaigns/{created['id']}",
        json={"recording_policy": "all", "recording_split_legs": True},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["recording_policy"], changed.json()["recording_split_legs"]) == ("all", True)
    again = (await client.get(f"/campaigns/{created['id']}", headers=admin)).json()
    assert again["recording_policy"] == "all"


async def test_an_unknown_recording_policy_is_refused_with_where(client, admin, contract_id) -> None:
    body = {"contract_id": contract_id, "name": "Autumn", "recording_policy": "sometimes"}
    refused = await client.post("/campaigns", json=body, headers=admin)
    assert refused.status_code == 422
    assert "recording_policy" in refused.text


async def test_a_contract_keeps_recordings_for_ever_unless_it_sets_a_period(client, admin) -> None:
    client_id = (await client.post("/clients", json={"name": "Vasilek"}, headers=admin)).json()["id"]
    terms = {"number": "2", "pricing_model": "per_talk_minute", "rate": "1", "period_start": "2026-11-01"}
    created = (await client.post(f"/clients/{client_id}/contracts", json=terms, headers=admin)).json()
    assert created["recording_retention_days"] is None
    path = f"/contracts/{created['id']}"
    changed = await client.patch(path, json={"recording_retention_days": 90}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["recording_retention_days"] == 90
    refused = await client.patch(path, json={"recording_retention_days": 0}, headers=admin)
    assert refused.status_code == 422 and "recording_retention_days" in refused.text
    cleared = await client.patch(path, json={"recording_retention_days": None}, headers=admin)
    assert cleared.json()["recording_retention_days"] is None


async def test_a_clients_delivery_target_never_shows_its_secret(client, admin, login, two_clients) -> None:
    romashka, vasilek = two_clients
    path = f"/clients/{romashka.client_id}/recording-delivery"
    assert (await client.get(path, headers=admin)).status_code == 404
    target = {
        "kind": "s3",
        "bucket": "romashka-calls",
        "prefix": "daily/",
        "endpoint_url": "https://s3.example.net",
        "access_key_id": "AKIA-ROMASHKA",
        "secret_access_key": "very-secret-key-123",
    }
    put = await client.put(path, json=target, headers=admin)
    assert put.status_code == 200, put.text
    assert put.json()["secret_set"] is True and put.json()["prefix"] == "daily"
    assert "very-secret-key-123" not in put.text
    kept = await client.put(
        path, json={k: v for k, v in target.items() if k != "secret_access_key"}, headers=admin
    )
    assert kept.json()["secret_set"] is True  # omitted: the stored secret stays
    controller = await login(Role.CONTROLLER, romashka.client_id)
    seen = await client.get(path, headers=controller)
    assert seen.status_code == 200 and "very-secret-key-123" not in seen.text
    assert (
        await client.get(f"/clients/{vasilek.client_id}/recording-delivery", headers=controller)
    ).status_code == 404
    local = await client.put(path, json={"kind": "local", "folder": "relative/path"}, headers=admin)
    assert local.status_code == 422 and "folder" in local.text
    no_bucket = await client.put(path, json={"kind": "s3"}, headers=admin)
    assert no_bucket.status_code == 422 and "bucket" in no_bucket.text
    assert (await client.delete(path, headers=admin)).status_code == 204
    assert (await client.get(path, headers=admin)).status_code == 404
