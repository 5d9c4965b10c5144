"""The base's quality in the reports: numbers that do not exist, counted per day and per month."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dialer.calls.models import CallOutcome
from dialer.campaigns.models import Campaign
from dialer.db.engine import unit_of_work
from dialer.reports import daily_documents, monthly_documents
from dialer.reports.daily import CallFact, CampaignFacts, daily_report
from dialer.reports.daily_source import load_daily_report
from dialer.reports.monthly import from_json, to_json
from dialer.reports.monthly_source import generate
from tests.reports.world import add_call, make_world

DAY = date(2026, 11, 26)
FACTS = CampaignFacts(1, "Кредитки", "Ромашка", {}, frozenset(), {})


def at(hh: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, tzinfo=UTC)


def test_the_day_counts_each_invalid_number_once() -> None:
    calls = [
        CallFact(1, 10, None, at(9), invalid_number=True),
        CallFact(2, 11, None, at(10), invalid_number=True),
        CallFact(3, 11, None, at(11), invalid_number=True),  # the same contact again (two engines raced)
        CallFact(4, 12, None, at(12)),  # busy, no answer...: the number exists
        CallFact(5, 13, None, at(9, DAY - timedelta(days=1)), invalid_number=True),  # not this day
    ]
    report = daily_report(FACTS, DAY, "UTC", calls, [])
    assert (report.totals.placed, report.totals.invalid_numbers) == (4, 2)
    assert "invalid numbers (do not exist);2" in daily_documents.csv_text(report)


async def test_the_campaign_s_day_and_the_contract_s_month_count_them(sessions) -> None:
    world = await make_world(sessions)
    for hh in (9, 10, 11):
        await add_call(sessions, world, at(hh), outcome=CallOutcome.INVALID_NUMBER)
    await add_call(sessions, world, at(12), outcome=CallOutcome.UNREACHABLE)
    await add_call(sessions, world, at(13), talk=60, code="sale")
    await add_call(sessions, world, at(9, date(2026, 12, 2)), outcome=CallOutcome.INVALID_NUMBER)
    async with sessions() as session:
        campaign = await session.get(Campaign, world.campaign_id)
        day = await load_daily_report(session, campaign, DAY)
    assert (day.totals.placed, day.totals.invalid_numbers) == (5, 3)

    async with unit_of_work(sessions) as session:
        record, _ = await generate(
            session, world.contract_id, 2026, 11, by="test", now=datetime(2026, 12, 3, 7, tzinfo=UTC)
        )
    month = from_json(record.data)
    assert month.invalid_numbers == 3  # December's does not count in November
    assert to_json(from_json(to_json(month))) == to_json(month)
    assert "invalid numbers (do not exist);3" in monthly_documents.csv_text(month)

    old = dict(record.data)  # a report stored before the figure existed
    del old["invalid_numbers"]
    assert from_json(old).invalid_numbers is None
    assert "invalid numbers (do not exist);not counted" in monthly_documents.csv_text(from_json(old))
