"""Importing a contact base into a campaign, or numbers into a do-not-call list.

Order of work: the file is checked and opened (size, format, encoding, header; for XLSX the archive
and the sheet) before anything is written, so those refusals leave no trace but the exception. Then
an ``ImportJob`` is recorded as running, the rows are streamed through the row rules
(:mod:`dialer.contacts.rows`) and written in batches of ``Settings.import_batch_rows`` by the
database's bulk writer, and the job is finished with the report.

Opening, reading and the row rules run in a worker thread (:mod:`dialer.contacts.pipeline`): the
event loop, which the API and the engine share, only writes the finished batches.

Nothing half-written: on PostgreSQL a contact import is one transaction (COPY batches inside it,
serialised per campaign by an advisory lock); on SQLite the batches are committed in groups (about
:data:`_SQLITE_COMMIT_ROWS` rows, at most :data:`_SQLITE_COMMIT_S` apart), so other writers are not
locked out for the whole import, and a fatal error deletes the rows this job inserted. A
do-not-call import is one transaction on both. The failed job keeps its error, and its counts of
imported rows are zero, as the database is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
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
from dialer.contacts.pipeline import Emit, threaded_batches
from dialer.contacts.reading import Table, open_table
from dialer.contacts.report import ImportProgress, ImportReport, RowProblem
from dialer.contacts.rows import ContactRows, DncRows
from dialer.contacts.table import HeaderTest, Row
from dialer.contacts.writers import CONTACT_COLUMNS, DNC_COLUMNS, BulkWriter, bulk_writer, dialect_name
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
_HAND_OVER_S = 0.5  # the reader hands over what it has at least this often, for the progress line
_CLOCK_EVERY = 256  # rows between looks at the clock in the reader
_MARK_CHUNK = 15_000  # numbers per marking UPDATE (each used twice; SQLite allows 32,766 parameters)
_CAMPAIGN_LOCK = 0x1D1A  # first key of the advisory lock that serialises imports into one campaign
# SQLite: rows per commit. Each commit writes every page it changed to the WAL, and a batch's numbers
# land all over the (campaign, phone) index: committing every 5,000 rows wrote most of that index
# again each time, so a million-row import slowed as the campaign grew.
_SQLITE_COMMIT_ROWS = 25_000
_SQLITE_COMMIT_S = 1.0  # and at least this often, so other writers never wait long for the lock


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
    report.imported = report.on_dnc = 0  # undone: nothing of the file is kept
    try:
        await finish_job(sessions, report)
    except Exception:  # the job record is secondary to the original error
        log.exception("could not record the failure of import job %s", report.job_id)


async def _open(
    source: BinaryIO, filename: str, settings: Settings, is_header: HeaderTest, sheet: str | None
) -> Table:
    """The opened table, read and parsed in a worker thread (XLSX opening alone can take seconds)."""
    return await asyncio.to_thread(
        open_table,
        source,
        filename,
        max_bytes=settings.import_max_bytes,
        is_header=is_header,
        max_rows=settings.import_max_rows,
        sheet=sheet,
        xlsx_max_part_bytes=settings.import_xlsx_max_part_bytes,
        xlsx_max_memory_bytes=settings.import_xlsx_max_memory_bytes,
    )


def _plan(table: Table, column_map: Mapping[str, str] | None, *, reason_column: bool = False) -> ColumnPlan:
    """The column plan of the table's header; a refusal names the sheet, and the other sheets."""
    try:
        return plan_columns(table.header, column_map, reason_column=reason_column)
    except UnreadableFile as error:
        others = [name for name in table.sheets if name != table.sheet]
        hint = ""
        if others:
            hint = f"; the workbook's other sheets ({', '.join(map(repr, others))}) have none either"
        raise UnreadableFile(table.where() + error.message + hint) from error


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
    table = await _open(source, filename, settings, lambda cells: looks_like_header(cells, column_map), sheet)
    try:
        plan = _plan(table, column_map)
        job_id = await start_job(
            sessions,
            ImportKind.CONTACTS,
            filename,
            campaign_id=campaign_id,
            client_id=client_id,
            created_by=created_by,
            sheet=table.sheet,
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value, sheet=table.sheet)
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
        await asyncio.to_thread(table.close)
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    tick()
    return report


def _batches(
    rows: Iterator[Row], build: Callable[[int, list[str]], Any], size: int
) -> Callable[[Emit[Any]], None]:
    """A producer for :func:`threaded_batches`: ``build`` over ``rows``, results that are not ``None``
    handed over ``size`` at a time (or what there is every :data:`_HAND_OVER_S`, for progress)."""

    def produce(emit: Emit[Any]) -> None:
        batch: list[Any] = []
        clock = time.monotonic
        due = clock() + _HAND_OVER_S
        countdown = _CLOCK_EVERY
        for row_number, cells in rows:
            record = build(row_number, cells)
            if record is not None:
                batch.append(record)
            countdown -= 1
            if len(batch) >= size or (countdown <= 0 and clock() >= due):
                if not emit(batch):
                    return
                batch = []
                due = clock() + _HAND_OVER_S
                countdown = _CLOCK_EVERY
            elif countdown <= 0:
                countdown = _CLOCK_EVERY
                time.sleep(0)  # offer the GIL to the event loop's thread now, not at the switch interval
        if batch:
            emit(batch)

    return produce


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
            notes=table.notes,
        )
        writer = bulk_writer(session, "contacts", CONTACT_COLUMNS)
        # The worker thread reads and builds the next batches while the loop writes this one.
        batches = threaded_batches(_batches(table.rows, rows.build, batch_rows))
        try:
            async with contextlib.aclosing(batches):
                uncommitted, since = 0, time.monotonic()
                async for batch in batches:
                    await writer.write(batch)
                    uncommitted += len(batch)
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
    normaliser = PhoneNormaliser(country)

    def is_header(cells: list[str]) -> bool:
        first = cells[0] if cells else ""
        return looks_like_header(cells, column_map) or not isinstance(
            normaliser.normalise(first), PhoneProblem
        )

    table = await _open(source, filename, settings, is_header, sheet)
    try:
        plan, header_is_data = _dnc_plan(table, normaliser, column_map)
        job_id = await start_job(
            sessions,
            ImportKind.DNC,
            filename,
            campaign_id=None,
            client_id=client_id,
            created_by=created_by,
            sheet=table.sheet,
        )
        report = ImportReport(job_id=job_id, status=ImportStatus.RUNNING.value, sheet=table.sheet)
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
                    notes=table.notes,
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
                groups = threaded_batches(_batches(table.rows, rows.build, settings.import_batch_rows))
                try:
                    async with contextlib.aclosing(groups):
                        async for group in groups:  # each row gives a list of entries
                            batch.extend(record for records in group for record in records)
                            if len(batch) >= settings.import_batch_rows:
                                await flush()
                    await flush(final=True)
                    await writer.release()
                except BaseException:
                    await _release_quietly(writer)
                    raise
                await session.commit()
        except BaseException as error:
            await _fail(sessions, report, error)
            if isinstance(error, ImportRefused):
                error.job_id = job_id
            raise
    finally:
        await asyncio.to_thread(table.close)
    report.status = ImportStatus.DONE.value
    await finish_job(sessions, report)
    return report


def _dnc_plan(
    table: Table, normaliser: PhoneNormaliser, column_map: Mapping[str, str] | None
) -> tuple[ColumnPlan, bool]:
    """The column plan of a do-not-call file; a first row that is a number means there is no header."""
    header = table.header
    first = header[0] if header else ""
    if not column_map and not isinstance(normaliser.normalise(first), PhoneProblem):
        headers = tuple(f"column {i + 1}" for i in range(len(header)))
        reason = 1 if len(header) > 1 else None
        return ColumnPlan(headers, (0,), (), None, None, (), reason), True
    return _plan(table, column_map, reason_column=True), False
