"""Importing a contact base into a campaign, or numbers into a do-not-call list.

Order of work: the file is checked and opened (size, format, encoding, header) before anything is
written, so those refusals leave no trace but the exception. Then an ``ImportJob`` is recorded as
running, the rows are streamed through the row rules (:mod:`dialer.contacts.rows`) and written in
batches of ``Settings.import_batch_rows`` by the database's bulk writer, and the job is finished with
the report.

Nothing half-written: on PostgreSQL a contact import is one transaction (COPY batches inside it,
serialised per campaign by an advisory lock); on SQLite each batch is committed, so other writers are
not locked out for the whole import, and a fatal error deletes the rows this job inserted. A
do-not-call import is one transaction on both. The failed job keeps its error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.campaigns.models import Campaign
from dialer.clients.models import Client
from dialer.contacts.columns import ColumnPlan, looks_like_header, plan_columns
from dialer.contacts.dnc import dnc_numbers, list_numbers, mark_contacts
from dialer.contacts.errors import FileTooLarge, ImportRefused, NotFound, UnreadableFile
from dialer.contacts.jobs import finish_job, start_job
from dialer.contacts.models import Contact, ImportKind, ImportStatus
from dialer.contacts.phones import PhoneNormaliser, PhoneProblem
from dialer.contacts.reading import Table, open_table
from dialer.contacts.report import ImportProgress, ImportReport, RowProblem
from dialer.contacts.rows import ContactRows, DncRows
from dialer.contacts.writers import CONTACT_COLUMNS, DNC_COLUMNS, bulk_writer, dialect_name
from dialer.settings import Settings

__all__ = [
    "FileTooLarge",
    "ImportProgress",
    "ImportRefused",
    "ImportReport",
    "NotFound",
    "RowProblem",
    "UnreadableFile",
    "import_contacts",
    "import_dnc",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[ImportProgress], None]
_YIELD_EVERY = 250  # rows built between turns of the event loop (which feeds the COPY)
_MARK_CHUNK = 15_000  # numbers per marking UPDATE (each used twice; SQLite allows 32,766 parameters)
_CAMPAIGN_LOCK = 0x1D1A  # first key of the advisory lock that serialises imports into one campaign


class _Progress:
    """Throttled progress reports from the report's running counts."""

    def __init__(self, report: ImportReport, table: Table, callback: ProgressCallback | None) -> None:
        self.report = report
        self.table = table
        self.callback = callback
        self.started = time.monotonic()

    def __call__(self) -> None:
        if self.callback is None:
            return
        r = self.report
        self.callback(
            ImportProgress(
                rows_read=r.rows_read,
                imported=r.imported,
                duplicates=r.duplicates,
                on_dnc=r.on_dnc,
                rejected=r.rejected,
                bytes_read=self.table.position(),
                total_bytes=self.table.size,
                elapsed_s=time.monotonic() - self.started,
            )
        )


async def _existing_numbers(session: AsyncSession, campaign_id: int) -> dict[int, int]:
    """Every number of the campaign's contacts (phone and extra phones), mapped to row 0."""
    known: dict[int, int] = {}
    result = await session.stream(
        select(Contact.phone, Contact.extra_phones)
        .where(Contact.campaign_id == campaign_id)
        .execution_options(yield_per=10_000)
    )
    async for phone, extra in result:
        known[int(phone[1:])] = 0
        for number in extra or ():
            known[int(number[1:])] = 0
    return known


async def _fail(
    sessions: async_sessionmaker[AsyncSession], report: ImportReport, error: BaseException
) -> None:
    report.status = ImportStatus.FAILED.value
    report.error = error.message if isinstance(error, ImportRefused) else f"{type(error).__name__}: {error}"
    try:
        await finish_job(sessions, report)
    except Exception:  # the job record is secondary to the original error
        log.exception("could not record the failure of import job %s", report.job_id)


async def import_contacts(
    sessions: async_sessionmaker[AsyncSession],
    campaign_id: int,
    source: BinaryIO,
    filename: str,
    *,
    settings: Settings,
    created_by: int | None = None,
    progress: ProgressCallback | None = None,
    column_map: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX base into a campaign and return the report.

    Raises :class:`~dialer.contacts.errors.NotFound` for an unknown campaign,
    :class:`~dialer.contacts.errors.FileTooLarge` and :class:`~dialer.contacts.errors.UnreadableFile`
    before writing anything, and ``UnreadableFile`` (with ``job_id`` set) for a file that turns out
    broken part-way, after undoing what the import wrote.
    """
    async with sessions() as session:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} does not exist")
        client_id, country = campaign.client_id, campaign.default_country or settings.default_country
    table = open_table(
        source,
        filename,
        max_bytes=settings.import_max_bytes,
        is_header=lambda cells: looks_like_header(cells, column_map),
    )
    try:
        plan = plan_columns(table.header, column_map)
        job_id = await start_job(
            sessions,
            ImportKind.CONTACTS,
            filename,
            campaign_id=campaign_id,
            client_id=client_id,
            created_by=created_by,
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value)
        tick = _Progress(report, table, progress)
        try:
            await _write_contacts(
                sessions, table, report, tick, campaign_id, client_id, country, plan, settings
            )
        except BaseException as error:
            await _undo_contacts(sessions, job_id)
            await _fail(sessions, report, error)
            if isinstance(error, ImportRefused):
                error.job_id = job_id
            raise
    finally:
        table.close()
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    tick()
    return report


async def _write_contacts(
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    report: ImportReport,
    tick: _Progress,
    campaign_id: int,
    client_id: int,
    country: str,
    plan: ColumnPlan,
    settings: Settings,
) -> None:
    batch_rows = max(1, settings.import_batch_rows)
    async with sessions() as session:
        postgresql = dialect_name(session) == "postgresql"
        if postgresql:
            await session.execute(
                text("SELECT pg_advisory_xact_lock(:namespace, :campaign)"),
                {"namespace": _CAMPAIGN_LOCK, "campaign": campaign_id},
            )
        rows = ContactRows(
            plan,
            PhoneNormaliser(country),
            report,
            campaign_id=campaign_id,
            import_id=report.job_id,
            known=await _existing_numbers(session, campaign_id),
            dnc=await dnc_numbers(session, client_id),
        )
        writer = bulk_writer(session, "contacts", CONTACT_COLUMNS)

        async def flush(records: list[tuple[Any, ...]]) -> None:
            await writer.write(records)
            if not postgresql:
                await session.commit()

        # One batch is written while the next is built: the database works on its own core meanwhile.
        pending: asyncio.Task[None] | None = None
        build = rows.build
        batch: list[tuple[Any, ...]] = []
        read_before = 0
        try:
            for row_number, cells in table.rows:
                record = build(row_number, cells)
                if record is not None:
                    batch.append(record)
                    if len(batch) >= batch_rows:
                        if pending is not None:
                            await pending
                        pending = asyncio.create_task(flush(batch))
                        batch = []
                        await asyncio.sleep(0)  # start sending it now
                if report.rows_read - read_before >= _YIELD_EVERY:
                    read_before = report.rows_read
                    await asyncio.sleep(0)  # let the pending write feed its socket
                    if read_before % max(batch_rows, 1000) < _YIELD_EVERY:
                        tick()
            if pending is not None:
                await pending
                pending = None
            await writer.write(batch)
            await session.commit()
        finally:
            if pending is not None:
                await asyncio.gather(pending, return_exceptions=True)


async def _undo_contacts(sessions: async_sessionmaker[AsyncSession], job_id: int) -> None:
    """Delete what a failed import committed (SQLite commits per batch; on PostgreSQL a no-op)."""
    try:
        async with sessions() as session:
            if dialect_name(session) != "postgresql":
                await session.execute(delete(Contact).where(Contact.import_id == job_id))
                await session.commit()
    except Exception:
        log.exception("could not remove the contacts of failed import job %s", job_id)


async def import_dnc(
    sessions: async_sessionmaker[AsyncSession],
    client_id: int | None,
    source: BinaryIO,
    filename: str,
    *,
    settings: Settings,
    created_by: int | None = None,
    progress: ProgressCallback | None = None,
    column_map: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import numbers into the global list (``client_id`` None) or a client's list.

    The file has a phone column (recognised as for contacts) and optionally a reason column
    (``Причина``, ``reason``, ``comment``); a file without a header row, one number per line, works
    too. ``imported`` counts numbers added, ``duplicates`` rows whose numbers were all on the list
    already, ``on_dnc`` existing contacts newly marked do-not-call.
    """
    country = settings.default_country
    async with sessions() as session:
        if client_id is not None:
            client = await session.get(Client, client_id)
            if client is None:
                raise NotFound(f"client {client_id} does not exist")
            country = client.country or country
    normaliser = PhoneNormaliser(country)

    def is_header(cells: list[str]) -> bool:
        first = cells[0] if cells else ""
        return looks_like_header(cells, column_map) or not isinstance(
            normaliser.normalise(first), PhoneProblem
        )

    table = open_table(source, filename, max_bytes=settings.import_max_bytes, is_header=is_header)
    try:
        plan, header_is_data = _dnc_plan(table.header, normaliser, column_map)
        job_id = await start_job(
            sessions, ImportKind.DNC, filename, campaign_id=None, client_id=client_id, created_by=created_by
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value)
        tick = _Progress(report, table, progress)
        try:
            async with sessions() as session:
                rows = DncRows(
                    plan,
                    normaliser,
                    report,
                    client_id=client_id,
                    known=await list_numbers(session, client_id),
                    default_reason=f"imported from {filename}"[:200],
                )
                writer = bulk_writer(session, "dnc_entries", DNC_COLUMNS)
                batch: list[tuple[Any, ...]] = []
                to_mark: list[str] = []

                async def flush(final: bool = False) -> None:
                    await writer.write(batch)
                    to_mark.extend(r[1] for r in batch)
                    batch.clear()
                    # Marking scans the contacts' extra phones, so it runs on larger groups of numbers.
                    if to_mark and (final or len(to_mark) >= _MARK_CHUNK):
                        report.on_dnc += await mark_contacts(session, client_id, to_mark)
                        to_mark.clear()
                    tick()

                if header_is_data:
                    batch.extend(rows.build(table.header_row, table.header))
                for row_number, cells in table.rows:
                    batch.extend(rows.build(row_number, cells))
                    if len(batch) >= settings.import_batch_rows:
                        await flush()
                await flush(final=True)
                await session.commit()
        except BaseException as error:
            await _fail(sessions, report, error)
            if isinstance(error, ImportRefused):
                error.job_id = job_id
            raise
    finally:
        table.close()
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    return report


def _dnc_plan(
    header: list[str], normaliser: PhoneNormaliser, column_map: Mapping[str, str] | None
) -> tuple[ColumnPlan, bool]:
    """The column plan of a do-not-call file; a first row that is a number means there is no header."""
    first = header[0] if header else ""
    if not column_map and not isinstance(normaliser.normalise(first), PhoneProblem):
        headers = tuple(f"column {i + 1}" for i in range(len(header)))
        reason = 1 if len(header) > 1 else None
        return ColumnPlan(headers, (0,), (), None, None, (), reason), True
    return plan_columns(header, column_map, reason_column=True), False
