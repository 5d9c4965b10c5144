"""The survey routes: define, replace and read a campaign's survey; list and export its answers;
and the start of a survey campaign (needs its survey; refused under the ``ru`` profile)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from dialer.auth.models import Role
from dialer.calls import service as calls
from dialer.campaigns.models import RecordingPolicy
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.demo.data import add_contacts
from dialer.surveys.models import ResponseOutcome
from dialer.surveys.service import ReportedAnswer, record_response
from tests.api.conftest import detail, make_client_world

SURVEY: dict[str, Any] = {
    "intro": "survey/hello",
    "goodbye": "survey/thanks",
    "questions": [
        {
            "key": "satisfied",
            "prompt": "survey/q-satisfied",
            "choices": [{"digit": "1", "meaning": "yes"}, {"digit": "2", "meaning": "no"}],
            "timeout_s": 4,
            "attempts": 3,
        },
        {
            "key": "talk",
            "prompt": "survey/press-1",
            "choices": [
                {"digit": "1", "meaning": "talk to an operator"},
                {"digit": "9", "meaning": "no thanks"},
            ],
            "transfer_digit": "1",
        },
    ],
}
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def test_a_survey_is_put_read_and_replaced(client, admin, two_clients):
    url = f"/campaigns/{two_clients[0].campaign_id}/survey"
    assert (await client.get(url, headers=admin)).status_code == 404
    created = await client.put(url, json=SURVEY, headers=admin)
    assert created.status_code == 200, created.text
    body = created.json()
    assert [q["key"] for q in body["questions"]] == ["satisfied", "talk"]
    assert body["questions"][0]["timeout_s"] == 4 and body["questions"][0]["attempts"] == 3
    assert body["questions"][1]["transfer_digit"] == "1"
    assert body["questions"][1]["attempts"] == 2 and body["questions"][1]["timeout_s"] == 5
    assert (await client.get(url, headers=admin)).json() == body

    shorter = {"questions": [SURVEY["questions"][1]]}
    replaced = await client.put(url, json=shorter, headers=admin)
    assert replaced.status_code == 200, replaced.text
    assert [q["key"] for q in replaced.json()["questions"]] == ["talk"]
    assert replaced.json()["intro"] == ""


async def test_a_bad_survey_is_refused_saying_where(client, admin, two_clients):
    url = f"/campaigns/{two_clients[0].campaign_id}/survey"
    bad = {"questions": [{**SURVEY["questions"][1], "transfer_digit": "5"}]}
    response = await client.put(url, json=bad, headers=admin)
    assert response.status_code == 422
    [error] = detail(response)
    assert error["loc"] == ["body", "questions", 0] and "transfer_digit '5'" in error["msg"]
    bad_prompt = {"questions": [{**SURVEY["questions"][0], "prompt": "/var/lib/asterisk/sounds/q"}]}
    response = await client.put(url, json=bad_prompt, headers=admin)
    assert response.status_code == 422
    assert [e["loc"] for e in detail(response)] == [["body", "questions", 0, "prompt"]]


async def test_another_clients_controller_sees_neither_survey_nor_answers(client, admin, login, two_clients):
    mine, theirs = two_clients
    await client.put(f"/campaigns/{theirs.campaign_id}/survey", json=SURVEY, headers=admin)
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    assert (
        await client.get(f"/campaigns/{theirs.campaign_id}/survey", headers=controller)
    ).status_code == 404
    answers = await client.get(f"/campaigns/{theirs.campaign_id}/survey/answers", headers=controller)
    assert answers.status_code == 404


async def _surveyed_calls(app, campaign_id: int) -> dict[str, int]:
    """Three surveyed calls: completed, hung up after one answer, and a "press 1" transfer."""
    phones = ["+74951110001", "+74951110002", "+74951110003"]
    reports = [
        (ResponseOutcome.COMPLETED, [ReportedAnswer("satisfied", "1", 1), ReportedAnswer("talk", "9", 2)]),
        (ResponseOutcome.HUNG_UP, [ReportedAnswer("satisfied", None, 3)]),
        (ResponseOutcome.TRANSFER, [ReportedAnswer("satisfied", "2", 1), ReportedAnswer("talk", "1", 1)]),
    ]
    async with unit_of_work(app.state.sessions) as session:
        await add_contacts(session, campaign_id, phones)
        contacts = {
            c.phone: c.id
            for c in await session.scalars(select(Contact).where(Contact.campaign_id == campaign_id))
        }
        for i, (phone, (outcome, answers)) in enumerate(zip(phones, reports, strict=True)):
            uid = f"call-{i}"
            at = T0 + timedelta(minutes=i)
            await calls.create_call(
                session,
                campaign_id=campaign_id,
                contact_id=contacts[phone],
                phone=phone,
                attempt=1,
                call_uid=uid,
                trunk="trunk",
                pbx="pbx",
                placed_at=at,
                recording_policy=RecordingPolicy.CONNECTED,
            )
            await record_response(session, uid, outcome, answers, at + timedelta(seconds=30))
            again = await record_response(session, uid, outcome, [], at + timedelta(seconds=40))
            assert again is not None and again.answered == sum(1 for a in answers if a.digits)
    return contacts


async def test_answers_are_listed_per_call_and_contact_with_their_meanings(app, client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    await client.put(f"/campaigns/{campaign_id}/survey", json=SURVEY, headers=admin)
    contacts = await _surveyed_calls(app, campaign_id)
    url = f"/campaigns/{campaign_id}/survey/answers"

    page = (await client.get(url, headers=admin)).json()
    assert page["total"] == 3
    first, partial, transfer = page["items"]
    assert first["contact_id"] == contacts["+74951110001"] and first["phone"] == "+74951110001"
    assert first["outcome"] == "completed" and first["complete"] is True
    assert [(a["question"], a["digits"], a["meaning"]) for a in first["answers"]] == [
        ("satisfied", "1", "yes"),
        ("talk", "9", "no thanks"),
    ]
    assert first["answers"][1]["attempts"] == 2
    assert first["finished_at"] == "2026-11-27T09:00:30Z"
    assert partial["outcome"] == "hung_up" and partial["complete"] is False
    assert [(a["digits"], a["meaning"], a["attempts"]) for a in partial["answers"]] == [(None, None, 3)]
    assert transfer["outcome"] == "transfer"
    assert transfer["answers"][1]["meaning"] == "talk to an operator"

    only_partial = (await client.get(url, params={"outcome": "hung_up"}, headers=admin)).json()
    assert [r["phone"] for r in only_partial["items"]] == ["+74951110002"]
    one_contact = (
        await client.get(url, params={"contact_id": contacts["+74951110003"]}, headers=admin)
    ).json()
    assert [r["outcome"] for r in one_contact["items"]] == ["transfer"]
    second_page = (await client.get(url, params={"limit": 1, "offset": 1}, headers=admin)).json()
    assert second_page["total"] == 3 and [r["phone"] for r in second_page["items"]] == ["+74951110002"]


async def test_answers_export_as_csv_one_line_per_answer(app, client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    await client.put(f"/campaigns/{campaign_id}/survey", json=SURVEY, headers=admin)
    await _surveyed_calls(app, campaign_id)
    response = await client.get(
        f"/campaigns/{campaign_id}/survey/answers", params={"format": "csv"}, headers=admin
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["phone"], r["question"], r["digits"], r["meaning"], r["complete"]) for r in rows] == [
        ("+74951110001", "satisfied", "1", "yes", "yes"),
        ("+74951110001", "talk", "9", "no thanks", "yes"),
        ("+74951110002", "satisfied", "", "", "no"),
        ("+74951110003", "satisfied", "2", "no", "no"),
        ("+74951110003", "talk", "1", "talk to an operator", "no"),
    ]


@pytest.mark.parametrize("command", ["start"])
async def test_a_survey_campaign_starts_only_with_its_survey(client, admin, command):
    world = await make_client_world(client, admin, "Oprosy")
    url = f"/campaigns/{world.campaign_id}"
    changed = await client.patch(
        url, json={"dialing_mode": "survey", "compliance_profile": "us"}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    refused = await client.post(f"{url}/{command}", headers=admin)
    assert refused.status_code == 409 and "PUT /campaigns" in str(detail(refused))
    await client.put(f"{url}/survey", json=SURVEY, headers=admin)
    started = await client.post(f"{url}/{command}", headers=admin)
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "running"


async def test_the_russian_profile_refuses_the_survey_mode_at_start_and_resume(client, admin):
    world = await make_client_world(client, admin, "Rossiya")
    url = f"/campaigns/{world.campaign_id}"
    await client.put(f"{url}/survey", json=SURVEY, headers=admin)
    await client.patch(url, json={"compliance_profile": "ru"}, headers=admin)
    assert (await client.post(f"{url}/start", headers=admin)).status_code == 200
    assert (await client.post(f"{url}/pause", headers=admin)).status_code == 200
    await client.patch(url, json={"dialing_mode": "survey"}, headers=admin)
    refused = await client.post(f"{url}/resume", headers=admin)
    assert refused.status_code == 409
    assert "'ru'" in detail(refused) and "without operators" in detail(refused)


async def test_a_finished_campaigns_survey_no_longer_changes(client, admin, two_clients):
    url = f"/campaigns/{two_clients[0].campaign_id}"
    await client.post(f"{url}/start", headers=admin)
    await client.post(f"{url}/stop", headers=admin)
    response = await client.put(f"{url}/survey", json=SURVEY, headers=admin)
    assert response.status_code == 409 and "finished" in detail(response)


async def test_a_running_campaign_cannot_switch_to_a_survey_it_cannot_run(client, admin):
    world = await make_client_world(client, admin, "Na hodu")
    url = f"/campaigns/{world.campaign_id}"
    await client.patch(url, json={"compliance_profile": "us"}, headers=admin)
    assert (await client.post(f"{url}/start", headers=admin)).status_code == 200
    refused = await client.patch(url, json={"dialing_mode": "survey"}, headers=admin)
    assert refused.status_code == 409 and "PUT /campaigns" in detail(refused)
    assert (await client.get(url, headers=admin)).json()["dialing_mode"] == "progressive"
    await client.put(f"{url}/survey", json=SURVEY, headers=admin)
    switched = await client.patch(url, json={"dialing_mode": "survey"}, headers=admin)
    assert switched.status_code == 200 and switched.json()["dialing_mode"] == "survey"
    to_ru = await client.patch(url, json={"compliance_profile": "ru"}, headers=admin)
    assert to_ru.status_code == 409 and "'ru'" in detail(to_ru)
