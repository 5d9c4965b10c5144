"""Recordings through the API: the QA search and its scope, playback with seeking, download,
expiring links, ZIP export and deletion, each access in the audit log."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from dialer.auth.models import Role
from dialer.call_recordings import sharing
from recordings.links import sign_link
from tests.api.conftest import detail
from tests.api.recordings_world import seed


@pytest.fixture
async def recorded(app, two_clients, tmp_path):
    return await seed(app, two_clients, tmp_path / "wav")


async def found(client, headers, **params):
    response = await client.get("/recordings", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def labels(recorded, page):
    return recorded.labels([item["call_id"] for item in page["items"]])


FILTERS = {
    "nothing": (lambda r: {}, {"a1", "a2", "a3", "b1"}),
    "campaign": (lambda r: {"campaign_id": r.worlds[0].campaign_id}, {"a1", "a2", "a3"}),
    "client": (lambda r: {"client_id": r.worlds[1].client_id}, {"b1"}),
    "operator": (lambda r: {"operator_id": r.operators["Anna"]}, {"a1", "a3"}),
    "dates": (lambda r: {"since": "2026-11-21T00:00:00Z", "until": "2026-11-22T00:00:00Z"}, {"a2", "b1"}),
    "disposition": (lambda r: {"disposition": "sale"}, {"a1", "a3"}),
    "duration": (lambda r: {"min_seconds": 4, "max_seconds": 8}, {"a2", "a3"}),
    "duration, a started second counting": (lambda r: {"min_seconds": 12}, {"b1"}),  # 11.98 s
    "phone as written": (lambda r: {"phone": "8 (495) 150-33-33"}, {"a2"}),
    "phone in E.164": (lambda r: {"phone": "+74951505555"}, {"b1"}),
    "call id": (lambda r: {"call_id": r.ids["a1"]}, {"a1"}),
}


@pytest.mark.parametrize("name", list(FILTERS))
async def test_each_search_filter_finds_exactly_its_recordings(client, admin, recorded, name):
    params, expected = FILTERS[name]
    page = await found(client, admin, **params(recorded))
    assert set(labels(recorded, page)) == expected
    assert page["total"] == len(expected)


async def test_search_rows_carry_the_call_and_links_to_hear_it(client, admin, recorded):
    page = await found(client, admin, call_id=recorded.ids["a2"])
    (row,) = page["items"]
    assert row["call_uid"] == "uid-a2"
    assert row["operator"] == "Boris"
    assert row["campaign"] == "Romashka autumn"
    assert row["talk_seconds"] == 5.0
    assert row["billable_seconds"] == 5
    assert row["disposition"] == "callback"
    assert row["recording_bytes"] == len(recorded.audio["a2"])
    assert row["audio_url"].endswith(f"/recordings/{recorded.ids['a2']}/audio")
    assert row["download_url"].endswith("/audio?download=1")


async def test_search_sorts_and_pages(client, admin, recorded):
    by_length = await found(client, admin, sort="duration", order="asc")
    assert labels(recorded, by_length) == ["a1", "a2", "a3", "b1"]
    newest = await found(client, admin)
    assert labels(recorded, newest) == ["a3", "a2", "b1", "a1"]
    page = await found(client, admin, sort="started_at", order="asc", limit=2, offset=1)
    assert labels(recorded, page) == ["b1", "a2"]
    assert page["total"] == 4


async def test_a_controller_finds_and_hears_only_its_clients_recordings(client, login, recorded):
    home, other = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    assert set(labels(recorded, await found(client, controller))) == {"a1", "a2", "a3"}
    assert (await found(client, controller, client_id=other.client_id))["total"] == 0
    assert (await found(client, controller, call_id=recorded.ids["b1"]))["total"] == 0
    foreign = recorded.ids["b1"]
    assert (await client.get(f"/recordings/{foreign}/audio", headers=controller)).status_code == 404
    assert (await client.post(f"/recordings/{foreign}/link", headers=controller)).status_code == 404
    own = await client.get(f"/recordings/{recorded.ids['a1']}/audio", headers=controller)
    assert own.status_code == 200
    assert own.content == recorded.audio["a1"]


async def test_an_operator_may_not_search_recordings(client, login, recorded):
    operator = await login(Role.OPERATOR)
    assert (await client.get("/recordings", headers=operator)).status_code == 403


async def test_playback_serves_byte_ranges_for_seeking(client, login, recorded):
    qa = await login(Role.QA)
    url = f"/recordings/{recorded.ids['b1']}/audio"
    audio = recorded.audio["b1"]
    size = len(audio)

    whole = await client.get(url, headers=qa)
    assert whole.status_code == 200
    assert whole.content == audio
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["content-length"] == str(size)
    assert "content-disposition" not in whole.headers

    cases = {"bytes=0-99": (0, 99), "bytes=1000-1999": (1000, 1999), "bytes=-500": (size - 500, size - 1)}
    cases["bytes=44-"] = (44, size - 1)
    for header, (first, last) in cases.items():
        part = await client.get(url, headers={**qa, "Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.content == audio[first : last + 1]

    past = await client.get(url, headers={**qa, "Range": f"bytes={size}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"


async def test_download_asks_the_browser_to_save_the_file(client, login, recorded):
    qa = await login(Role.QA)
    call_id = recorded.ids["a1"]
    response = await client.get(f"/recordings/{call_id}/audio", params={"download": 1}, headers=qa)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="call-{call_id}.wav"'
    assert response.content == recorded.audio["a1"]


async def test_a_recording_whose_file_is_missing_answers_404_saying_so(client, admin, recorded):
    await recorded.store.delete(recorded.keys["a3"])
    response = await client.get(f"/recordings/{recorded.ids['a3']}/audio", headers=admin)
    assert response.status_code == 404
    assert "missing from storage" in detail(response)
    assert (await found(client, admin, call_id=recorded.ids["a3"]))["items"][0]["recording_bytes"] is None


async def test_a_call_without_a_recording_is_not_found(client, admin, recorded):
    response = await client.get(f"/recordings/{recorded.ids['a4']}/audio", headers=admin)
    assert response.status_code == 404


async def test_a_link_plays_without_signing_in_until_it_expires_and_only_for_its_client(
    app, client, login, recorded
):
    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    made = await client.post(
        f"/recordings/{recorded.ids['a2']}/link", json={"expires_in_s": 3600}, headers=controller
    )
    assert made.status_code == 201, made.text
    link = made.json()
    expires = datetime.fromisoformat(link["expires_at"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)

    heard = await client.get(link["url"])
    assert heard.status_code == 200
    assert heard.content == recorded.audio["a2"]
    part = await client.get(link["url"], headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part.content == recorded.audio["a2"][:10]

    secret = app.state.recording_link_secret
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = sharing.make_link(secret, recorded.keys["a2"], home.client_id, past, timedelta(hours=1))
    response = await client.get(f"/recordings/shared/{expired.token}")
    assert response.status_code == 404
    assert "expired" in detail(response)

    later = datetime.now(UTC) + timedelta(hours=1)
    borrowed = sign_link(secret, recorded.keys["b1"], str(home.client_id), later)
    assert (await client.get(f"/recordings/shared/{borrowed}")).status_code == 404
    forged = link["token"][:-2] + ("AA" if not link["token"].endswith("AA") else "BB")
    assert (await client.get(f"/recordings/shared/{forged}")).status_code == 404

    too_long = await client.post(
        f"/recordings/{recorded.ids['a2']}/link", json={"expires_in_s": 8 * 86400}, headers=controller
    )
    assert too_long.status_code == 422


def unzip(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    return archive, manifest


async def test_export_zips_the_selection_with_a_manifest_that_matches_it(client, login, recorded):
    qa = await login(Role.QA)
    response = await client.post(
        "/recordings/export", json={"filters": {"client_id": recorded.worlds[0].client_id}}, headers=qa
    )
    archive, manifest = unzip(response)
    assert response.headers["x-export-files"] == "3"
    assert "attachment" in response.headers["content-disposition"]
    assert sorted(recorded.labels([int(row["call_id"]) for row in manifest])) == ["a1", "a2", "a3"]
    assert sorted(archive.namelist()) == sorted([row["file_name"] for row in manifest] + ["manifest.csv"])
    for row in manifest:
        (label,) = recorded.labels([int(row["call_id"])])
        assert archive.read(row["file_name"]) == recorded.audio[label]
        assert row["status"] == "ok"
        assert row["contact"].startswith("+7495150")
        assert row["operator"] in {"Anna", "Boris"}
        assert datetime.fromisoformat(row["time"]).tzinfo is not None
    by_call = {int(row["call_id"]): row for row in manifest}
    assert by_call[recorded.ids["a2"]]["disposition"] == "callback"
    assert float(by_call[recorded.ids["a2"]]["duration_s"]) == 5.0


async def test_export_by_call_ids_keeps_to_the_callers_scope_and_the_cap(client, login, recorded):
    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    wanted = [recorded.ids["a1"], recorded.ids["b1"], recorded.ids["a4"]]
    response = await client.post("/recordings/export", json={"call_ids": wanted}, headers=controller)
    _, manifest = unzip(response)
    assert recorded.labels([int(row["call_id"]) for row in manifest]) == ["a1"]

    capped = await client.post("/recordings/export", json={"filters": {}, "max_files": 2}, headers=controller)
    assert capped.status_code == 422
    assert "more than 2" in detail(capped)
    nothing = await client.post("/recordings/export", json={}, headers=controller)
    assert nothing.status_code == 422


async def test_deleting_a_recording_removes_the_file_and_is_audited_with_the_reason(
    client, admin, login, recorded
):
    call_id = recorded.ids["a1"]
    supervisor = await login(Role.SUPERVISOR)
    refused = await client.delete(
        f"/recordings/{call_id}", params={"reason": "client asked"}, headers=supervisor
    )
    assert refused.status_code == 403

    response = await client.delete(f"/recordings/{call_id}", params={"reason": "client asked"}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == {"call_id": call_id, "file_removed": True}
    assert not await recorded.store.exists(recorded.keys["a1"])
    assert (await found(client, admin, call_id=call_id))["total"] == 0
    assert (await client.get(f"/calls/{call_id}", headers=admin)).json()["recording_key"] is None
    again = await client.delete(f"/recordings/{call_id}", params={"reason": "again"}, headers=admin)
    assert again.status_code == 404

    events = (await client.get("/audit", params={"action": "delete"}, headers=admin)).json()["items"]
    assert [(e["object_id"], e["detail"]["reason"], e["detail"]["key"]) for e in events] == [
        (str(call_id), "client asked", recorded.keys["a1"])
    ]


async def test_every_access_is_in_the_audit_log_with_who_what_and_from_where(client, admin, login, recorded):
    home, _ = recorded.worlds
    qa = {
        **(await login(Role.QA, username="quality")),
        "X-Forwarded-For": "203.0.113.7",
        "User-Agent": "qa-ui",
    }
    me = (await client.get("/auth/me", headers=qa)).json()
    actor = me["actor"]
    a1, a2 = recorded.ids["a1"], recorded.ids["a2"]

    await client.get(f"/recordings/{a1}/audio", headers={**qa, "Range": "bytes=0-99"})
    await client.get(f"/recordings/{a1}/audio", params={"download": 1}, headers=qa)
    await client.post("/recordings/export", json={"call_ids": [a1, a2]}, headers=qa)
    link = (await client.post(f"/recordings/{a2}/link", headers=qa)).json()
    await client.get(link["url"], headers={"X-Forwarded-For": "198.51.100.9"})
    await client.get("/recordings", params={"disposition": "sale"}, headers=qa)

    page = (await client.get("/audit", params={"actor": actor}, headers=admin)).json()
    events = {e["action"]: e for e in page["items"]}
    assert set(events) == {"listen", "download", "export", "link", "search"}
    for event in events.values():
        assert event["role"] == "qa"
        assert event["remote_addr"] == "127.0.0.1"
        assert event["forwarded_for"] == "203.0.113.7"
        assert event["user_agent"] == "qa-ui"
    assert events["listen"]["object_id"] == str(a1)
    assert events["listen"]["client_id"] == home.client_id
    assert events["listen"]["detail"] == {"range": "0-99", "bytes": 100}
    assert events["download"]["detail"]["bytes"] == len(recorded.audio["a1"])
    assert sorted(events["export"]["detail"]["call_ids"]) == sorted([a1, a2])
    assert events["search"]["detail"]["filter"] == {"disposition": "sale"}

    (used,) = (await client.get("/audit", params={"action": "link_access"}, headers=admin)).json()["items"]
    assert used["actor"] == events["link"]["detail"]["link"]
    assert used["actor"].startswith("link:")
    assert used["object_id"] == str(a2)
    assert used["forwarded_for"] == "198.51.100.9"

    supervisor = await login(Role.SUPERVISOR)
    assert (await client.get("/audit", headers=supervisor)).json()["total"] == page["total"] + 1
    assert (await client.get("/audit", headers=qa)).status_code == 403
