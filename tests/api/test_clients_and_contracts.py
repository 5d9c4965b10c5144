"""Clients and their contracts' terms, with money exact to the last digit on both databases."""

from __future__ import annotations

import pytest

TERMS = {
    "number": "2026/11-01",
    "pricing_model": "per_processed_contact",
    "currency": "RUB",
    "rate": "1.005",
    "setup_fee": "15000.00",
    "vat_rate": "0.2",
    "volume_committed": "120000",
    "period_start": "2026-11-01",
    "period_end": "2027-01-31",
}


@pytest.fixture
async def client_id(client, admin) -> int:
    response = await client.post("/clients", json={"name": "Romashka", "country": "ru"}, headers=admin)
    assert response.status_code == 201
    assert response.json()["country"] == "RU"
    return response.json()["id"]


async def test_money_round_trips_exactly_as_decimal_strings(client, admin, client_id):
    created = await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)
    assert created.status_code == 201, created.text
    fetched = (await client.get(f"/contracts/{created.json()['id']}", headers=admin)).json()
    for answer in (created.json(), fetched):
        assert answer["rate"] == "1.005"
        assert answer["setup_fee"] == "15000"
        assert answer["vat_rate"] == "0.2"
        assert answer["volume_committed"] == "120000"


async def test_the_smallest_amount_survives_and_a_seventh_decimal_is_refused(client, admin, client_id):
    tiny = await client.post(
        f"/clients/{client_id}/contracts", json=TERMS | {"rate": "0.000001"}, headers=admin
    )
    assert tiny.json()["rate"] == "0.000001"
    response = await client.post(
        f"/clients/{client_id}/contracts", json=TERMS | {"number": "2", "rate": "0.0000001"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "rate"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rate": "-1"}, "rate"),
        ({"currency": "rub"}, "currency"),
        ({"vat_rate": "1.5"}, "vat_rate"),
        ({"pricing_model": "per_smile"}, "pricing_model"),
        ({"rate": "NaN"}, "rate"),
    ],
)
async def test_bad_terms_are_refused_saying_which_field(client, admin, client_id, change, field):
    response = await client.post(f"/clients/{client_id}/contracts", json=TERMS | change, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


async def test_a_period_that_ends_before_it_starts_is_refused(client, admin, client_id):
    response = await client.post(
        f"/clients/{client_id}/contracts", json=TERMS | {"period_end": "2026-10-01"}, headers=admin
    )
    assert response.status_code == 422
    assert "period_end: 2026-10-01 is before period_start 2026-11-01" in response.json()["detail"][0]["msg"]


async def test_a_contract_is_changed_and_checked_as_a_whole(client, admin, client_id):
    contract = (await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)).json()
    response = await client.patch(f"/contracts/{contract['id']}", json={"rate": "2.50"}, headers=admin)
    assert response.status_code == 200
    assert response.json()["rate"] == "2.5"
    response = await client.patch(
        f"/contracts/{contract['id']}", json={"period_start": "2027-06-01"}, headers=admin
    )
    assert response.status_code == 422


async def test_names_and_numbers_are_unique(client, admin, client_id):
    assert (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).status_code == 409
    await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)
    again = await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)
    assert again.status_code == 409
    assert again.json() == {"detail": f"client {client_id} already has a contract numbered '2026/11-01'"}


async def test_a_client_with_contracts_and_a_contract_with_campaigns_are_kept(client, admin, client_id):
    contract = (await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)).json()
    campaign = await client.post(
        "/campaigns", json={"contract_id": contract["id"], "name": "c"}, headers=admin
    )
    assert (await client.delete(f"/clients/{client_id}", headers=admin)).status_code == 409
    response = await client.delete(f"/contracts/{contract['id']}", headers=admin)
    assert response.json() == {"detail": f"contract {contract['id']} has 1 campaign(s); delete them first"}
    await client.delete(f"/campaigns/{campaign.json()['id']}", headers=admin)
    assert (await client.delete(f"/contracts/{contract['id']}", headers=admin)).status_code == 204
    assert (await client.delete(f"/clients/{client_id}", headers=admin)).status_code == 204
    assert (await client.get(f"/clients/{client_id}", headers=admin)).status_code == 404


async def test_an_unknown_country_is_refused(client, admin):
    response = await client.post("/clients", json={"name": "X", "country": "QQ"}, headers=admin)
    assert response.status_code == 422
    assert "'QQ' is not an ISO 3166 country code" in response.json()["detail"][0]["msg"]


async def test_an_unknown_currency_is_refused_when_the_contract_is_written(client, admin, two_clients):
    world = two_clients[0]
    terms = {"number": "X-1", "pricing_model": "per_talk_minute", "period_start": "2026-11-01"}
    response = await client.post(
        f"/clients/{world.client_id}/contracts", json={**terms, "currency": "ABC"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "currency"]
    response = await client.patch(f"/contracts/{world.contract_id}", json={"currency": "XAU"}, headers=admin)
    assert response.status_code == 422
    assert "not an active ISO 4217 currency code" in response.text
    response = await client.patch(f"/contracts/{world.contract_id}", json={"currency": "KZT"}, headers=admin)
    assert response.status_code == 200
    assert (await client.get(f"/contracts/{world.contract_id}/statement", headers=admin)).status_code == 200
