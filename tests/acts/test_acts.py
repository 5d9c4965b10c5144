"""Acceptance acts: issued from the monthly report with its figures, signed, disputed (then corrected),
deemed accepted after 5 business days by the daily job; printable; the client's controller answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dialer.acts import service
from dialer.acts.jobs import tick_acts
from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.billing.acceptance import ActState
from dialer.business_days import RUSSIA, add_business_days
from dialer.db.engine import unit_of_work
from dialer.errors import Conflict, Forbidden, NotFound
from dialer.jobs.definition import JobContext
from dialer.mail.models import MailAttachment, MailMessage
from dialer.reports.models import MonthlyReportRecord, ReportRecipients
from dialer.reports.monthly import from_json
from dialer.settings import Settings
from tests.reports.world import add_call, make_world

SUPERVISOR = Principal(Role.SUPERVISOR, user_id=1)
DEC_1 = datetime(2026, 12, 1, 9, tzinfo=UTC)  # 12:00 in Moscow, a Tuesday


def controller_of(world) -> Principal:
    return Principal(Role.CONTROLLER, user_id=2, client_id=world.client_id)


async def november(sessions):
    world = await make_world(sessions)
    for day, talk in ((3, 61), (4, 125), (5, 300)):
        await add_call(sessions, world, datetime(2026, 11, day, 9, tzinfo=UTC), talk=talk, code="sale")
    return world


async def issued(sessions, world, now=DEC_1):
    async with unit_of_work(sessions) as session:
        return await service.issue(session, SUPERVISOR, world.contract_id, "2026-11", now)


async def test_the_act_carries_the_monthly_reports_figures_and_its_deadline(sessions):
    world = await november(sessions)
    act = await issued(sessions, world)
    async with sessions() as session:
        record = await session.get(MonthlyReportRecord, act.report_id)
    statement = from_json(record.data).statement
    assert (act.net, act.vat, act.total) == (statement.bill.vat.net, statement.bill.vat.vat, statement.total)
    assert sum(Decimal(line["amount"]) for line in act.lines) == statement.bill.subtotal
    assert act.number == f"A-{world.contract_id}-2026-11" and act.state is ActState.ISSUED
    assert (act.issued_on, act.deadline) == (date(2026, 12, 1), date(2026, 12, 8))


async def test_signed_within_the_deadline_by_the_clients_controller(sessions):
    world = await november(sessions)
    act = await issued(sessions, world)
    async with unit_of_work(sessions) as session:
        with pytest.raises(Forbidden):
            await service.sign(session, SUPERVISOR, world.contract_id, act.id, DEC_1)
    async with unit_of_work(sessions) as session:
        signed = await service.sign(
            session, controller_of(world), world.contract_id, act.id, DEC_1 + timedelta(days=7)
        )
    assert (signed.state, signed.decided_on, signed.decided_by) == (
        ActState.SIGNED,
        date(2026, 12, 8),
        "user:2",
    )
    async with unit_of_work(sessions) as session:
        with pytest.raises(Conflict, match="already signed"):
            await service.dispute(session, controller_of(world), world.contract_id, act.id, "no", DEC_1)
    async with unit_of_work(sessions) as session:
        with pytest.raises(Conflict, match="already signed"):
            await service.issue(session, SUPERVISOR, world.contract_id, "2026-11", DEC_1)


async def test_disputed_then_corrected_by_a_new_act_that_names_the_old(sessions):
    world = await november(sessions)
    act = await issued(sessions, world)
    async with unit_of_work(sessions) as session:
        disputed = await service.dispute(
            session, controller_of(world), world.contract_id, act.id, "  звонки 3 ноября не наши ", DEC_1
        )
    assert (disputed.state, disputed.objection) == (ActState.DISPUTED, "звонки 3 ноября не наши")
    corrected = await issued(sessions, world, DEC_1 + timedelta(days=2))
    assert corrected.number == f"A-{world.contract_id}-2026-11-2" and corrected.replaces_id == act.id
    assert corrected.deadline == date(2026, 12, 10)


async def test_unanswered_it_is_deemed_accepted_the_day_after_its_deadline(sessions):
    world = await november(sessions)
    act = await issued(sessions, world)
    settings = Settings()

    def ctx(moment: datetime) -> JobContext:
        return JobContext(settings, sessions, moment, moment.date())

    assert (
        await tick_acts(ctx(datetime(2026, 12, 8, 20, tzinfo=UTC))) == "0 acts deemed accepted"
    )  # 23:00 MSK
    assert await tick_acts(ctx(datetime(2026, 12, 8, 21, tzinfo=UTC))) == (  # midnight in Moscow
        f"1 acts deemed accepted: {act.number}"
    )
    async with unit_of_work(sessions) as session:
        after, _ = await service.get_act(session, SUPERVISOR, world.contract_id, act.id)
        assert (after.state, after.decided_on, after.decided_by) == (
            ActState.DEEMED_ACCEPTED,
            date(2026, 12, 9),
            "system:deadline",
        )
        with pytest.raises(Conflict, match=r"already deemed_accepted \(on 2026-12-09\)"):
            await service.sign(session, controller_of(world), world.contract_id, act.id, DEC_1)


async def test_another_clients_controller_finds_no_act(sessions):
    world = await november(sessions)
    other = await make_world(sessions, name="Василёк")
    act = await issued(sessions, world)
    async with unit_of_work(sessions) as session:
        with pytest.raises(NotFound):
            await service.sign(session, controller_of(other), world.contract_id, act.id, DEC_1)


async def test_the_act_through_the_api_printable_and_answered(client, admin, login, app):
    sessions = app.state.sessions
    world = await make_world(sessions)
    await add_call(sessions, world, datetime(2026, 10, 5, 9, tzinfo=UTC), talk=600, code="sale")
    supervisor = await login(Role.SUPERVISOR)
    controller = await login(Role.CONTROLLER, client_id=world.client_id)
    base = f"/contracts/{world.contract_id}/acts"
    async with unit_of_work(sessions) as session:
        session.add(ReportRecipients(client_id=world.client_id, emails=["accounts@romashka.ru"]))
    response = await client.post(base, json={"month": "2026-10"}, headers=supervisor)
    assert response.status_code == 201, response.text
    act = response.json()
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")).date()
    assert act["total"] == "125.00" and act["state"] == "issued"
    assert act["deadline"] == add_business_days(today, 5, RUSSIA).isoformat()
    async with sessions() as session:
        (mail,) = (await session.scalars(select(MailMessage))).all()
        (pdf_name,) = (await session.scalars(select(MailAttachment.filename))).all()
    assert mail.recipients == ["accounts@romashka.ru"] and act["number"] in mail.subject
    assert act["deadline"] in mail.body_text and pdf_name == f"{act['number']}.pdf"
    assert (await client.post(base, json={"month": "2026-10"}, headers=supervisor)).status_code == 409
    assert (await client.post(base, json={"month": "2026-13"}, headers=supervisor)).status_code == 422

    listed = await client.get(base, headers=controller)
    assert [a["number"] for a in listed.json()] == [act["number"]]
    page = await client.get(f"{base}/{act['id']}.html", headers=controller)
    assert act["number"] in page.text and "125.00" in page.text and "Ромашка" in page.text
    pdf = await client.get(f"{base}/{act['id']}.pdf", headers=controller)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    assert (await client.post(f"{base}/{act['id']}/sign", headers=supervisor)).status_code == 403
    signed = await client.post(f"{base}/{act['id']}/sign", headers=controller)
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    again = await client.post(f"{base}/{act['id']}/dispute", json={"objection": "x"}, headers=controller)
    assert again.status_code == 409 and "already signed" in again.json()["detail"]
