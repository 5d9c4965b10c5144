"""Scoring recorded calls through the API: QA staff and a client's controller score while listening
(values, comments at moments, an overall comment), one score per scorer per call, changed only by its
author, each given or changed score audited; a controller reaches its client's calls only."""

from __future__ import annotations

from typing import Any

import pytest

from dialer.auth.models import Role
from tests.api.conftest import detail
from tests.api.recordings_world import seed

CARD: dict[str, Any] = {
    "name": "Cold call",
    "criteria": [
        {"key": "greeting", "label": "Greeting", "weight": "1", "scale": "yes_no"},
        {"key": "need_identified", "label": "Need identified", "weight": "2", "max_points": 5},
        {"key": "objections", "label": "Objections handled", "weight": "1.5", "max_points": 3},
    ],
}
SIXTY = {"greeting": 1, "need_identified": 3, "objections": 1}  # (1 + 2*3/5 + 1.5/3) / 4.5 = 60 %


@pytest.fixture
async def recorded(app, client, admin, two_clients, tmp_path):
    world = await seed(app, two_clients, tmp_path / "wav")
    for w in two_clients:
        response = await client.post(f"/campaigns/{w.campaign_id}/scorecards", json=CARD, headers=admin)
        assert response.status_code == 201, response.text
    return world


async def score(client, headers, call_id: int, values=SIXTY, **extra):
    return await client.post(
        "/qa/scores", json={"call_id": call_id, "values": values, **extra}, headers=headers
    )


async def test_qa_scores_a_call_while_listening_and_it_is_audited(client, login, admin, recorded):
    qa = await login(Role.QA)
    call_id = recorded.ids["a2"]
    response = await score(
        client,
        qa,
        call_id,
        moments=[{"at_s": "4.5", "text": "no summary"}, {"at_s": "0.8", "text": "warm greeting"}],
        comment="good call, weak close",
    )
    assert response.status_code == 201, response.text
    given = response.json()
    assert given["percent"] == "60"
    assert given["values"] == SIXTY
    assert given["scorecard_version"] == 1
    assert given["operator_id"] == recorded.operators["Boris"]
    assert [m["at_s"] for m in given["moments"]] == ["0.8", "4.5"]  # in time order
    assert given["comment"] == "good call, weak close"

    audit = (await client.get("/audit", params={"action": "score"}, headers=admin)).json()
    (event,) = audit["items"]
    assert event["object_type"] == "call" and event["object_id"] == str(call_id)
    assert event["client_id"] == recorded.worlds[0].client_id
    assert event["detail"]["score_id"] == given["id"] and event["detail"]["percent"] == "60"


async def test_one_score_per_scorer_per_call_changed_only_by_its_author(client, login, admin, recorded):
    qa, other_qa = await login(Role.QA), await login(Role.QA)
    call_id = recorded.ids["a1"]
    first = (await score(client, qa, call_id)).json()
    again = await score(client, qa, call_id)
    assert again.status_code == 409 and f"PUT /qa/scores/{first['id']}" in detail(again)
    assert (await score(client, other_qa, call_id)).status_code == 201  # a second opinion is its own score

    best = {"greeting": 1, "need_identified": 5, "objections": 3}
    changed = await client.put(
        f"/qa/scores/{first['id']}", json={"values": best, "comment": "re-heard"}, headers=qa
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["percent"] == "100" and changed.json()["comment"] == "re-heard"
    refused = await client.put(f"/qa/scores/{first['id']}", json={"values": SIXTY}, headers=other_qa)
    assert refused.status_code == 403 and "only its author" in detail(refused)
    assert (await client.get(f"/qa/scores/{first['id']}", headers=qa)).json()["percent"] == "100"

    audit = (await client.get("/audit", params={"action": "score"}, headers=admin)).json()
    assert sorted(e["detail"]["edit"] for e in audit["items"]) == [False, False, True]


async def test_bad_scores_are_refused_naming_the_criterion(client, login, recorded):
    qa = await login(Role.QA)
    call_id = recorded.ids["a3"]  # 7 seconds of talk
    response = await score(client, qa, call_id, values={**SIXTY, "need_identified": 6})
    assert response.status_code == 422
    assert "values.need_identified: 6 is outside its scale, 0 to 5 points" in detail(response)
    response = await score(client, qa, call_id, values={"greeting": 1, "need_identified": 2})
    assert response.status_code == 422 and "values.objections: missing" in detail(response)
    response = await score(client, qa, call_id, moments=[{"at_s": "30", "text": "late"}])
    assert response.status_code == 422 and "moments[0].at_s" in detail(response)
    assert (await score(client, qa, recorded.ids["a4"])).status_code == 404  # a call with no recording
    assert (await client.get("/qa/scores", headers=qa)).json()["total"] == 0


async def test_a_campaign_without_a_scorecard_cannot_be_scored(
    client, login, admin, two_clients, app, tmp_path
):
    world = await seed(app, two_clients, tmp_path / "wav")
    qa = await login(Role.QA)
    response = await score(client, qa, world.ids["a1"])
    assert response.status_code == 409 and "no scorecard" in detail(response)


async def test_a_score_keeps_the_card_it_was_given_with(client, login, recorded):
    qa = await login(Role.QA)
    campaign_id = recorded.worlds[0].campaign_id
    old = (await score(client, qa, recorded.ids["a1"])).json()
    shorter = {**CARD, "criteria": CARD["criteria"][:1]}
    new_card = (await client.put(f"/campaigns/{campaign_id}/scorecard", json=shorter, headers=qa)).json()
    assert new_card["version"] == 2
    newer = (await score(client, qa, recorded.ids["a2"], values={"greeting": 0})).json()
    assert newer["scorecard_version"] == 2 and newer["percent"] == "0"
    kept = (await client.get(f"/qa/scores/{old['id']}", headers=qa)).json()
    assert kept["scorecard_version"] == 1 and kept["values"] == SIXTY
    # changing the old score checks it against version 1, which still has three criteria
    assert (
        await client.put(f"/qa/scores/{old['id']}", json={"values": {"greeting": 1}}, headers=qa)
    ).status_code == 422
    assert (
        await client.put(f"/qa/scores/{old['id']}", json={"values": SIXTY}, headers=qa)
    ).status_code == 200


async def test_a_controller_scores_and_sees_only_its_clients_calls(client, login, recorded):
    home, other = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    qa = await login(Role.QA)
    mine = await score(client, controller, recorded.ids["a1"])
    assert mine.status_code == 201, mine.text
    assert mine.json()["scorer_role"] == "controller"
    theirs = await score(client, controller, recorded.ids["b1"])
    assert theirs.status_code == 404
    qa_score = (await score(client, qa, recorded.ids["b1"])).json()

    listed = (await client.get("/qa/scores", headers=controller)).json()
    assert [item["call_id"] for item in listed["items"]] == [recorded.ids["a1"]]
    assert (await client.get(f"/qa/scores/{qa_score['id']}", headers=controller)).status_code == 404
    put = await client.put(f"/qa/scores/{qa_score['id']}", json={"values": SIXTY}, headers=controller)
    assert put.status_code == 404
    everything = (await client.get("/qa/scores", headers=qa)).json()
    assert everything["total"] == 2
    by_campaign = (
        await client.get("/qa/scores", params={"campaign_id": other.campaign_id}, headers=qa)
    ).json()
    assert [item["call_id"] for item in by_campaign["items"]] == [recorded.ids["b1"]]


async def test_an_operator_may_not_score(client, login, recorded):
    operator = await login(Role.OPERATOR)
    assert (await score(client, operator, recorded.ids["a1"])).status_code == 403
    assert (await client.get("/qa/scores", headers=operator)).status_code == 403


async def test_moments_are_bounded_by_the_filed_recordings_length(app, client, login, recorded):
    from dialer.calls.models import Call
    from dialer.db.engine import unit_of_work

    async with unit_of_work(app.state.sessions) as session:
        call = await session.get_one(Call, recorded.ids["a3"])  # 7 s of talk
        call.recording_seconds = 20.0
    qa = await login(Role.QA)
    late = await score(client, qa, recorded.ids["a3"], moments=[{"at_s": "21.5", "text": "after the end"}])
    assert late.status_code == 422 and "past the recording's end (20.0 s)" in detail(late)
    inside = await score(client, qa, recorded.ids["a3"], moments=[{"at_s": "15", "text": "still talking"}])
    assert inside.status_code == 201, inside.text
