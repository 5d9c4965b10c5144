"""The monthly job: on the first business day after a month (the client's calendar), each contract
that ran in it gets its report made, stored (the month frozen) and e-mailed as HTML with the PDF and
XLSX attached. It runs every day after ``DIALER_MONTHLY_REPORT_AT``, so a day missed is caught up.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import or_, select

from dialer.clients.models import Client, Contract
from dialer.db.engine import unit_of_work
from dialer.errors import DomainError
from dialer.jobs.definition import JobContext
from dialer.mail.outbox import Attachment
from dialer.metering.periods import month_key, previous_month
from dialer.reports import monthly_documents
from dialer.reports.delivery import mail_report, recipients_of
from dialer.reports.monthly import from_json
from dialer.reports.monthly_source import generate, schedule_for

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def contracts_active_in(ctx: JobContext, first: date, last: date) -> list[int]:
    async with ctx.sessions() as session:
        rows = await session.scalars(
            select(Contract.id)
            .where(
                Contract.period_start <= last,
                or_(Contract.period_end.is_(None), Contract.period_end >= first),
            )
            .order_by(Contract.id)
        )
        return list(rows)


async def make_monthly_reports(ctx: JobContext) -> str:
    year, month = previous_month(ctx.day.year, ctx.day.month)
    key = month_key(year, month)
    first = date(year, month, 1)
    last = date(ctx.day.year, ctx.day.month, 1) - timedelta(days=1)
    made = mailed = waiting = 0
    failed: list[str] = []
    for contract_id in await contracts_active_in(ctx, first, last):
        try:
            async with unit_of_work(ctx.sessions) as session:
                contract = await session.get(Contract, contract_id)
                client = await session.get(Client, contract.client_id) if contract is not None else None
                if contract is None or client is None:
                    continue
                if ctx.day < schedule_for(client, year, month).generate_on:
                    waiting += 1
                    continue
                record, new = await generate(
                    session, contract_id, year, month, by="monthly-report job", now=ctx.now
                )
                if not new:
                    continue
                made += 1
                who = await recipients_of(session, client.id)
                if who is None or not who.monthly_email:
                    continue
                report = from_json(record.data)
                name = f"monthly-{contract_id}-{key}"
                if await mail_report(
                    session,
                    key=f"report:{name}:{','.join(sorted(who.emails))}",
                    kind="monthly_report",
                    to=list(who.emails),
                    at=ctx.now,
                    subject=monthly_documents.title(report),
                    text=f"{monthly_documents.title(report)}\n\nThe report is attached (PDF, XLSX).",
                    html=monthly_documents.to_html(report),
                    attachments=[
                        Attachment(f"{name}.pdf", "application/pdf", monthly_documents.to_pdf(report)),
                        Attachment(f"{name}.xlsx", XLSX, monthly_documents.xlsx_bytes(report)),
                    ],
                ):
                    mailed += 1
        except DomainError as error:
            log.warning("monthly report %s of contract %d: %s", key, contract_id, error.message)
            failed.append(f"contract {contract_id}: {error.message}")
    summary = f"{key}: {made} reports made, {mailed} e-mailed, {waiting} waiting for their business day"
    if failed:
        raise RuntimeError(f"{summary}; failed: {'; '.join(failed)}")
    return summary
