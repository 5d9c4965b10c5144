"""The import's reading process: opens a base, applies the row rules, and sends records in batches.

Run as ``python -m dialer.contacts.pipeline_worker`` by :mod:`dialer.contacts.pipeline`, which speaks
to it as :mod:`dialer.contacts.pipeline_messages` describes. Everything CPU-bound about an import
happens here: decoding, the CSV reader, the phone numbers, duplicates, building the records (an XLSX
workbook is parsed one process further, with capped memory: :mod:`dialer.contacts.xlsx_process`). In
the service's own process that work held the GIL, and the event loop the engine dials from waited
for it; here it runs on the other core while the importer writes the previous batch.

It imports no database code (an import-linter contract in ``pyproject.toml`` holds that), so it starts
in a tenth of a second. Standard output carries the messages; anything printed goes to standard error.

It runs at the service's own priority. Being one process it takes at most one core of two; niced by 5,
it lost 15-25% of a SQLite import's speed on a busy machine (28,000 rows/s against 33,000-38,000)
for 5 ms less at the 99th percentile of the event loop's lateness (20 against 25-27 ms; PostgreSQL
imports: 9-11 ms either way).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from dialer.contacts.columns import ColumnPlan, looks_like_header, plan_columns
from dialer.contacts.copy_binary import ContactCopy
from dialer.contacts.errors import ImportRefused, UnreadableFile
from dialer.contacts.phones import PhoneNormaliser, PhoneProblem
from dialer.contacts.pipeline_messages import (
    CREDIT,
    DEPTH,
    Batch,
    ContactsGo,
    DncGo,
    Failed,
    Opened,
    ReadSpec,
    RowCounts,
    read_message,
    write_message,
)
from dialer.contacts.reading import Table, open_table
from dialer.contacts.report import ImportReport
from dialer.contacts.rows import ContactRows, DncRows
from dialer.contacts.table import Row

_CLOCK_EVERY = 256
"""Rows between looks at the clock."""


def table_plan(table: Table, column_map: dict[str, str] | None, *, reason_column: bool = False) -> ColumnPlan:
    """The column plan of the table's header; a refusal names the sheet, and the other sheets."""
    try:
        return plan_columns(table.header, column_map, reason_column=reason_column)
    except UnreadableFile as error:
        others = [name for name in table.sheets if name != table.sheet]
        hint = ""
        if others:
            hint = f"; the workbook's other sheets ({', '.join(map(repr, others))}) have none either"
        raise UnreadableFile(table.where() + error.message + hint) from error


def dnc_plan(
    table: Table, normaliser: PhoneNormaliser, column_map: dict[str, str] | None
) -> tuple[ColumnPlan, bool]:
    """The column plan of a do-not-call file; a first row that is a number means there is no header."""
    header = table.header
    first = header[0] if header else ""
    if not column_map and not isinstance(normaliser.normalise(first), PhoneProblem):
        headers = tuple(f"column {i + 1}" for i in range(len(header)))
        reason = 1 if len(header) > 1 else None
        return ColumnPlan(headers, (0,), (), None, None, (), reason), True
    return table_plan(table, column_map, reason_column=True), False


def _open(spec: ReadSpec, source: BinaryIO, normaliser: PhoneNormaliser) -> tuple[Table, ColumnPlan, bool]:
    """The table, its plan, and whether its first row is data (a do-not-call file without header)."""
    column_map = spec.column_map

    def is_header(cells: list[str]) -> bool:
        if looks_like_header(cells, column_map):
            return True
        # A do-not-call file may be bare numbers: its first row is the "header", read as data.
        first = cells[0] if cells else ""
        return spec.kind == "dnc" and not isinstance(normaliser.normalise(first), PhoneProblem)

    table = open_table(
        source,
        spec.filename,
        max_bytes=spec.max_bytes,
        is_header=is_header,
        max_rows=spec.max_rows,
        sheet=spec.sheet,
        xlsx_max_part_bytes=spec.xlsx_max_part_bytes,
        xlsx_max_memory_bytes=spec.xlsx_max_memory_bytes,
    )
    try:
        if spec.kind == "dnc":
            plan, header_is_data = dnc_plan(table, normaliser, column_map)
            return table, plan, header_is_data
        return table, table_plan(table, column_map), False
    except BaseException:
        table.close()
        raise


class _Sender:
    """Sends batches, never more than :data:`DEPTH` ahead of what the importer has taken."""

    def __init__(
        self,
        out: BinaryIO,
        commands: BinaryIO,
        report: ImportReport,
        table: Table,
        encode: Callable[[list[tuple[Any, ...]]], bytes] | None,
        flatten: bool,
    ) -> None:
        self.out = out
        self.encode = encode
        self.flatten = flatten
        self.commands = commands
        self.report = report
        self.table = table
        self.ahead = 0
        self.problems_sent = 0
        self.bytes_read = 0

    def _position(self, done: bool) -> int:
        """Bytes of the file read so far; all of them once done (a UTF-16 reader has closed it then)."""
        size = self.table.size
        if done and size is not None:
            return size
        with contextlib.suppress(ValueError):  # the reader closed the file at its end: the last place stands
            self.bytes_read = self.table.position()
        return self.bytes_read

    def send(self, records: list[tuple[Any, ...]], *, done: bool = False) -> None:
        while self.ahead >= DEPTH:
            if self.commands.read(1) != CREDIT:
                raise EOFError("the importer stopped taking batches")
            self.ahead -= 1
        problems = self.report.problems[self.problems_sent :]
        self.problems_sent += len(problems)
        copy = flat = None
        if self.encode is not None:
            copy, records = self.encode(records), []
        elif self.flatten:
            flat, records = list(itertools.chain.from_iterable(records)), []
        batch = Batch(records, copy, flat, RowCounts.of(self.report), problems, self._position(done), done)
        write_message(self.out, batch)
        self.ahead += 1


def _rows_builder(
    spec: ReadSpec,
    go: ContactsGo | DncGo,
    plan: ColumnPlan,
    normaliser: PhoneNormaliser,
    report: ImportReport,
    table: Table,
) -> tuple[Callable[[int, list[str]], Any], bool]:
    """The row rules' ``build`` and whether it gives a list of records per row (do-not-call)."""
    if isinstance(go, ContactsGo):
        contacts = ContactRows(
            plan,
            normaliser,
            report,
            campaign_id=go.campaign_id,
            import_id=go.import_id,
            known=dict.fromkeys(go.known, 0),
            dnc=set(go.dnc),
            notes=table.notes,
        )
        return contacts.build, False
    entries = DncRows(
        plan,
        normaliser,
        report,
        client_id=go.client_id,
        known=go.known,
        default_reason=go.default_reason,
        notes=table.notes,
    )
    return entries.build, True


def _stream(
    rows: Iterator[Row],
    build: Callable[[int, list[str]], Any],
    many: bool,
    sender: _Sender,
    spec: ReadSpec,
    first: list[tuple[Any, ...]],
) -> None:
    """Build every row and send the records ``spec.batch_rows`` at a time, or what there is every
    ``spec.hand_over_s`` (so the importer can report progress), the last batch marked done."""
    size = max(1, spec.batch_rows)
    batch = first
    clock = time.monotonic
    due = clock() + spec.hand_over_s
    countdown = _CLOCK_EVERY
    for row in rows:
        record = build(*row)
        if many:
            batch.extend(record)
        elif record is not None:
            batch.append(record)
        countdown -= 1
        if len(batch) >= size or (countdown <= 0 and clock() >= due):
            sender.send(batch)
            batch = []
            due = clock() + spec.hand_over_s
            countdown = _CLOCK_EVERY
        elif countdown <= 0:
            countdown = _CLOCK_EVERY
    sender.send(batch, done=True)


def serve(spec: ReadSpec, out: BinaryIO, commands: BinaryIO) -> None:
    """Open the file, say so, wait for the go, and send its records."""
    normaliser = PhoneNormaliser(spec.country)
    with os.fdopen(spec.fd, "rb") as source:
        source.seek(spec.start)
        table, plan, header_is_data = _open(spec, source, normaliser)
        try:
            write_message(out, Opened(table.sheet, table.size))
            go = read_message(commands)
            if not isinstance(go, ContactsGo | DncGo):
                raise TypeError(f"expected the go, got {type(go).__name__}")
            report = ImportReport(job_id=0, status="running", sheet=table.sheet)
            build, many = _rows_builder(spec, go, plan, normaliser, report, table)
            first: list[tuple[Any, ...]] = []
            if header_is_data:
                first.extend(build(table.header_row, table.header))
            encode = None
            if isinstance(go, ContactsGo) and go.binary_copy:
                encode = ContactCopy(go.campaign_id, go.import_id).encode
            sender = _Sender(out, commands, report, table, encode, flatten=isinstance(go, ContactsGo))
            _stream(table.rows, build, many, sender, spec, first)
        finally:
            table.close()


def _failure(error: BaseException) -> Failed:
    """``error`` as the importer can raise it: a refusal as it is, anything else as it is if it
    survives pickling (its traceback goes to standard error), else as a ``RuntimeError`` naming it."""
    if isinstance(error, ImportRefused):
        return Failed(error)
    traceback.print_exception(error, file=sys.stderr)
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return Failed(RuntimeError(f"{type(error).__name__}: {error}"))
    return Failed(error)


def _stop(_signal: int, _frame: object) -> None:
    raise SystemExit(0)  # the importer stops us: unwind, so the workbook's own process is stopped too


def main() -> int:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the messages
    commands = os.fdopen(0, "rb")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the importer's to handle: it stops us
    try:
        spec = read_message(commands)
        if not isinstance(spec, ReadSpec):
            raise TypeError(f"expected a ReadSpec, got {type(spec).__name__}")
        serve(spec, out, commands)
    except (BrokenPipeError, EOFError):
        return 0  # the importer stopped reading: nothing to say, nobody to say it to
    except Exception as error:
        with contextlib.suppress(OSError):
            write_message(out, _failure(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
