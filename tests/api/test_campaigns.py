"""Campaigns: defaults, validation of every setting, disposition codes, and the state machine."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialer.campaigns.models import Campaign
from dialer.compliance.calling_windows import is_within_calling_hours


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


async def test_a_new_campaign_is_a_draft_with_documented_defaults(create):
    response = await create()
    assert response.status_code == 201
    campaign = response.json()
    assert campaign["state"] == "draft"
    assert campaign["abandon_cap"] == "0.03"
    assert campaign["max_attempts"] == 3
    assert campaign["dialing_mode"] == "progressive"
    assert campaign["default_country"] == "RU"
    assert campaign["retry_delays"] == {
        "busy": 900,
        "no_answer": 10800,
        "machine": 14400,
        "abandoned": 3600,
        "failed": 14400,
    }
    assert campaign["calling_hours"]["mon"] == [["09:00", "21:00"]]
    assert campaign["calling_hours"]["sun"] == [["10:00", "18:00"]]
    codes = {d["code"]: d for d in campaign["dispositions"]}
    assert set(codes) == {
        "sale",
        "hot_lead",
        "not_interested",
        "callback",
        "try_later",
        "wrong_number",
        "do_not_call",
    }
    assert codes["sale"]["hot_lead"] and codes["sale"]["kind"] == "final"
    assert codes["do_not_call"]["adds_to_dnc"]
    assert codes["callback"]["kind"] == "callback"
    assert campaign["compliance_profile"] == "custom"
    assert campaign["advertising"] is True
    assert campaign["ring_timeout_s"] == 20
    assert campaign["connect_limit_ms"] == 2000
    assert campaign["wrap_up_s"] == 10
    assert campaign["operator_connection"] == "nailed_up"


async def test_every_setting_given_is_kept(create):
    body = {
        "brief": {
            "product": "Home internet 500 Mbit/s",
            "audience": "Flats in Kazan",
            "expected_result": "Visit",
        },
        "script": "Здравствуйте, {name}!",
        "dialing_mode": "predictive",
        "caller_id": "+74951502222",
        "default_country": "KZ",
        "calling_hours": {
            "mon": [["09:00", "13:00"], ["14:00", "20:00"]],
            "fri": [["18:00", "02:00"]],
            "sat": [],
            "sun": [],
        },
        "abandon_cap": "0.025",
        "max_attempts": 5,
        "retry_delays": {"busy": 120, "no_answer": [900, 3600, 14400]},
        "dispositions": [
            {"code": "sale", "label": "Sale", "kind": "final", "hot_lead": True, "counts_as_processed": True},
            {"code": "later", "label": "Later", "kind": "retry"},
        ],
    }
    campaign = (await create(**body)).json()
    assert campaign["brief"]["product"] == "Home internet 500 Mbit/s"
    assert campaign["script"] == "Здравствуйте, {name}!"
    assert campaign["dialing_mode"] == "predictive"
    assert campaign["default_country"] == "KZ"
    assert campaign["calling_hours"]["mon"] == [["09:00", "13:00"], ["14:00", "20:00"]]
    assert campaign["calling_hours"]["fri"] == [["18:00", "02:00"]]
    assert campaign["calling_hours"]["sat"] == []
    assert campaign["calling_hours"]["tue"] == [["09:00", "21:00"]]
    assert campaign["abandon_cap"] == "0.025"
    assert campaign["retry_delays"]["busy"] == 120
    assert campaign["retry_delays"]["no_answer"] == [900, 3600, 14400]
    assert campaign["retry_delays"]["machine"] == 14400
    assert [d["code"] for d in campaign["dispositions"]] == ["sale", "later"]


async def test_dialing_rules_of_the_engine_are_set_through_the_api(client, admin, create):
    body = {
        "compliance_profile": "uk",
        "advertising": False,
        "ring_timeout_s": 25,
        "connect_limit_ms": 1500,
        "wrap_up_s": 30,
        "operator_connection": "ringing",
    }
    campaign = (await create(**body)).json()
    assert {key: campaign[key] for key in body} == body
    changed = await client.patch(
        f"/campaigns/{campaign['id']}", json={"compliance_profile": "ru", "wrap_up_s": 0}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["compliance_profile"] == "ru"
    assert changed.json()["wrap_up_s"] == 0
    assert changed.json()["ring_timeout_s"] == 25


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"abandon_cap": "0"}, ["body", "abandon_cap"], "greater than 0"),
        ({"abandon_cap": "1.5"}, ["body", "abandon_cap"], "less than or equal to 1"),
        ({"max_attempts": 0}, ["body", "max_attempts"], "greater than or equal to 1"),
        (
            {"retry_delays": {"busy": -5}},
            ["body", "retry_delays", "busy"],
            "-5 is not a delay from 0 to 2592000",
        ),
        ({"retry_delays": {"fax": 60}}, ["body", "retry_delays", "fax"], "Extra inputs"),
        (
            {"calling_hours": {"mon": [["9:00", "21:00"]]}},
            ["body", "calling_hours", "mon", 0],
            "not a time HH:MM",
        ),
        (
            {"calling_hours": {"mon": [["09:00", "25:00"]]}},
            ["body", "calling_hours", "mon", 0],
            "not a time HH:MM",
        ),
        ({"calling_hours": {"mon": [["09:00", "09:00"]]}}, ["body", "calling_hours", "mon", 0], "is empty"),
        ({"calling_hours": {"mon": [["09:00"]]}}, ["body", "calling_hours", "mon", 0], "at least 2 items"),
        (
            {"calling_hours": {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            ["body", "calling_hours"],
            "windows mon 09:00-13:00 and mon 12:00-18:00 overlap",
        ),
        (
            {"calling_hours": {"mon": [["22:00", "03:00"]], "tue": [["02:00", "09:00"]]}},
            ["body", "calling_hours"],
            "windows mon 22:00-03:00 and tue 02:00-09:00 overlap",
        ),
        (
            {"calling_hours": {"sun": [["22:00", "03:00"]], "mon": [["02:00", "09:00"]]}},
            ["body", "calling_hours"],
            "overlap",
        ),
        (
            {"retry_delays": {"busy": []}},
            ["body", "retry_delays", "busy"],
            "a list of 1 to 50 delays",
        ),
        ({"calling_hours": {"monday": []}}, ["body", "calling_hours", "monday"], "Extra inputs"),
        ({"dialing_mode": "turbo"}, ["body", "dialing_mode"], "preview"),
        ({"caller_id": "call me"}, ["body", "caller_id"], "pattern"),
        ({"default_country": "XX"}, ["body", "default_country"], "not an ISO 3166"),
        ({"compliance_profile": "mars"}, ["body", "compliance_profile"], "unknown compliance profile 'mars'"),
        ({"ring_timeout_s": 10}, ["body", "ring_timeout_s"], "greater than or equal to 15"),
        ({"connect_limit_ms": 50}, ["body", "connect_limit_ms"], "greater than or equal to 100"),
        ({"operator_connection": "telepathy"}, ["body", "operator_connection"], "nailed_up"),
    ],
)
async def test_bad_settings_are_refused_saying_what_and_where(create, fields, where, message):
    response = await create(**fields)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == where
    assert message in error["msg"]


@pytest.mark.parametrize(
    ("dispositions", "message"),
    [
        (
            [{"code": "a", "label": "A", "kind": "final"}, {"code": "a", "label": "B", "kind": "retry"}],
            "disposition code 'a' appears more than once",
        ),
        ([{"code": "a", "label": "A", "kind": "maybe"}], "'final', 'retry' or 'callback'"),
        ([{"code": "later", "label": "Later", "kind": "retry"}], "at least one disposition must be final"),
        (
            [{"code": "dnc", "label": "DNC", "kind": "callback", "adds_to_dnc": True}],
            "a code that adds to do-not-call must be final",
        ),
        ([{"code": "Sale!", "label": "A", "kind": "final"}], "pattern"),
    ],
)
async def test_disposition_codes_are_validated(create, dispositions, message):
    response = await create(dispositions=dispositions)
    assert response.status_code == 422
    assert message in response.json()["detail"][0]["msg"]


async def test_replacing_dispositions_keeps_the_ids_of_codes_that_stay(client, admin, create):
    campaign = (await create()).json()
    sale_id = next(d["id"] for d in campaign["dispositions"] if d["code"] == "sale")
    wanted = [
        {"code": "sale", "label": "Продажа", "kind": "final", "hot_lead": True},
        {"code": "meeting", "label": "Встреча", "kind": "final", "counts_as_processed": True},
    ]
    response = await client.patch(
        f"/campaigns/{campaign['id']}", json={"dispositions": wanted}, headers=admin
    )
    assert response.status_code == 200
    after = {d["code"]: d for d in response.json()["dispositions"]}
    assert set(after) == {"sale", "meeting"}
    assert after["sale"]["id"] == sale_id
    assert after["sale"]["label"] == "Продажа"


async def test_settings_change_but_required_ones_are_not_emptied(client, admin, create):
    campaign = (await create(caller_id="+74950000000")).json()
    path = f"/campaigns/{campaign['id']}"
    response = await client.patch(path, json={"max_attempts": 7, "caller_id": None}, headers=admin)
    assert response.json()["max_attempts"] == 7
    assert response.json()["caller_id"] is None
    response = await client.patch(path, json={"name": None}, headers=admin)
    assert response.status_code == 422
    assert response.json() == {"detail": "name: may be changed but not emptied"}


async def test_a_campaign_needs_a_contract_that_exists(client, admin):
    response = await client.post("/campaigns", json={"contract_id": 42, "name": "x"}, headers=admin)
    assert response.status_code == 422
    assert response.json() == {"detail": "contract_id: contract 42 does not exist"}


ALLOWED = [
    ([], "start", "running"),
    (["start"], "pause", "paused"),
    (["start", "pause"], "resume", "running"),
    (["start"], "stop", "finished"),
    (["start", "pause"], "stop", "finished"),
]


@pytest.mark.parametrize(("before", "command", "after"), ALLOWED)
async def test_allowed_transitions(client, admin, create, before, command, after):
    campaign_id = (await create()).json()["id"]
    for step in before:
        assert (await client.post(f"/campaigns/{campaign_id}/{step}", headers=admin)).status_code == 200
    response = await client.post(f"/campaigns/{campaign_id}/{command}", headers=admin)
    assert response.status_code == 200
    assert response.json()["state"] == after


REFUSED = [
    ([], "pause", "cannot pause a draft campaign (needs running); from draft you may start"),
    ([], "resume", "cannot resume a draft campaign (needs paused); from draft you may start"),
    ([], "stop", "cannot stop a draft campaign (needs paused or running); from draft you may start"),
    (["start"], "start", "cannot start a running campaign (needs draft); from running you may pause or stop"),
    (
        ["start"],
        "resume",
        "cannot resume a running campaign (needs paused); from running you may pause or stop",
    ),
    (
        ["start", "pause"],
        "start",
        "cannot start a paused campaign (needs draft); from paused you may resume or stop",
    ),
    (
        ["start", "pause"],
        "pause",
        "cannot pause a paused campaign (needs running); from paused you may resume or stop",
    ),
    (["start", "stop"], "start", "cannot start a finished campaign (needs draft); it is over"),
    (["start", "stop"], "pause", "cannot pause a finished campaign (needs running); it is over"),
    (["start", "stop"], "resume", "cannot resume a finished campaign (needs paused); it is over"),
    (["start", "stop"], "stop", "cannot stop a finished campaign (needs paused or running); it is over"),
]


@pytest.mark.parametrize(("before", "command", "message"), REFUSED)
async def test_refused_transitions_answer_409_and_change_nothing(
    client, admin, create, before, command, message
):
    campaign_id = (await create()).json()["id"]
    for step in before:
        assert (await client.post(f"/campaigns/{campaign_id}/{step}", headers=admin)).status_code == 200
    state_before = (await client.get(f"/campaigns/{campaign_id}", headers=admin)).json()["state"]
    response = await client.post(f"/campaigns/{campaign_id}/{command}", headers=admin)
    assert response.status_code == 409
    assert response.json() == {"detail": f"campaign {campaign_id}: {message}"}
    assert (await client.get(f"/campaigns/{campaign_id}", headers=admin)).json()["state"] == state_before


async def test_start_and_stop_times_are_recorded_in_utc(client, admin, create):
    campaign_id = (await create()).json()["id"]
    started = (await client.post(f"/campaigns/{campaign_id}/start", headers=admin)).json()
    assert started["finished_at"] is None
    started_at = datetime.fromisoformat(started["started_at"])
    assert started_at.utcoffset().total_seconds() == 0
    await client.post(f"/campaigns/{campaign_id}/pause", headers=admin)
    resumed = (await client.post(f"/campaigns/{campaign_id}/resume", headers=admin)).json()
    assert resumed["started_at"] == started["started_at"]
    finished = (await client.post(f"/campaigns/{campaign_id}/stop", headers=admin)).json()
    assert datetime.fromisoformat(finished["finished_at"]) >= started_at


async def test_a_finished_campaign_cannot_be_changed_and_only_a_draft_deleted(client, admin, create):
    campaign_id = (await create()).json()["id"]
    await client.post(f"/campaigns/{campaign_id}/start", headers=admin)
    response = await client.delete(f"/campaigns/{campaign_id}", headers=admin)
    assert response.status_code == 409
    await client.post(f"/campaigns/{campaign_id}/stop", headers=admin)
    response = await client.patch(f"/campaigns/{campaign_id}", json={"name": "x"}, headers=admin)
    assert response.status_code == 409
    assert response.json() == {"detail": f"campaign {campaign_id} is finished and can no longer be changed"}


async def test_campaigns_are_listed_by_state_and_paged(client, admin, create):
    ids = [(await create(name=f"c{i}")).json()["id"] for i in range(3)]
    await client.post(f"/campaigns/{ids[1]}/start", headers=admin)
    running = (await client.get("/campaigns?state=running", headers=admin)).json()
    assert [c["id"] for c in running["items"]] == [ids[1]]
    page = (await client.get("/campaigns?limit=2&offset=2", headers=admin)).json()
    assert page["total"] == 3 and [c["id"] for c in page["items"]] == [ids[2]]


async def test_a_whole_day_window_is_valid_every_day_and_opens_at_any_hour(app, create):
    whole_week = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    response = await create(calling_hours=whole_week)
    assert response.status_code == 201, response.text
    async with app.state.sessions() as session:
        stored = (await session.get(Campaign, response.json()["id"])).calling_hours
    assert stored == whole_week
    tokyo = ZoneInfo("Asia/Tokyo")
    for hour in range(0, 24 * 7, 5):
        moment = datetime(2026, 11, 23, tzinfo=tokyo) + timedelta(hours=hour, minutes=59)
        assert is_within_calling_hours(stored, "Asia/Tokyo", moment)


async def test_stored_calling_hours_are_what_the_compliance_rules_read(app, create):
    hours = {"mon": [["09:00", "13:00"], ["14:00", "24:00"]], "fri": [["22:00", "02:00"]], "sun": []}
    campaign_id = (await create(calling_hours=hours)).json()["id"]
    async with app.state.sessions() as session:
        stored = (await session.get(Campaign, campaign_id)).calling_hours
    moscow = ZoneInfo("Europe/Moscow")

    def open_at(*args):
        return is_within_calling_hours(stored, "Europe/Moscow", datetime(*args, tzinfo=moscow))

    assert not open_at(2026, 11, 23, 8, 59)  # a Monday
    assert open_at(2026, 11, 23, 9, 0)
    assert not open_at(2026, 11, 23, 13, 30)
    assert open_at(2026, 11, 23, 23, 59)
    assert open_at(2026, 11, 28, 1, 30)  # Friday's window runs into Saturday night
    assert not open_at(2026, 11, 29, 12, 0)  # no calls on Sunday
