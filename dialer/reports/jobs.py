"""The reports' daily jobs (listed in ``dialer.jobs.catalog``)."""

from __future__ import annotations

from dialer.jobs.definition import Job
from dialer.reports.daily_job import send_daily_reports
from dialer.reports.monthly_job import make_monthly_reports

JOBS: list[Job] = [
    Job(
        name="daily-reports",
        description="yesterday's report of each campaign to its client (e-mail, webhook)",
        run_at=lambda settings: settings.daily_report_at,
        run=send_daily_reports,
    ),
    Job(
        name="monthly-reports",
        description="each contract's report on last month, on the first business day after it",
        run_at=lambda settings: settings.monthly_report_at,
        run=make_monthly_reports,
    ),
]
