"""Issue 6's end-to-end check: a campaign run by the whole service against the PBX simulator, then
its billing export, daily report, monthly report and acceptance act, each checked against the call
records by numbers this test computes itself from the rows, and all agreeing to the kopeck.

The month is closed "as of" the first moment after it (the documents' services take the time), so
the test does not wait for the calendar; every figure still comes from the calls the run recorded.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from dialer.accounts import service as auth
from dialer.acts import service as acts
from dialer.auth.models import Role, User
from dialer.auth.principal import Principal
from dialer.auth.schemas import UserCreate
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign, DispositionCode
from dialer.clients.models import Contract
from dialer.db.engine import unit_of_work
from dialer.metering.periods import month_key, next_month
from dialer.reports.monthly_source import generate
from tests.e2e.harness import calls_and_contacts, running_stack, wait_finished
from tests.e2e.scripts import contact_base

RATE, SETUP_FEE, VAT_RATE, INCREMENT = Decimal("12.50"), Decimal("1000.00"), Decimal("0.2"), 6
CENT = Decimal("0.01")
SUPERVISOR = Principal(Role.SUPERVISOR, user_id=None, key_id=1)


async def billing_terms(session, campaign_id: int) -> None:
    campaign = await session.get(Campaign, campaign_id)
    contract = await session.get(Contract, campaign.contract_id)
    contract.rate, contract.setup_fee, contract.vat_rate = RATE, SETUP_FEE, VAT_RATE
    contract.talk_increment_s, contract.billing_timezone = INCREMENT, "UTC"


def expected_amount(call: Call) -> Decimal:
    """Per 6 seconds, a started second counting whole, rounded half up to the kopeck, per call."""
    if call.connected_at is None or call.ended_at is None:
        return Decimal("0.00")
    talk = math.ceil((call.ended_at - call.connected_at).total_seconds())
    billable = math.ceil(talk / INCREMENT) * INCREMENT
    return (Decimal(billable) * RATE / 60).quantize(CENT, ROUND_HALF_UP)


async def get(stack, path: str, **params) -> httpx.Response:
    async with unit_of_work(stack.sessions) as session:
        if await session.scalar(select(User.id).where(User.username == "e2e-billing")) is None:
            await auth.create_user(
                session,
                None,
                UserCreate(username="e2e-billing", password=SecretStr("e2e-password-1234"), role=Role.ADMIN),
            )
    async with httpx.AsyncClient(base_url=stack.service.url, timeout=30) as client:
        token = await client.post(
            "/auth/token", data={"username": "e2e-billing", "password": "e2e-password-1234"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = await client.get(path, params=params, headers=headers)
    response.raise_for_status()
    return response


async def test_export_daily_report_monthly_report_and_act_agree_with_the_calls(
    database_url, sessions, tmp_path
) -> None:
    phones, _, scenario = contact_base(60)
    async with running_stack(
        database_url, sessions, tmp_path, scenario, {"UTC": phones}, max_attempts=1, prepare=billing_terms
    ) as stack:
        await wait_finished(stack)
        calls, _ = await calls_and_contacts(stack)
        campaign_id = stack.demo.campaign_id
        async with sessions() as session:
            campaign = await session.get(Campaign, campaign_id)
            hot_codes = set(
                await session.scalars(
                    select(DispositionCode.code).where(
                        DispositionCode.campaign_id == campaign_id, DispositionCode.hot_lead.is_(True)
                    )
                )
            )
        client_id, contract_id = campaign.client_id, campaign.contract_id
        placed = min(c.placed_at for c in calls)
        year, month = placed.year, placed.month
        key = month_key(year, month)
        assert {(c.placed_at.year, c.placed_at.month) for c in calls} == {(year, month)}

        # What the rows say, computed here.
        connected = [c for c in calls if c.connected_at is not None]
        assert len(connected) >= 15
        amounts = {c.id: expected_amount(c) for c in calls}
        talk_amount = sum(amounts.values(), Decimal("0.00"))
        total = talk_amount + SETUP_FEE
        vat = (total * VAT_RATE / (1 + VAT_RATE)).quantize(CENT, ROUND_HALF_UP)

        # The billing export: one row per call, its amount; the totals row the sum.
        export = await get(stack, f"/clients/{client_id}/billing-export", month=key, format="csv")
        rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
        by_call = {int(r["call id"]): Decimal(r["amount"]) for r in rows if r["call id"] != "total"}
        (totals,) = [r for r in rows if r["call id"] == "total"]
        assert by_call == {c.id: amounts[c.id] for c in calls if c.recorded_at is not None}
        assert Decimal(totals["amount"]) == talk_amount == sum(by_call.values())

        # The daily report of the day the calls were placed.
        day = placed.date()
        daily = (await get(stack, f"/campaigns/{campaign_id}/reports/daily", day=day.isoformat())).json()
        on_day = [c for c in calls if c.placed_at.date() == day]
        conversions = sum(
            1 for c in connected if c.disposition_code in hot_codes and c.placed_at.date() == day
        )
        t = daily["totals"]
        assert t["placed"] == len(on_day)
        assert t["connected"] == sum(1 for c in on_day if c.connected_at is not None)
        assert t["answered"] == sum(1 for c in on_day if c.answered_at is not None)
        assert t["conversions"] == conversions
        assert math.isclose(
            t["talk_seconds"], sum(c.talk_seconds or 0 for c in on_day if c.connected_at), abs_tol=0.01
        )
        by_operator = Counter(c.operator_id for c in on_day if c.connected_at is not None)
        assert {o["operator_id"]: o["calls"] for o in daily["operators"] if o["calls"]} == dict(by_operator)
        dispositions = Counter(c.disposition_code or "—" for c in on_day if c.connected_at is not None)
        assert {d["code"]: d["calls"] for d in daily["dispositions"] if d["calls"]} == dict(dispositions)

    # The month is over: its report is made (the month frozen), then the act from it.
    after = datetime(*next_month(year, month), 1, 6, tzinfo=UTC)
    async with unit_of_work(sessions) as session:
        record, made = await generate(session, contract_id, year, month, by="e2e", now=after)
        act = await acts.issue(session, SUPERVISOR, contract_id, key, after + timedelta(hours=1))
    assert made
    statement = record.data["statement"]
    assert statement["frozen"] is True
    assert statement["usage"]["calls"] == len(calls)
    assert statement["usage"]["talk_seconds"] == sum(
        math.ceil((c.ended_at - c.connected_at).total_seconds()) for c in connected
    )
    lines = {line["description"]: Decimal(line["amount"]) for line in statement["bill"]["lines"]}
    assert sorted(lines.values()) == sorted([talk_amount, SETUP_FEE])
    assert Decimal(statement["bill"]["vat"]["gross"]) == total
    assert Decimal(statement["bill"]["vat"]["vat"]) == vat
    assert (act.total, act.vat, act.net) == (total, vat, total - vat)
    assert sum(Decimal(line["amount"]) for line in act.lines) == total
    assert act.number == f"A-{contract_id}-{key}"
