"""A campaign's scorecard through the API: QA staff create and replace it, a client's controller
reads its own campaigns' cards only, and a card some score uses is frozen as a version."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dialer.auth.models import Role
from dialer.db.engine import unit_of_work
from dialer.qa.models import Score
from tests.api.conftest import detail

CARD: dict[str, Any] = {
    "name": "Cold call v1",
    "sample_per_operator": 4,
    "criteria": [
        {"key": "greeting", "label": "Greeting", "weight": "1", "scale": "yes_no"},
        {"key": "need_identified", "label": "Need identified", "weight": "2", "max_points": 5},
        {"key": "objections", "label": "Objections handled", "weight": "1.5", "max_points": 3},
        {"key": "result_agreed", "label": "Result agreed", "weight": "3", "scale": "yes_no"},
    ],
}


async def test_qa_creates_and_everyone_allowed_reads_the_card(client, login, two_clients):
    home, other = two_clients
    qa = await login(Role.QA)
    response = await client.post(f"/campaigns/{home.campaign_id}/scorecards", json=CARD, headers=qa)
    assert response.status_code == 201, response.text
    card = response.json()
    assert card["version"] == 1
    assert [c["key"] for c in card["criteria"]] == [
        "greeting",
        "need_identified",
        "objections",
        "result_agreed",
    ]
    assert card["criteria"][0]["max_points"] == 1
    assert card["criteria"][2]["weight"] == "1.5"
    assert card["sample_per_operator"] == 4

    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    mine = await client.get(f"/campaigns/{home.campaign_id}/scorecard", headers=controller)
    assert mine.status_code == 200 and mine.json()["id"] == card["id"]
    assert (await client.get(f"/scorecards/{card['id']}", headers=controller)).status_code == 200

    stranger = await login(Role.CONTROLLER, client_id=other.client_id)
    assert (await client.get(f"/campaigns/{home.campaign_id}/scorecard", headers=stranger)).status_code == 404
    assert (
        await client.get(f"/campaigns/{home.campaign_id}/scorecards", headers=stranger)
    ).status_code == 404
    assert (await client.get(f"/scorecards/{card['id']}", headers=stranger)).status_code == 404
    refused = await client.put(f"/campaigns/{home.campaign_id}/scorecard", json=CARD, headers=controller)
    assert refused.status_code == 403


async def test_a_second_card_is_a_conflict_and_a_missing_one_is_absent(client, login, two_clients):
    home, _ = two_clients
    qa = await login(Role.QA)
    missing = await client.get(f"/campaigns/{home.campaign_id}/scorecard", headers=qa)
    assert missing.status_code == 404 and "no scorecard" in detail(missing)
    assert (
        await client.put(f"/campaigns/{home.campaign_id}/scorecard", json=CARD, headers=qa)
    ).status_code == 404
    assert (
        await client.post(f"/campaigns/{home.campaign_id}/scorecards", json=CARD, headers=qa)
    ).status_code == 201
    again = await client.post(f"/campaigns/{home.campaign_id}/scorecards", json=CARD, headers=qa)
    assert again.status_code == 409 and "PUT" in detail(again)
    assert (await client.post("/campaigns/999999/scorecards", json=CARD, headers=qa)).status_code == 404


async def test_bad_cards_are_refused_saying_where(client, login, two_clients):
    home, _ = two_clients
    supervisor = await login(Role.SUPERVISOR)
    url = f"/campaigns/{home.campaign_id}/scorecards"
    twice = {**CARD, "criteria": [CARD["criteria"][0], CARD["criteria"][0]]}
    response = await client.post(url, json=twice, headers=supervisor)
    assert response.status_code == 422 and "repeated: greeting" in response.text
    no_top = {**CARD, "criteria": [{"key": "tone", "label": "Tone", "weight": "1"}]}
    response = await client.post(url, json=no_top, headers=supervisor)
    assert response.status_code == 422 and "tone: a points scale needs max_points" in response.text
    zero = {**CARD, "criteria": [{"key": "tone", "label": "Tone", "weight": "0", "max_points": 3}]}
    assert (await client.post(url, json=zero, headers=supervisor)).status_code == 422
    empty = {**CARD, "criteria": []}
    assert (await client.post(url, json=empty, headers=supervisor)).status_code == 422


async def test_an_unused_card_changes_in_place_and_a_used_one_gets_a_new_version(
    app, client, login, two_clients
):
    home, _ = two_clients
    qa = await login(Role.QA)
    first = (await client.post(f"/campaigns/{home.campaign_id}/scorecards", json=CARD, headers=qa)).json()
    changed = {**CARD, "criteria": CARD["criteria"][:3]}
    url = f"/campaigns/{home.campaign_id}/scorecard"
    in_place = (await client.put(url, json=changed, headers=qa)).json()
    assert (in_place["id"], in_place["version"], len(in_place["criteria"])) == (first["id"], 1, 3)

    await _use(app, first["id"], home.campaign_id)
    renamed = (
        await client.put(url, json={**changed, "name": "Renamed", "sample_per_operator": 2}, headers=qa)
    ).json()
    assert (renamed["id"], renamed["version"], renamed["name"], renamed["sample_per_operator"]) == (
        first["id"],
        1,
        "Renamed",
        2,
    )
    second = (await client.put(url, json=CARD, headers=qa)).json()
    assert second["version"] == 2 and second["id"] != first["id"] and len(second["criteria"]) == 4
    frozen = (await client.get(f"/scorecards/{first['id']}", headers=qa)).json()
    assert len(frozen["criteria"]) == 3
    versions = (await client.get(f"/campaigns/{home.campaign_id}/scorecards", headers=qa)).json()
    assert [v["version"] for v in versions] == [2, 1]
    assert (await client.get(url, headers=qa)).json()["id"] == second["id"]


async def _use(app, scorecard_id: int, campaign_id: int) -> None:
    """A score on the card, as if someone had scored a call with it."""
    from tests.qa.world import add_call

    async with unit_of_work(app.state.sessions) as session:
        call_id = await add_call(
            session, campaign_id, operator_id=None, placed_at=datetime(2026, 11, 20, 10, tzinfo=UTC)
        )
        now = datetime.now(UTC)
        session.add(
            Score(
                call_id=call_id,
                scorecard_id=scorecard_id,
                campaign_id=campaign_id,
                call_at=now,
                scorer="user:1",
                scorer_role="qa",
                percent=Decimal(50),
                created_at=now,
                updated_at=now,
            )
        )
