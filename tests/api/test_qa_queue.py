"""The daily QA sample and its queue: the job queues yesterday's connected, recorded calls per
operator and campaign (sizes from the setting or the campaign's card), never one already queued or
scored; QA lists, claims and scores them; a controller sees its client's items only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import SecretStr

from dialer.auth.models import Role
from dialer.db.engine import unit_of_work
from dialer.jobs.catalog import find_job
from dialer.jobs.definition import JobContext
from tests.api.conftest import detail
from tests.api.test_qa_scores import CARD, SIXTY, score
from tests.qa.world import add_call, add_operator

YESTERDAY = date(2026, 11, 21)
TODAY = YESTERDAY + timedelta(days=1)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Floor:
    anna: int
    boris: int
    calls: dict[str, list[int]] = field(default_factory=dict)


@pytest.fixture
async def floor(app, client, admin, two_clients) -> Floor:
    home, other = two_clients
    one_a_day = {**CARD, "sample_per_operator": 1}
    assert (
        await client.post(f"/campaigns/{home.campaign_id}/scorecards", json=CARD, headers=admin)
    ).status_code == 201
    url = f"/campaigns/{other.campaign_id}/scorecards"
    assert (await client.post(url, json=one_a_day, headers=admin)).status_code == 201
    async with unit_of_work(app.state.sessions) as session:
        f = Floor(await add_operator(session, "Anna"), await add_operator(session, "Boris"))

        async def calls(
            label: str, campaign: int, operator: int | None, day: date, n: int, **kw: bool
        ) -> None:
            f.calls[label] = [
                await add_call(session, campaign, operator_id=operator, placed_at=at(day, 8 + i), **kw)
                for i in range(n)
            ]

        await calls("anna_home", home.campaign_id, f.anna, YESTERDAY, 6)
        await calls("boris_home", home.campaign_id, f.boris, YESTERDAY, 2)
        await calls("boris_other", other.campaign_id, f.boris, YESTERDAY, 3)
        await calls("anna_before", home.campaign_id, f.anna, YESTERDAY - timedelta(days=1), 2)
        await calls("anna_today", home.campaign_id, f.anna, TODAY, 2)
        await calls("unrecorded", home.campaign_id, f.anna, YESTERDAY, 2, recorded=False)
        await calls("unconnected", home.campaign_id, f.anna, YESTERDAY, 2, connected=False)
        await calls("nobody", home.campaign_id, None, YESTERDAY, 2)
    return f


async def run_sample(app, seed: str | None = "s3cret", per_operator: int = 3) -> str:
    settings = app.state.settings.model_copy(
        update={"qa_sample_per_operator": per_operator, "qa_sample_seed": SecretStr(seed) if seed else None}
    )
    context = JobContext(settings=settings, sessions=app.state.sessions, now=at(TODAY, 3), day=TODAY)
    return await find_job("qa-sample").run(context)


async def queue(client, headers, **params):
    response = await client.get("/qa/queue", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_job_samples_yesterdays_calls_per_operator_and_campaign(
    app, client, admin, floor, two_clients
):
    summary = await run_sample(app)
    assert summary == f"QA sample of {YESTERDAY}: 6 calls queued for 2 operators in 2 campaigns"
    items = (await queue(client, admin))["items"]
    by_group: dict[str, set[int]] = {}
    for label in ("anna_home", "boris_home", "boris_other"):
        by_group[label] = {i["call_id"] for i in items} & set(floor.calls[label])
    assert (len(by_group["anna_home"]), len(by_group["boris_home"]), len(by_group["boris_other"])) == (
        3,
        2,
        1,
    )
    assert all(i["day"] == str(YESTERDAY) and i["status"] == "queued" for i in items)
    assert all(i["audio_url"].endswith(f"/recordings/{i['call_id']}/audio") for i in items)

    again = await run_sample(app)  # a second run never queues a call twice
    assert again.startswith(f"QA sample of {YESTERDAY}: 4 calls queued")
    everything = (await queue(client, admin, limit=500))["items"]
    assert len({i["call_id"] for i in everything}) == len(everything) == 10
    queued = {i["call_id"] for i in everything}
    counts = [len(queued & set(floor.calls[label])) for label in ("anna_home", "boris_home", "boris_other")]
    assert counts == [6, 2, 2]


async def test_the_same_seed_samples_the_same_calls(app, client, admin, floor):
    await run_sample(app, seed="fixed", per_operator=2)
    first = {i["call_id"] for i in (await queue(client, admin))["items"]}
    async with unit_of_work(app.state.sessions) as session:
        from sqlalchemy import delete

        from dialer.qa.models import QueueItem

        await session.execute(delete(QueueItem))
    await run_sample(app, seed="fixed", per_operator=2)
    assert {i["call_id"] for i in (await queue(client, admin))["items"]} == first


async def test_a_call_already_scored_is_not_sampled(app, client, admin, floor):
    scored = floor.calls["boris_home"][0]
    assert (await score(client, admin, scored)).status_code == 201
    await run_sample(app, seed=None)  # unseeded: a fresh random draw, the same rules
    boris = (await queue(client, admin, operator_id=floor.boris))["items"]
    assert {i["call_id"] for i in boris} & set(floor.calls["boris_home"]) == {floor.calls["boris_home"][1]}


async def test_qa_claims_an_item_and_scoring_the_call_makes_it_done(app, client, login, floor, two_clients):
    home, _ = two_clients
    await run_sample(app)
    qa, other_qa = await login(Role.QA), await login(Role.QA)
    anna = (await queue(client, qa, campaign_id=home.campaign_id, operator_id=floor.anna))["items"]
    assert len(anna) == 3
    item = anna[0]
    claimed = await client.post(f"/qa/queue/{item['id']}/claim", headers=qa)
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    assert claimed.json()["claimed_by"].startswith("user:")
    assert (await client.post(f"/qa/queue/{item['id']}/claim", headers=qa)).status_code == 200  # idempotent
    taken = await client.post(f"/qa/queue/{item['id']}/claim", headers=other_qa)
    assert taken.status_code == 409 and "claimed by" in detail(taken)
    assert [i["id"] for i in (await queue(client, qa, status="claimed"))["items"]] == [item["id"]]

    given = (await score(client, qa, item["call_id"])).json()
    (done,) = (await queue(client, qa, status="done"))["items"]
    assert (done["id"], done["score_id"]) == (item["id"], given["id"])
    late = await client.post(f"/qa/queue/{item['id']}/claim", headers=other_qa)
    assert late.status_code == 409 and "is done" in detail(late)
    assert (await client.post("/qa/queue/999999/claim", headers=qa)).status_code == 404


async def test_a_controller_sees_and_claims_its_clients_items_only(app, client, login, floor, two_clients):
    home, other = two_clients
    await run_sample(app)
    controller = await login(Role.CONTROLLER, client_id=other.client_id)
    mine = (await queue(client, controller))["items"]
    assert [i["campaign_id"] for i in mine] == [other.campaign_id]
    assert (await client.post(f"/qa/queue/{mine[0]['id']}/claim", headers=controller)).status_code == 200
    qa = await login(Role.QA)
    home_item = (await queue(client, qa, campaign_id=home.campaign_id))["items"][0]
    assert (await client.post(f"/qa/queue/{home_item['id']}/claim", headers=controller)).status_code == 404
    assert (await queue(client, controller, campaign_id=home.campaign_id))["total"] == 0
    assert (await score(client, controller, mine[0]["call_id"], SIXTY)).status_code == 201


async def test_an_operator_has_no_queue(client, login, floor):
    operator = await login(Role.OPERATOR)
    assert (await client.get("/qa/queue", headers=operator)).status_code == 403


async def test_a_claim_is_released_by_its_claimer_or_a_supervisor(app, client, login, floor):
    await run_sample(app)
    qa, other_qa, supervisor = await login(Role.QA), await login(Role.QA), await login(Role.SUPERVISOR)
    first, second = (await queue(client, qa, limit=2))["items"]
    assert (await client.post(f"/qa/queue/{first['id']}/claim", headers=qa)).status_code == 200
    refused = await client.post(f"/qa/queue/{first['id']}/release", headers=other_qa)
    assert refused.status_code == 403 and "claimed by" in detail(refused)
    freed = await client.post(f"/qa/queue/{first['id']}/release", headers=qa)
    assert freed.status_code == 200
    assert (freed.json()["status"], freed.json()["claimed_by"]) == ("queued", None)
    assert (await client.post(f"/qa/queue/{first['id']}/claim", headers=other_qa)).status_code == 200

    assert (await client.post(f"/qa/queue/{second['id']}/claim", headers=qa)).status_code == 200
    assert (await client.post(f"/qa/queue/{second['id']}/release", headers=supervisor)).json()[
        "status"
    ] == "queued"
    assert (await score(client, qa, second["call_id"])).status_code == 201
    done = await client.post(f"/qa/queue/{second['id']}/release", headers=qa)
    assert done.status_code == 409 and "is done" in detail(done)
