"""Reports as people ask for them: scoped to what the caller may see (a controller: its client's)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.campaigns import service as campaigns
from dialer.clients import service as clients
from dialer.metering.periods import parse_month
from dialer.reports.daily import DailyReport
from dialer.reports.daily_source import load_daily_report
from dialer.reports.monthly import MonthlyReport
from dialer.reports.monthly_source import report_for


async def daily_report_for(
    session: AsyncSession,
    principal: Principal,
    campaign_id: int,
    day: date,
    *,
    tz: str = "UTC",
    public_url: str = "",
) -> DailyReport:
    """The campaign's report on ``day``; another client's campaign is not found."""
    principal.require(Permission.REPORTS_READ)
    campaign = await campaigns.get_campaign(session, principal, campaign_id)
    return await load_daily_report(session, campaign, day, tz, public_url)


async def monthly_report_for(
    session: AsyncSession, principal: Principal, contract_id: int, month: str, now: datetime
) -> MonthlyReport:
    """The contract's report on ``month`` (``YYYY-MM``): stored if made, else preliminary."""
    principal.require(Permission.REPORTS_READ)
    year, month_number = parse_month(month)
    contract = await clients.get_contract(session, principal, contract_id)
    return await report_for(session, contract, year, month_number, now)
