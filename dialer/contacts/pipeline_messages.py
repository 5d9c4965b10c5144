"""What the importer and its reading process (:mod:`dialer.contacts.pipeline_worker`) say to each other.

Every message is pickled and framed by its length (:data:`HEADER`). The importer writes to the
process's standard input: a :class:`ReadSpec`, then, once the file is open and the job recorded, a
:class:`ContactsGo` or :class:`DncGo`, then one :data:`CREDIT` byte for every batch it takes off the
pipe. The process writes to its standard output: :class:`Opened` (or :class:`Failed`), then
:class:`Batch` after batch, the last with ``done`` set. The process never has more than
:data:`DEPTH` batches that the importer has not taken, so memory stays bounded whatever the file's size.

Both ends run this project's own code, so pickle is safe here; nothing of this crosses a network.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
from array import array
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from dialer.contacts.report import ImportReport, RowProblem

HEADER = struct.Struct("!Q")
"""A message's length in bytes, before it."""
CREDIT = b"+"
"""The importer took one batch: the process may send another."""
DEPTH = 3
"""Batches the process may send ahead of the importer: it reads and builds them while the importer
writes the one before to the database."""


@dataclass(frozen=True, slots=True)
class ReadSpec:
    """What to read and how: the file (a descriptor passed to the process, read from ``start``), the
    limits of :func:`dialer.contacts.reading.open_table`, and the rules for the rows."""

    kind: Literal["contacts", "dnc"]
    fd: int
    start: int
    filename: str
    country: str
    column_map: dict[str, str] | None
    sheet: str | None
    batch_rows: int
    hand_over_s: float
    max_bytes: int
    max_rows: int | None
    xlsx_max_part_bytes: int
    xlsx_max_memory_bytes: int


@dataclass(frozen=True, slots=True)
class Opened:
    """The file is open and has the columns an import needs: the sheet read (``None`` for CSV) and
    the file's size in bytes (``None`` where progress cannot be told in bytes)."""

    sheet: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class ContactsGo:
    """Build contact records: for this campaign and import job, against the numbers the campaign
    has already and the client's do-not-call numbers (E.164 digits as integers); ``binary_copy``: send
    them as PostgreSQL binary COPY data (:mod:`dialer.contacts.copy_binary`), else as flat values."""

    campaign_id: int
    import_id: int
    known: array[int]
    dnc: array[int]
    binary_copy: bool


@dataclass(frozen=True, slots=True)
class DncGo:
    """Build do-not-call entries for this list (``None``: the global one), skipping numbers on it."""

    client_id: int | None
    known: set[str]
    default_reason: str


@dataclass(frozen=True, slots=True)
class RowCounts:
    """The row rules' running counts (:class:`~dialer.contacts.report.ImportReport`'s)."""

    rows_read: int
    imported: int
    duplicates: int
    on_dnc: int
    rejected: int
    problems_total: int

    @classmethod
    def of(cls, report: ImportReport) -> RowCounts:
        return cls(
            report.rows_read,
            report.imported,
            report.duplicates,
            report.on_dnc,
            report.rejected,
            report.problems_total,
        )

    def apply(self, report: ImportReport, problems: list[RowProblem]) -> None:
        """Bring ``report`` to these counts, with ``problems`` the ones found since the last counts."""
        report.rows_read = self.rows_read
        report.imported = self.imported
        report.duplicates = self.duplicates
        report.on_dnc = self.on_dnc
        report.rejected = self.rejected
        report.problems_total = self.problems_total
        report.problems.extend(problems)


@dataclass(frozen=True, slots=True)
class Batch:
    """Records to write, in file order, with the counts once they are built and the problems found
    since the previous batch; ``done``: the file is read and nothing follows.

    Do-not-call entries come as ``records``. Contact records come as ``copy``, PostgreSQL binary COPY
    data, or as ``flat``, their values one after another (for SQLite's multi-row INSERTs): either way
    the loop does not build a tuple a row (the allocations set off the interpreter's full garbage
    collections, 100-170 ms each on the service's heap)."""

    records: list[tuple[Any, ...]]
    copy: bytes | None
    flat: list[Any] | None
    counts: RowCounts
    problems: list[RowProblem]
    bytes_read: int
    done: bool


@dataclass(frozen=True, slots=True)
class Failed:
    """The process stopped on ``error`` (a refusal of the file, or a fault), raised by the importer."""

    error: BaseException


def frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def write_message(out: BinaryIO, message: object) -> None:
    """Send ``message`` over a blocking pipe (the process's side)."""
    out.write(frame(message))
    out.flush()


def read_message(source: BinaryIO) -> object:
    """The next message from a blocking pipe; ``EOFError`` if the other end has closed it."""
    header = source.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError("the importer closed the pipe")
    (length,) = HEADER.unpack(header)
    payload = source.read(length)
    if len(payload) < length:
        raise EOFError("the importer closed the pipe")
    return pickle.loads(payload)


async def receive(reader: asyncio.StreamReader) -> object:
    """The next message from the process; ``asyncio.IncompleteReadError`` if it is gone."""
    (length,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(length))
