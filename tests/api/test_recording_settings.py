"""Recording settings through the API: a campaign's recording policy and split legs."""

from __future__ import annotations

import pytest


@pytest.fixture
async def contract_id(client, admin) -> int:
    client_id = (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).json()["id"]
    terms = {"number": "1", "pricing_model": "per_talk_minute", "rate": "9.90", "period_start": "2026-11-01"}
    return (await client.post(f"/clients/{client_id}/contracts", json=terms, headers=admin)).json()["id"]


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
