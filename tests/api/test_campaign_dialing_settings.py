"""The campaign API's dialing settings of issue 4's last features: the fixed-ratio mode and its
``dial_ratio``, and the campaign's own abandon and answering-machine messages."""

from __future__ import annotations

import pytest

from tests.api.conftest import detail


@pytest.fixture
async def contract_id(client, admin) -> int:
    client_id = (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).json()["id"]
    terms = {"number": "1", "pricing_model": "per_talk_minute", "rate": "9.90", "period_start": "2026-11-01"}
    return (await client.post(f"/clients/{client_id}/contracts", json=terms, headers=admin)).json()["id"]


@pytest.fixture
def create(client, admin, contract_id):
    async def _create(**fields):
        return await client.post(
            "/campaigns", json={"contract_id": contract_id, "name": "Autumn"} | fields, headers=admin
        )

    return _create


async def test_a_fixed_ratio_campaign_keeps_its_ratio(create):
    response = await create(dialing_mode="fixed_ratio", dial_ratio="1.5")
    assert response.status_code == 201, response.text
    campaign = response.json()
    assert campaign["dialing_mode"] == "fixed_ratio"
    assert campaign["dial_ratio"] == "1.5"


async def test_the_fixed_ratio_mode_needs_a_ratio(create):
    response = await create(dialing_mode="fixed_ratio")
    assert response.status_code == 422
    assert "dial_ratio" in str(detail(response))


@pytest.mark.parametrize("ratio", ["0.9", "5.01", "-1", "abc"])
async def test_a_ratio_outside_one_to_five_is_refused(create, ratio):
    response = await create(dialing_mode="fixed_ratio", dial_ratio=ratio)
    assert response.status_code == 422
    assert "dial_ratio" in str(detail(response))


async def test_switching_to_fixed_ratio_later_needs_a_ratio_too(client, admin, create):
    campaign = (await create()).json()
    url = f"/campaigns/{campaign['id']}"
    refused = await client.patch(url, json={"dialing_mode": "fixed_ratio"}, headers=admin)
    assert refused.status_code == 422 and "dial_ratio" in str(detail(refused))
    unchanged = (await client.get(url, headers=admin)).json()
    assert unchanged["dialing_mode"] == "progressive"
    changed = await client.patch(url, json={"dialing_mode": "fixed_ratio", "dial_ratio": 2}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["dial_ratio"] == "2"
    emptied = await client.patch(url, json={"dial_ratio": None}, headers=admin)
    assert emptied.status_code == 422 and "dial_ratio" in str(detail(emptied))
    back = await client.patch(url, json={"dialing_mode": "predictive", "dial_ratio": None}, headers=admin)
    assert back.status_code == 200 and back.json()["dial_ratio"] is None


async def test_messages_default_to_empty_so_the_global_ones_apply(create):
    campaign = (await create()).json()
    assert campaign["abandon_message"] == "" and campaign["machine_message"] == ""


async def test_a_campaign_sets_its_own_messages(client, admin, create):
    campaign = (
        await create(abandon_message="custom/romashka-id", machine_message="custom/call-us.v2")
    ).json()
    assert campaign["abandon_message"] == "custom/romashka-id"
    assert campaign["machine_message"] == "custom/call-us.v2"
    url = f"/campaigns/{campaign['id']}"
    changed = await client.patch(url, json={"machine_message": ""}, headers=admin)
    assert changed.status_code == 200 and changed.json()["machine_message"] == ""


@pytest.mark.parametrize(
    "sound",
    [
        "../../etc/passwd",
        "custom/../secret",
        "/var/lib/asterisk/sounds/x",
        "a,b",
        "a|b",
        "hello world",
        "custom//x",
        "x" * 201,
    ],
)
@pytest.mark.parametrize("field", ["abandon_message", "machine_message"])
async def test_an_unsafe_sound_name_is_refused(create, field, sound):
    response = await create(**{field: sound})
    assert response.status_code == 422
    assert field in str(detail(response))
