"""The ``ImportJob`` record of every import: started as running, finished as done or failed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.contacts.models import ImportJob, ImportKind, ImportStatus
from dialer.contacts.report import ImportReport
from dialer.db.engine import unit_of_work


async def start_job(
    sessions: async_sessionmaker[AsyncSession],
    kind: ImportKind,
    filename: str,
    *,
    campaign_id: int | None,
    client_id: int | None,
    created_by: int | None,
    sheet: str | None = None,
) -> int:
    async with unit_of_work(sessions) as session:
        job = ImportJob(
            kind=kind,
            campaign_id=campaign_id,
            client_id=client_id,
            filename=filename[:500],
            sheet=None if sheet is None else sheet[:200],
            status=ImportStatus.RUNNING,
            created_by=created_by,
            problems=[],
        )
        session.add(job)
        await session.flush()
        return job.id


async def finish_job(sessions: async_sessionmaker[AsyncSession], report: ImportReport) -> None:
    """Store the report's counts, problems and status on its job."""
    async with unit_of_work(sessions) as session:
        job = await session.get(ImportJob, report.job_id)
        if job is None:
            return
        job.status = ImportStatus(report.status)
        job.rows_read = report.rows_read
        job.imported = report.imported
        job.duplicates = report.duplicates
        job.on_dnc = report.on_dnc
        job.rejected = report.rejected
        job.problems = [
            {"row": p.row, "column": p.column, "value": p.value, "reason": p.reason} for p in report.problems
        ]
        job.error = report.error
        job.finished_at = datetime.now(UTC)


async def get_import_report(session: AsyncSession, job_id: int) -> ImportReport | None:
    """The report of an import, running or finished, for the API's ``GET /imports/{id}``."""
    job = await session.get(ImportJob, job_id)
    return None if job is None else ImportReport.from_job(job)
