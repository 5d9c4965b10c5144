"""Billing through the API: contract terms checked field by field, the monthly statement, closing a
month, volume and alerts, the event stream; a controller reaches its own client's contracts only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import cast

import pytest
from fastapi import Request
from sqlalchemy import select

from api.routers.events import _stream
from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.clients.models import Contract
from dialer.db.engine import unit_of_work
from dialer.live.models import LiveEvent
from dialer.metering.alerts import check_volume
from tests.api.conftest import detail
from tests.metering.world import make_world

OCT = datetime(2026, 10, 1, tzinfo=UTC)

TERMS = {"number": "B-7", "pricing_model": "per_talk_minute", "rate": "2.40", "period_start": "2026-11-01"}
BILLING = {
    "billing_timezone": "Europe/Moscow",
    "talk_increment_s": 6,
    "talk_minimum_s": 12,
    "talk_free_under_s": 3,
    "vat_mode": "added",
    "vat_rate": "0.22",
    "money_rounding": "ROUND_HALF_EVEN",
    "contact_prices": {"sale": "150.00", "hot_lead": "90"},
    "contacts_counted": "marked",
    "seat_count": "average_daily",
    "seat_pauses_paid": False,
    "volume_committed": "1000",
    "volume_scope": "contract",
    "alert_thresholds": ["0.50", "0.9", "1.0"],
    "stop_campaigns_when_used_up": True,
}


@pytest.fixture
async def client_id(client, admin) -> int:
    return int((await client.post("/clients", json={"name": "Terms"}, headers=admin)).json()["id"])


async def test_billing_terms_round_trip_and_can_be_changed(client, admin, client_id):
    created = await client.post(f"/clients/{client_id}/contracts", json=TERMS | BILLING, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in BILLING} == BILLING | {
        "contact_prices": {"sale": "150", "hot_lead": "90"},
        "alert_thresholds": ["0.5", "0.9", "1"],
    }
    plain = (
        await client.post(f"/clients/{client_id}/contracts", json=TERMS | {"number": "2"}, headers=admin)
    ).json()
    assert plain["talk_increment_s"] == 1 and plain["vat_mode"] == "included"
    assert plain["alert_thresholds"] == ["0.8", "1"] and plain["stop_campaigns_when_used_up"] is False
    changed = await client.patch(
        f"/contracts/{plain['id']}",
        json={"talk_increment_s": 60, "contact_prices": {"sale": "5"}},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["talk_increment_s"] == 60 and changed.json()["contact_prices"] == {"sale": "5"}
    emptied = await client.patch(f"/contracts/{plain['id']}", json={"talk_increment_s": None}, headers=admin)
    assert emptied.status_code == 422 and "talk_increment_s" in detail(emptied)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"talk_increment_s": 7}, "talk_increment_s"),
        ({"talk_minimum_s": -1}, "talk_minimum_s"),
        ({"billing_timezone": "Mars/Olympus"}, "billing_timezone"),
        ({"vat_mode": "sometimes"}, "vat_mode"),
        ({"money_rounding": "ROUND_05UP"}, "money_rounding"),
        ({"contact_prices": {"sale": "-1"}}, "sale"),
        ({"contact_prices": {"Not A Code": "1"}}, "[key]"),
        ({"alert_thresholds": ["0"]}, 0),
        ({"seat_count": "by_feel"}, "seat_count"),
    ],
)
async def test_bad_billing_terms_are_refused_saying_which_field(client, admin, client_id, change, field):
    response = await client.post(f"/clients/{client_id}/contracts", json=TERMS | change, headers=admin)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == field


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"pricing_model": "hourly_plan", "plan_hours": "100"},
            "plan_hours, plan_price: an hourly plan needs both",
        ),
        ({"vat_mode": "none", "vat_rate": "0.2"}, "vat_rate: 0.2 given but vat_mode is none"),
        ({"alert_thresholds": ["0.8", "0.80"]}, "alert_thresholds: each threshold once"),
        ({"stop_campaigns_when_used_up": True}, "stop_campaigns_when_used_up: needs volume_committed"),
    ],
)
async def test_terms_that_contradict_each_other_are_refused(client, admin, client_id, change, message):
    response = await client.post(f"/clients/{client_id}/contracts", json=TERMS | change, headers=admin)
    assert response.status_code == 422
    assert message in response.json()["detail"][0]["msg"]


async def test_statement_close_volume_and_alerts_by_role(app, client, login, admin):
    world = await make_world(
        app.state.sessions, volume_committed=Decimal(10), talk_increment_s=60, period_start=date(2026, 10, 1)
    )
    await world.call(OCT + timedelta(days=3), timedelta(seconds=61), disposition="sale")
    await world.call(OCT + timedelta(days=4), timedelta(minutes=7))
    own = await login(Role.CONTROLLER, client_id=world.client_id)
    foreign = await login(Role.CONTROLLER, client_id=world.client_id + 1)
    supervisor = await login(Role.SUPERVISOR)
    operator = await login(Role.OPERATOR)
    url = f"/contracts/{world.contract_id}"

    statement = await client.get(f"{url}/statement", params={"month": "2026-10"}, headers=own)
    assert statement.status_code == 200, statement.text
    body = statement.json()
    assert body["usage"]["calls"] == 2 and body["usage"]["billable_seconds"] == 540
    assert body["usage"]["billable_minutes"] == "9" and body["usage"]["processed_contacts"] == {"sale": 1}
    assert body["total"] == "31.5" and body["frozen"] is False and body["period"]["key"] == "2026-10"
    assert (
        await client.get(f"{url}/statement", params={"month": "2026-10"}, headers=foreign)
    ).status_code == 404
    assert (await client.get(f"{url}/statement", headers=operator)).status_code == 403
    bad = await client.get(f"{url}/statement", params={"month": "2026-13"}, headers=admin)
    assert bad.status_code == 422 and "month: '2026-13' is not a month as YYYY-MM" in detail(bad)

    assert (await client.post(f"{url}/periods/2026-10/close", headers=own)).status_code == 403
    closed = await client.post(f"{url}/periods/2026-10/close", headers=supervisor)
    assert closed.status_code == 200, closed.text
    assert closed.json()["frozen"] is True and closed.json()["closed_by"]
    assert closed.json()["total"] == body["total"]
    again = await client.get(f"{url}/statement", params={"month": "2026-10"}, headers=own)
    assert again.json() == closed.json()
    twice = await client.post(f"{url}/periods/2026-10/close", headers=admin)
    assert twice.json() == closed.json()  # closing a closed month changes nothing
    async with unit_of_work(app.state.sessions) as session:
        audited = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.CLOSE_PERIOD))
        )
    assert [(e.object_id, e.detail["month"], e.detail["total"]) for e in audited] == [
        (str(world.contract_id), "2026-10", "31.50")
    ]
    early = await client.post(f"{url}/periods/2099-01/close", headers=admin)
    assert early.status_code == 409

    volume = await client.get(f"{url}/volume", headers=own)
    assert volume.status_code == 200 and volume.json()["unit"] == "minutes"
    assert volume.json()["committed"] == "10"
    assert (await client.get(f"{url}/volume", headers=foreign)).status_code == 404

    # This month's usage raises this month's alerts (the calls above are October's).
    now = datetime.now(UTC)
    await world.call(now - timedelta(minutes=20), timedelta(minutes=9))
    async with unit_of_work(app.state.sessions) as session:
        contract = await session.get(Contract, world.contract_id)
        assert contract is not None
        raised = (await check_volume(session, contract, now)).raised
    assert len(raised) == 1
    alerts = await client.get(f"{url}/alerts", headers=own)
    assert [a["threshold"] for a in alerts.json()] == ["0.8"]
    assert alerts.json()[0]["delivery"] == "no_webhook"
    assert (await client.get(f"{url}/alerts", headers=foreign)).status_code == 404

    events = await client.get("/events", headers=supervisor)
    assert [e["type"] for e in events.json()] == ["volume_alert"]
    assert events.json()[0]["data"]["contract_id"] == world.contract_id
    assert (
        await client.get("/events", params={"after": events.json()[0]["id"]}, headers=supervisor)
    ).json() == []
    # a client's controller follows its own client's events, another client's sees none of them
    assert [e["type"] for e in (await client.get("/events", headers=own)).json()] == ["volume_alert"]
    assert (await client.get("/events", headers=foreign)).json() == []


class _Request:
    """Stands in for the stream's request: connected for ``polls`` looks, then gone."""

    def __init__(self, polls: int) -> None:
        self.polls = polls

    async def is_disconnected(self) -> bool:
        self.polls -= 1
        return self.polls < 0


async def test_the_event_stream_sends_each_alert_as_a_server_sent_event(app):
    world = await make_world(app.state.sessions, volume_committed=Decimal(1), alert_thresholds=["1"])
    now = datetime.now(UTC)
    await world.call(now - timedelta(minutes=5), timedelta(minutes=2))
    async with unit_of_work(app.state.sessions) as session:
        contract = await session.get(Contract, world.contract_id)
        assert contract is not None
        (alert,) = (await check_volume(session, contract, now)).raised
    chunks = [
        chunk
        async for chunk in _stream(
            cast(Request, _Request(1)), app.state.sessions, Principal(Role.SUPERVISOR), 0
        )
    ]
    async with app.state.sessions() as session:
        stored = await session.scalar(select(LiveEvent.id).where(LiveEvent.type == "volume_alert"))
    assert chunks[0].startswith("retry: ")
    head, data = chunks[1].split("data: ")
    assert head == f"id: {stored}\nevent: volume_alert\n"
    assert json.loads(data)["threshold"] == "1" and json.loads(data)["alert_id"] == alert.id
    assert data.endswith("\n\n")
