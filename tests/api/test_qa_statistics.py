"""Scores over time through the API: operator and campaign averages by period with each
criterion's average, within the caller's scope."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role
from tests.api.conftest import detail
from tests.api.test_qa_scores import CARD, score


@pytest.fixture
async def scored(app, client, admin, two_clients, tmp_path):
    from tests.api.recordings_world import seed

    world = await seed(app, two_clients, tmp_path / "wav")
    for w in two_clients:
        assert (
            await client.post(f"/campaigns/{w.campaign_id}/scorecards", json=CARD, headers=admin)
        ).status_code == 201
    marks = {
        "a1": {"greeting": 1, "need_identified": 5, "objections": 3},  # Anna, Nov 20: 100 %
        "a2": {"greeting": 1, "need_identified": 3, "objections": 1},  # Boris, Nov 21: 60 %
        "a3": {"greeting": 0, "need_identified": 0, "objections": 0},  # Anna, Nov 22: 0 %
        "b1": {"greeting": 1, "need_identified": 0, "objections": 0},  # Boris, other client, Nov 21
    }
    for label, values in marks.items():
        assert (await score(client, admin, world.ids[label], values)).status_code == 201
    return world


async def stats(client, headers, **params):
    response = await client.get("/qa/statistics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_operator_averages_by_day_and_by_week(client, admin, scored):
    anna, boris = scored.operators["Anna"], scored.operators["Boris"]
    home = scored.worlds[0].campaign_id
    daily = await stats(
        client, admin, date_from="2026-11-20", date_to="2026-11-22", period="day", campaign_id=home
    )
    assert [(g["key"], g["name"], g["period_start"], g["average"]) for g in daily["groups"]] == [
        (anna, "Anna", "2026-11-20", "100"),
        (anna, "Anna", "2026-11-22", "0"),
        (boris, "Boris", "2026-11-21", "60"),
    ]
    weekly = await stats(client, admin, date_from="2026-11-16", date_to="2026-11-22", campaign_id=home)
    assert [(g["key"], g["period_start"], g["scores"], g["average"]) for g in weekly["groups"]] == [
        (anna, "2026-11-16", 2, "50"),
        (boris, "2026-11-16", 1, "60"),
    ]
    criteria = {c["key"]: (c["scores"], c["average"]) for c in weekly["groups"][0]["criteria"]}
    assert criteria == {"greeting": (2, "50"), "need_identified": (2, "50"), "objections": (2, "50")}


async def test_campaign_averages_by_month_and_the_range_bounds(client, admin, scored):
    home, other = scored.worlds
    monthly = await stats(
        client, admin, date_from="2026-11-01", date_to="2026-11-30", group_by="campaign", period="month"
    )
    # home: (100 + 60 + 0) / 3; other: greeting only, weight 1 of 4.5
    assert [(g["key"], g["scores"], g["average"]) for g in monthly["groups"]] == [
        (home.campaign_id, 3, "53.33"),
        (other.campaign_id, 1, "22.22"),
    ]
    one_day = await stats(client, admin, date_from="2026-11-22", date_to="2026-11-22", group_by="campaign")
    assert [(g["key"], g["scores"]) for g in one_day["groups"]] == [(home.campaign_id, 1)]
    assert (await stats(client, admin, date_from="2026-12-01", date_to="2026-12-31"))["groups"] == []
    backwards = await client.get(
        "/qa/statistics", params={"date_from": "2026-11-22", "date_to": "2026-11-01"}, headers=admin
    )
    assert backwards.status_code == 422 and "date_to" in detail(backwards)


async def test_a_controller_averages_its_clients_campaigns_only(client, login, scored):
    home, _ = scored.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    monthly = await stats(
        client, controller, date_from="2026-11-01", date_to="2026-11-30", group_by="operator", period="month"
    )
    boris = next(g for g in monthly["groups"] if g["key"] == scored.operators["Boris"])
    assert (boris["scores"], boris["average"]) == (1, "60")  # his other client's call is not seen
    assert sum(g["scores"] for g in monthly["groups"]) == 3
