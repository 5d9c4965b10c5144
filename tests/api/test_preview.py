"""Preview click-to-call through the API: a ready operator is offered the next eligible contact of
their running preview campaign (callbacks first, do-not-call and other operators' callbacks left
alone) with the script, holds it until they dial or skip it, and a click becomes a dial request in
the database for the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.preview.models import PreviewRequest, PreviewStatus
from tests.api.conftest import detail
from tests.api.test_calls import shift  # noqa: F401 (fixture)

ALL_DAY = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
async def preview(app, client, admin, two_clients, shift):  # noqa: F811
    """Olga logged in and ready on the first client's running preview campaign."""
    campaign_id = two_clients[0].campaign_id
    settings = {"dialing_mode": "preview", "calling_hours": ALL_DAY, "script": "Say hello to {name}."}
    assert (await client.patch(f"/campaigns/{campaign_id}", json=settings, headers=admin)).status_code == 200
    assert (await client.post(f"/campaigns/{campaign_id}/start", headers=admin)).status_code == 200
    base = f"/operators/{shift['olga']}/session"
    me = shift["olga_headers"]
    await client.post(f"{base}/login", json={"campaign_ids": [campaign_id]}, headers=me)
    await client.post(f"{base}/ready", headers=me)
    return {"campaign_id": campaign_id, "base": base, "me": me, **shift}


async def add(app, campaign_id: int, phone: str, **fields) -> int:
    async with unit_of_work(app.state.sessions) as session:
        contact = Contact(campaign_id=campaign_id, phone=phone, timezone="UTC", name=f"n{phone}", **fields)
        session.add(contact)
        await session.flush()
        return contact.id


async def test_a_ready_operator_is_offered_a_contact_with_the_script_and_holds_it(app, client, preview):
    first = await add(app, preview["campaign_id"], "+79160000001")
    await add(app, preview["campaign_id"], "+79160000002")
    offered = await client.post(f"{preview['base']}/preview", headers=preview["me"])
    assert offered.status_code == 200, offered.text
    body = offered.json()
    assert body["contact"]["id"] == first and body["contact"]["phone"] == "+79160000001"
    assert body["script"] == "Say hello to {name}." and body["campaign_id"] == preview["campaign_id"]
    again = await client.post(f"{preview['base']}/preview", headers=preview["me"])
    assert again.json()["contact"]["id"] == first  # held: the same contact until dialed or skipped
    async with app.state.sessions() as session:
        contact = await session.get(Contact, first)
    assert contact.status is ContactStatus.IN_PROGRESS and contact.lease_owner == f"preview:{preview['olga']}"


async def test_callbacks_come_first_and_blocked_contacts_never(app, client, preview):
    c = preview["campaign_id"]
    await add(app, c, "+79160000001")
    await add(app, c, "+79160000002", on_dnc=True)
    past = datetime.now(UTC) - timedelta(minutes=5)
    await add(
        app,
        c,
        "+79160000003",
        status=ContactStatus.CALLBACK,
        last_outcome="callback",
        next_attempt_at=past,
        attempts=3,
        callback_operator_id=preview["ivan"],
    )  # reserved for Ivan: not Olga's
    mine = await add(
        app,
        c,
        "+79160000004",
        status=ContactStatus.CALLBACK,
        last_outcome="callback",
        next_attempt_at=past,
        attempts=1,
    )
    later = await add(
        app,
        c,
        "+79160000005",
        status=ContactStatus.SCHEDULED,
        attempts=1,
        next_attempt_at=datetime.now(UTC) + timedelta(hours=1),
    )
    offered = (await client.post(f"{preview['base']}/preview", headers=preview["me"])).json()
    assert offered["contact"]["id"] == mine
    skipped = await client.post(f"{preview['base']}/preview/{mine}/skip", headers=preview["me"])
    assert skipped.status_code == 200 and skipped.json()["contact_status"] == "callback"
    async with app.state.sessions() as session:
        contact = await session.get(Contact, mine)
        assert (contact.lease_owner, contact.attempts) == (None, 1)
    # skipped contacts are due again at once; the callback comes first again
    assert (await client.post(f"{preview['base']}/preview", headers=preview["me"])).json()["contact"][
        "id"
    ] == mine
    await client.post(f"{preview['base']}/preview/{mine}/skip", headers=preview["me"])
    async with unit_of_work(app.state.sessions) as session:
        (await session.get(Contact, mine)).status = ContactStatus.DONE
    nxt = (await client.post(f"{preview['base']}/preview", headers=preview["me"])).json()
    assert nxt["contact"]["phone"] == "+79160000001"
    await client.post(f"{preview['base']}/preview/{nxt['contact']['id']}/skip", headers=preview["me"])
    async with unit_of_work(app.state.sessions) as session:
        (await session.get(Contact, nxt["contact"]["id"])).status = ContactStatus.DONE
    nothing = await client.post(f"{preview['base']}/preview", headers=preview["me"])
    assert nothing.status_code == 204 and "no contact" in nothing.headers["X-Dialer-Reason"]
    assert later  # scheduled for later: not offered


async def test_a_click_stores_a_dial_request_for_the_engine(app, client, preview):
    contact_id = await add(app, preview["campaign_id"], "+79160000001")
    await client.post(f"{preview['base']}/preview", headers=preview["me"])
    dialed = await client.post(f"{preview['base']}/preview/{contact_id}/dial", headers=preview["me"])
    assert dialed.status_code == 202, dialed.text
    request = dialed.json()
    assert (request["status"], request["contact_id"], request["operator_id"]) == (
        "pending",
        contact_id,
        preview["olga"],
    )
    twice = await client.post(f"{preview['base']}/preview/{contact_id}/dial", headers=preview["me"])
    assert twice.status_code == 202 and twice.json()["id"] == request["id"]
    busy = await client.post(f"{preview['base']}/preview", headers=preview["me"])
    assert busy.status_code == 409 and "still in progress" in detail(busy)
    async with app.state.sessions() as session:
        rows = list(await session.scalars(select(PreviewRequest)))
    assert [(r.status, r.contact_id) for r in rows] == [(PreviewStatus.PENDING, contact_id)]
    skipped = await client.post(f"{preview['base']}/preview/{contact_id}/skip", headers=preview["me"])
    assert skipped.status_code == 200
    async with app.state.sessions() as session:
        row = await session.get(PreviewRequest, request["id"])
        assert row.status is PreviewStatus.CANCELLED


async def test_an_operator_who_is_not_ready_is_refused(app, client, preview):
    await add(app, preview["campaign_id"], "+79160000001")
    await client.post(f"{preview['base']}/pause", json={"reason": "lunch"}, headers=preview["me"])
    refused = await client.post(f"{preview['base']}/preview", headers=preview["me"])
    assert refused.status_code == 409 and "paused (lunch)" in detail(refused)


async def test_a_contact_not_held_for_the_operator_cannot_be_dialed_or_skipped(app, client, admin, preview):
    contact_id = await add(app, preview["campaign_id"], "+79160000001")
    for action in ("dial", "skip"):
        response = await client.post(
            f"{preview['base']}/preview/{contact_id}/{action}", headers=preview["me"]
        )
        assert response.status_code == 404 and "not held" in detail(response)
    ivan = await client.post(f"/operators/{preview['ivan']}/session/preview", headers=preview["me"])
    assert ivan.status_code == 404  # another operator's session is not Olga's to drive
