"""Importing a contact base into a campaign, or numbers into a do-not-call list.

Order of work: the file's size is checked, then a reading process (:mod:`dialer.contacts.pipeline`)
opens it (format, encoding, header; for XLSX the archive and the sheet) and finds its columns before
anything is written, so those refusals leave no trace but the exception. Then an ``ImportJob`` is
recorded as running, the process applies the row rules (:mod:`dialer.contacts.rows`) and sends the
records in batches of ``Settings.import_batch_rows``, the database's bulk writer writes them, and the
job is finished with the report.

Reading and the row rules run in that process, on the other core: the event loop, which the API and
the engine share, only writes the finished batches.

Nothing half-written: on PostgreSQL a contact import is one transaction (COPY batches inside it,
serialised per campaign by an advisory lock, its references checked once rather than row by row where
the database role may: :mod:`dialer.contacts.bulk_references`); on SQLite the batches are committed
in groups (about :data:`_SQLITE_COMMIT_ROWS` rows, at most :data:`_SQLITE_COMMIT_S` apart), so other
writers are not locked out for the whole import, and a fatal error deletes the rows this job inserted.
A do-not-call import is one transaction on both. The failed job keeps its error, and its counts of
imported rows are zero, as the database is.
"""

from __future__ import annotations

import contextlib
import logging
import time
from array import array
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Literal

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.campaigns.models import Campaign
from dialer.clients.models import Client
from dialer.contacts.bulk_references import check_references_once
from dialer.contacts.dnc import dnc_numbers, list_numbers, mark_contacts
from dialer.contacts.errors import FileTooLarge, ImportRefused, NotFound, UnreadableFile
from dialer.contacts.jobs import finish_job, start_job
from dialer.contacts.models import Contact, ImportKind, ImportStatus
from dialer.contacts.pipeline import ReadingProcess, reading_process
from dialer.contacts.pipeline_messages import Batch, ContactsGo, DncGo, ReadSpec
from dialer.contacts.report import ImportProgress, ImportReport, RowProblem
from dialer.contacts.writers import (
    CONTACT_COLUMNS,
    DNC_COLUMNS,
    BulkWriter,
    PostgresCopyWriter,
    SqliteBatchWriter,
    bulk_writer,
    dialect_name,
)
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
_HAND_OVER_S = 0.5  # the reading process hands over what it has at least this often, for the progress line
_MARK_CHUNK = 15_000  # numbers per marking UPDATE (each used twice; SQLite allows 32,766 parameters)
_CAMPAIGN_LOCK = 0x1D1A  # first key of the advisory lock that serialises imports into one campaign
# SQLite: rows per commit. Each commit writes every page it changed to the WAL, and a batch's numbers
# land all over the (campaign, phone) index: committing every 5,000 rows wrote most of that index
# again each time, so a million-row import slowed as the campaign grew.
_SQLITE_COMMIT_ROWS = 25_000
_SQLITE_COMMIT_S = 1.0  # and at least this often, so other writers never wait long for the lock


class _Progress:
    """Throttled progress reports from the report's running counts and the reading process's place."""

    def __init__(
        self, report: ImportReport, total_bytes: int | None, callback: ProgressCallback | None
    ) -> None:
        self.report = report
        self.total_bytes = total_bytes
        self.bytes_read = 0
        self.callback = callback
        self.started = time.monotonic()

    def take(self, batch: Batch) -> None:
        """The counts and problems of a batch the reading process sent, and where it is in the file."""
        batch.counts.apply(self.report, batch.problems)
        self.bytes_read = batch.bytes_read

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
                bytes_read=self.bytes_read,
                total_bytes=self.total_bytes,
                elapsed_s=time.monotonic() - self.started,
            )
        )


def _spec(
    kind: Literal["contacts", "dnc"],
    filename: str,
    country: str,
    column_map: Mapping[str, str] | None,
    sheet: str | None,
    settings: Settings,
) -> ReadSpec:
    """What the reading process is to read (the file's descriptor is filled in as it starts)."""
    return ReadSpec(
        kind=kind,
        fd=-1,
        start=0,
        filename=filename,
        country=country,
        column_map=dict(column_map) if column_map else None,
        sheet=sheet,
        batch_rows=max(1, settings.import_batch_rows),
        hand_over_s=_HAND_OVER_S,
        max_bytes=settings.import_max_bytes,
        max_rows=settings.import_max_rows,
        xlsx_max_part_bytes=settings.import_xlsx_max_part_bytes,
        xlsx_max_memory_bytes=settings.import_xlsx_max_memory_bytes,
    )


async def _existing_numbers(session: AsyncSession, campaign_id: int) -> array[int]:
    """Every number of the campaign's contacts (phone and extra phones), as E.164 digits."""
    known: array[int] = array("q")
    result = await session.stream(
        select(Contact.phone, Contact.extra_phones)
        .where(Contact.campaign_id == campaign_id)
        .execution_options(yield_per=10_000)
    )
    async for phone, extra in result:
        known.append(int(phone[1:]))
        for number in extra or ():
            known.append(int(number[1:]))
    return known


async def _fail(
    sessions: async_sessionmaker[AsyncSession], report: ImportReport, error: BaseException
) -> None:
    report.status = ImportStatus.FAILED.value
    report.error = error.message if isinstance(error, ImportRefused) else f"{type(error).__name__}: {error}"
    report.imported = report.on_dnc = 0  # undone: nothing of the file is kept
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
    sheet: str | None = None,
) -> ImportReport:
    """Import a CSV or XLSX base into a campaign and return the report.

    ``sheet`` names the workbook sheet to read (by name or number from 1); without it, the first sheet
    with a phone column. Raises :class:`~dialer.contacts.errors.NotFound` for an unknown campaign,
    :class:`~dialer.contacts.errors.FileTooLarge` and :class:`~dialer.contacts.errors.UnreadableFile`
    before writing anything, and ``UnreadableFile`` (with ``job_id`` set) for a file that turns out
    broken part-way, after undoing what the import wrote.
    """
    async with sessions() as session:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id} does not exist")
        client_id, country = campaign.client_id, campaign.default_country or settings.default_country
    spec = _spec("contacts", filename, country, column_map, sheet, settings)
    async with reading_process(source, spec) as reader:
        opened = await reader.opened()
        job_id = await start_job(
            sessions,
            ImportKind.CONTACTS,
            filename,
            campaign_id=campaign_id,
            client_id=client_id,
            created_by=created_by,
            sheet=opened.sheet,
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value, sheet=opened.sheet)
        tick = _Progress(report, opened.size, progress)
        try:
            await _write_contacts(sessions, reader, tick, campaign_id, client_id)
        except BaseException as error:
            await _undo_contacts(sessions, job_id)
            await _fail(sessions, report, error)
            if isinstance(error, ImportRefused):
                error.job_id = job_id
            raise
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    tick()
    return report


async def _write_contacts(
    sessions: async_sessionmaker[AsyncSession],
    reader: ReadingProcess,
    tick: _Progress,
    campaign_id: int,
    client_id: int,
) -> None:
    job_id = tick.report.job_id
    async with sessions() as session:
        postgresql = dialect_name(session) == "postgresql"
        if postgresql:
            await session.execute(
                text("SELECT pg_advisory_xact_lock(:namespace, :campaign)"),
                {"namespace": _CAMPAIGN_LOCK, "campaign": campaign_id},
            )
        known = await _existing_numbers(session, campaign_id)
        dnc = array("q", await dnc_numbers(session, client_id))
        # On PostgreSQL the process sends binary COPY data, which the loop only passes on.
        await reader.go(ContactsGo(campaign_id, job_id, known, dnc, binary_copy=postgresql))
        del known, dnc
        if postgresql:
            await check_references_once(session, campaign_id=campaign_id, import_id=job_id)
        writer = bulk_writer(session, "contacts", CONTACT_COLUMNS)
        # The reading process builds the next batches while the loop writes this one.
        batches = reader.batches()
        try:
            async with contextlib.aclosing(batches):
                uncommitted, since = 0, time.monotonic()
                async for batch in batches:
                    tick.take(batch)
                    if batch.copy is not None:
                        assert isinstance(writer, PostgresCopyWriter)
                        await writer.write_encoded(batch.copy)
                    elif batch.flat is not None:
                        assert isinstance(writer, SqliteBatchWriter)
                        await writer.write_flat(batch.flat)
                        uncommitted += len(batch.flat) // len(CONTACT_COLUMNS)
                    else:
                        await writer.write(batch.records)
                        uncommitted += len(batch.records)
                    if not postgresql and (
                        uncommitted >= _SQLITE_COMMIT_ROWS or time.monotonic() - since >= _SQLITE_COMMIT_S
                    ):
                        await writer.release()
                        await session.commit()
                        uncommitted, since = 0, time.monotonic()
                    tick()
            await writer.release()
        except BaseException:
            await _release_quietly(writer)
            raise
        await session.commit()


async def _release_quietly(writer: BulkWriter) -> None:
    """Release the writer after a failure; the failure, not this, is what the caller hears about."""
    try:
        await writer.release()
    except Exception:
        log.debug("could not release the bulk writer after a failed import", exc_info=True)


async def _undo_contacts(sessions: async_sessionmaker[AsyncSession], job_id: int) -> None:
    """Delete what a failed import committed (SQLite commits groups of batches; PostgreSQL: a no-op)."""
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
    sheet: str | None = None,
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
    spec = _spec("dnc", filename, country, column_map, sheet, settings)
    async with reading_process(source, spec) as reader:
        opened = await reader.opened()
        job_id = await start_job(
            sessions,
            ImportKind.DNC,
            filename,
            campaign_id=None,
            client_id=client_id,
            created_by=created_by,
            sheet=opened.sheet,
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value, sheet=opened.sheet)
        tick = _Progress(report, opened.size, progress)
        try:
            await _write_dnc(sessions, reader, tick, client_id, f"imported from {filename}"[:200], settings)
        except BaseException as error:
            await _fail(sessions, report, error)
            if isinstance(error, ImportRefused):
                error.job_id = job_id
            raise
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    return report


async def _write_dnc(
    sessions: async_sessionmaker[AsyncSession],
    reader: ReadingProcess,
    tick: _Progress,
    client_id: int | None,
    default_reason: str,
    settings: Settings,
) -> None:
    report = tick.report
    async with sessions() as session:
        await reader.go(DncGo(client_id, await list_numbers(session, client_id), default_reason))
        writer = bulk_writer(session, "dnc_entries", DNC_COLUMNS)
        pending: list[tuple[Any, ...]] = []
        to_mark: list[str] = []
        marked = 0

        async def flush(final: bool = False) -> None:
            nonlocal marked
            await writer.write(pending)
            to_mark.extend(r[1] for r in pending)
            pending.clear()
            # Marking scans the contacts' extra phones, so it runs on larger groups of numbers.
            if to_mark and (final or len(to_mark) >= _MARK_CHUNK):
                marked += await mark_contacts(session, client_id, to_mark)
                to_mark.clear()
            report.on_dnc = marked  # the entries' rules count none; these are the contacts marked
            tick()

        batches = reader.batches()
        try:
            async with contextlib.aclosing(batches):
                async for batch in batches:
                    tick.take(batch)
                    report.on_dnc = marked
                    pending.extend(batch.records)
                    if len(pending) >= settings.import_batch_rows:
                        await flush()
            await flush(final=True)
            await writer.release()
        except BaseException:
            await _release_quietly(writer)
            raise
        await session.commit()
