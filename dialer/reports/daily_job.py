"""The daily job: yesterday's report of every campaign that placed calls, to its client.

It runs after ``DIALER_DAILY_REPORT_AT`` (UTC) and reports on the UTC day before the run's day. Per
client (``/clients/{id}/report-recipients``): an e-mail with the HTML page, the XLSX and the CSV,
stored in the mail outbox (once per campaign, day and address list), and, when asked, the report's
JSON to the client's CRM webhook. A client with no recipients gets nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

import httpx
from sqlalchemy import select

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.clients.models import ClientCrm
from dialer.db.engine import unit_of_work
from dialer.jobs.definition import JobContext
from dialer.mail.outbox import Attachment
from dialer.reports import daily_documents
from dialer.reports.daily import DailyReport, day_bounds
from dialer.reports.daily_source import load_daily_report
from dialer.reports.delivery import WebhookRefused, mail_report, post_to_webhook, recipients_of

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def summary_text(report: DailyReport) -> str:
    t = report.totals
    return "\n".join(
        [
            daily_documents.title(report),
            f"Звонков / calls placed: {t.placed}",
            f"Соединено с оператором / connected: {t.connected} ({t.contact_rate:.1%})",
            f"Брошено / abandoned: {t.abandoned} ({t.abandon_rate:.1%})",
            f"Конверсии / conversions: {t.conversions} ({t.conversion_rate:.1%}), лидов / leads: {t.leads}",
            f"Средний разговор / average talk: {t.average_talk_seconds:g} s",
            "",
            "The full report is attached (XLSX, CSV) and in the HTML part of this message.",
        ]
    )


async def send_daily_reports(
    ctx: JobContext, http_client: Callable[[], httpx.AsyncClient] = lambda: httpx.AsyncClient(timeout=10)
) -> str:
    day: date = ctx.day - timedelta(days=1)
    start, end = day_bounds(day, "UTC")
    mailed = posted = 0
    failed: list[str] = []
    async with ctx.sessions() as session:
        campaign_ids = list(
            await session.scalars(
                select(Call.campaign_id).where(Call.placed_at >= start, Call.placed_at < end).distinct()
            )
        )
    async with http_client() as client:
        for campaign_id in sorted(campaign_ids):
            async with unit_of_work(ctx.sessions) as session:
                campaign = await session.get(Campaign, campaign_id)
                if campaign is None:
                    continue
                who = await recipients_of(session, campaign.client_id)
                if who is None:
                    continue
                report = await load_daily_report(
                    session, campaign, day, "UTC", ctx.settings.effective_public_url
                )
                name = f"daily-{campaign_id}-{day.isoformat()}"
                if who.daily_email and await mail_report(
                    session,
                    key=f"report:{name}:{','.join(sorted(who.emails))}",
                    kind="daily_report",
                    to=list(who.emails),
                    at=ctx.now,
                    subject=daily_documents.title(report),
                    text=summary_text(report),
                    html=daily_documents.to_html(report),
                    attachments=[
                        Attachment(f"{name}.xlsx", XLSX, daily_documents.xlsx_bytes(report)),
                        Attachment(f"{name}.csv", "text/csv", daily_documents.csv_text(report).encode()),
                    ],
                ):
                    mailed += 1
                crm = await session.get(ClientCrm, campaign.client_id) if who.daily_webhook else None
            if crm is not None:
                try:
                    document = {"type": "daily_report", **daily_documents.to_json(report)}
                    await post_to_webhook(client, crm, name, document, ctx.now)
                    posted += 1
                except WebhookRefused as error:
                    log.warning("daily report %s to the client's webhook failed: %s", name, error)
                    failed.append(f"{name}: {error}")
    summary = f"{day}: {len(campaign_ids)} campaigns, {mailed} e-mailed, {posted} to webhooks"
    if failed:
        raise RuntimeError(f"{summary}; webhook failures: {'; '.join(failed)}")
    return summary
