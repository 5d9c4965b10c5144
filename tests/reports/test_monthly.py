"""The monthly report on a contract: made from the frozen month, stored, read back the same, in every
format, on the client's business-day schedule; the job makes and mails it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from dialer.clients.models import Contract, VolumeScope
from dialer.db.engine import unit_of_work
from dialer.jobs.definition import JobContext
from dialer.mail.models import MailAttachment, MailMessage
from dialer.reports import monthly_documents
from dialer.reports.models import ReportRecipients
from dialer.reports.monthly import from_json, to_json
from dialer.reports.monthly_job import make_monthly_reports
from dialer.reports.monthly_source import generate, report_for
from dialer.settings import Settings
from tests.reports.world import add_call, make_world

MSK = timedelta(hours=3)
TALKS = [61, 125, 7, 300, 44]  # seconds, per-second billing at 12.50 a minute


def nov(day: int, hh: int) -> datetime:
    return datetime(2026, 11, day, hh, tzinfo=UTC)


def kopecks(seconds: int) -> Decimal:
    return (Decimal(seconds) * Decimal("12.50") / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def november(sessions):
    world = await make_world(sessions)
    for index, talk in enumerate(TALKS):
        await add_call(
            sessions, world, nov(3 + index, 9), talk=talk, code="sale" if index == 0 else "not_interested"
        )
    await add_call(sessions, world, nov(10, 9))  # not answered
    await add_call(sessions, world, datetime(2026, 10, 31, 22, tzinfo=UTC), talk=30)  # 1 Nov 01:00 in Moscow
    return world


async def test_the_report_is_made_from_the_frozen_month_and_reads_back_the_same(sessions):
    world = await november(sessions)
    now = datetime(2026, 12, 1, 7, tzinfo=UTC)
    async with unit_of_work(sessions) as session:
        record, made = await generate(session, world.contract_id, 2026, 11, by="test", now=now)
    assert made
    report = from_json(record.data)
    assert report.frozen and report.period == "2026-11"
    assert (report.generate_on, report.due_by) == (date(2026, 12, 1), date(2026, 12, 7))
    usage = report.statement.usage
    talks = [*TALKS, 30]
    assert (usage.calls, usage.connected_calls, usage.talk_seconds) == (7, 6, sum(talks))
    gross = sum((kopecks(t) for t in talks), Decimal(0))
    assert report.statement.total == gross
    assert report.statement.bill.vat.vat == (gross * Decimal("0.2") / Decimal("1.2")).quantize(
        Decimal("0.01")
    )
    assert report.volume.committed == 100 and report.volume.used == Decimal(sum(talks)) / 60
    assert report.days[0].day == date(2026, 11, 1) and report.days[0].calls == 1  # Moscow's 1 November
    assert sum(d.calls for d in report.days) == 7 and len(report.days) == 30
    assert report.handoff.count == 0
    assert to_json(from_json(to_json(report))) == to_json(report)
    async with unit_of_work(sessions) as session:  # a second time: the stored one, unchanged
        again, made_again = await generate(session, world.contract_id, 2026, 11, by="test", now=now + MSK)
    assert not made_again and again.id == record.id


async def test_a_late_call_goes_to_the_next_months_report(sessions):
    world = await november(sessions)
    now = datetime(2026, 12, 1, 7, tzinfo=UTC)
    async with unit_of_work(sessions) as session:
        await generate(session, world.contract_id, 2026, 11, by="test", now=now)
    await add_call(sessions, world, nov(30, 12), talk=90, recorded_at=now + timedelta(hours=1))
    async with unit_of_work(sessions) as session:
        frozen = await report_for(session, await _contract(session, world.contract_id), 2026, 11, now)
        december = await report_for(session, await _contract(session, world.contract_id), 2026, 12, now + MSK)
    assert frozen.statement.usage.calls == 7  # unchanged
    assert december.statement.late_calls == 1 and not december.frozen
    assert december.days[0].late == 1 and december.statement.usage.talk_seconds == 90


async def _contract(session, contract_id):
    return await session.get(Contract, contract_id)


async def test_every_format_carries_the_same_figures_and_the_charts(sessions):
    world = await november(sessions)
    async with unit_of_work(sessions) as session:
        record, _ = await generate(
            session, world.contract_id, 2026, 11, by="test", now=datetime(2026, 12, 1, 7, tzinfo=UTC)
        )
    report = from_json(record.data)
    total = str(report.statement.total)
    assert f"total;{total}" in monthly_documents.csv_text(report)
    book = load_workbook(io.BytesIO(monthly_documents.xlsx_bytes(report)))
    billing = book[book.sheetnames[3]]
    label, amount = (c.value for c in billing[billing.max_row])
    assert (label, Decimal(str(amount))) == ("total", report.statement.total)
    page = monthly_documents.to_html(report)
    assert page.count("data:image/png;base64,") == 3 and "<svg" in page and total in page
    pdf = monthly_documents.to_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert monthly_documents.to_pdf(report) == pdf  # the same report, the same bytes


async def test_the_job_makes_and_mails_it_on_the_first_business_day_only(sessions):
    world = await november(sessions)
    async with unit_of_work(sessions) as session:
        session.add(ReportRecipients(client_id=world.client_id, emails=["boss@romashka.ru"]))
    settings = Settings()

    def ctx(day: date) -> JobContext:
        return JobContext(
            settings, sessions, datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=7), day
        )

    assert await make_monthly_reports(ctx(date(2026, 12, 1))) == (
        "2026-11: 1 reports made, 1 e-mailed, 0 waiting for their business day"
    )
    assert await make_monthly_reports(ctx(date(2026, 12, 2))) == (
        "2026-11: 0 reports made, 0 e-mailed, 0 waiting for their business day"
    )
    # The report on December: 1-10 January 2027 are holidays in Russia.
    assert (await make_monthly_reports(ctx(date(2027, 1, 5)))).endswith("1 waiting for their business day")
    async with sessions() as session:
        (message,) = (await session.scalars(select(MailMessage))).all()
        names = (await session.scalars(select(MailAttachment.filename))).all()
    assert message.recipients == ["boss@romashka.ru"] and "2026-11" in message.subject
    assert sorted(names) == [
        f"monthly-{world.contract_id}-2026-11.pdf",
        f"monthly-{world.contract_id}-2026-11.xlsx",
    ]


async def test_a_volume_committed_for_the_whole_contract_counts_every_month_up_to_this_ones_end(sessions):
    world = await make_world(sessions, volume=Decimal("10"))
    async with unit_of_work(sessions) as session:
        contract = await session.get(Contract, world.contract_id)
        contract.volume_scope = VolumeScope.CONTRACT
    await add_call(sessions, world, datetime(2026, 10, 10, 9, tzinfo=UTC), talk=120)
    await add_call(sessions, world, nov(10, 9), talk=60)
    await add_call(sessions, world, datetime(2026, 12, 2, 9, tzinfo=UTC), talk=600)  # after the month
    async with unit_of_work(sessions) as session:
        record, _ = await generate(
            session, world.contract_id, 2026, 11, by="test", now=datetime(2026, 12, 3, tzinfo=UTC)
        )
    volume = from_json(record.data).volume
    assert (volume.used, volume.committed, volume.left, volume.share_used) == (3, 10, 7, Decimal("0.3"))
    assert from_json(record.data).statement.usage.billable_seconds == 60  # the bill is the month's own
