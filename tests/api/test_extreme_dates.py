"""Days and months outside 2000..2100 are refused with a 422 in every report, statement, export and
contract period, instead of overflowing into a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
async def test_a_daily_report_of_an_extreme_day_is_refused(client, admin, two_clients, day):
    campaign = two_clients[0].campaign_id
    response = await client.get(f"/campaigns/{campaign}/reports/daily", params={"day": day}, headers=admin)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "day"]


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2101-01"])
async def test_months_out_of_range_are_refused_everywhere_a_month_is_taken(client, admin, two_clients, month):
    world = two_clients[0]
    contract, client_id = world.contract_id, world.client_id
    answers = [
        await client.get(f"/contracts/{contract}/reports/monthly", params={"month": month}, headers=admin),
        await client.get(f"/contracts/{contract}/statement", params={"month": month}, headers=admin),
        await client.post(f"/contracts/{contract}/periods/{month}/close", headers=admin),
        await client.get(f"/clients/{client_id}/billing-export", params={"month": month}, headers=admin),
        await client.post(f"/contracts/{contract}/acts", json={"month": month}, headers=admin),
    ]
    for response in answers:
        assert response.status_code == 422, f"{response.request.url}: {response.text}"
        assert "month" in response.text


async def test_export_days_and_contract_periods_out_of_range_are_refused(client, admin, two_clients):
    world = two_clients[0]
    response = await client.get(
        f"/clients/{world.client_id}/billing-export",
        params={"from": "0001-01-01", "to": "0001-01-31"},
        headers=admin,
    )
    assert response.status_code == 422
    response = await client.patch(
        f"/contracts/{world.contract_id}", json={"period_end": "9999-12-31"}, headers=admin
    )
    assert response.status_code == 422
    response = await client.patch(
        f"/contracts/{world.contract_id}", json={"period_end": "2027-10-31"}, headers=admin
    )
    assert response.status_code == 200


async def test_a_month_in_range_still_works(client, admin, two_clients):
    contract = two_clients[0].contract_id
    response = await client.get(
        f"/contracts/{contract}/statement", params={"month": "2026-11"}, headers=admin
    )
    assert response.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
async def test_instants_out_of_range_are_refused_in_every_search(client, admin, moment):
    for url in ("/calls", "/audit", "/recordings", "/qa/scores"):
        response = await client.get(url, params={"since": moment}, headers=admin)
        assert response.status_code == 422, f"{url}: {response.text}"
        assert response.json()["detail"][0]["loc"] == ["query", "since"]
