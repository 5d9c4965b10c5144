"""An XLSX workbook read in a child process with bounded memory.

openpyxl parses XML in Python: in a thread it still holds the GIL for seconds on a large workbook
and stalls the event loop the engine dials from. :func:`open_workbook_in_child` copies the upload to
a temporary file and starts a *spawned* process (never a fork of a process with threads and an
event loop) whose address space is capped with ``RLIMIT_AS``. The child checks the archive
(:func:`dialer.contacts.xlsx.check_archive`), sends each candidate sheet's first non-blank rows, and,
once the parent has chosen the sheet and its header row with the importer's own header test (a
closure, which cannot cross processes), streams that sheet's rows back in batches through a pipe.
The pipe's buffer is the back-pressure: the child waits while the parent's rows are not consumed.

A child that runs out of memory or dies answers as an unreadable file naming the limit; closing the
table stops the child and removes the copy.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import resource
import shutil
import tempfile
import zlib
from collections.abc import Generator
from multiprocessing.connection import Connection
from typing import Any, BinaryIO

from dialer.contacts.errors import UnreadableFile
from dialer.contacts.table import HEADER_SEARCH_ROWS, HeaderTest, Row, Table, is_blank
from dialer.contacts.xlsx import MAX_HEADER_COLUMNS, check_archive, named_sheet, sheet_rows, trimmed

BATCH_ROWS = 1000
"""Rows per message from the child."""
NICENESS = 10
"""How much lower than the service the reading process is scheduled."""
STOP_GRACE_S = 5.0
"""How long a stopped child may take to exit before it is killed."""

Candidate = tuple[str, list[Row]]
"""A sheet's title and its first non-blank rows (trimmed), as the header search sees them."""


def _limit_memory(max_bytes: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _first_rows(sheet: Any) -> list[Row]:
    rows = sheet_rows(sheet, sheet.title, min_row=1, max_col=MAX_HEADER_COLUMNS)
    found: list[Row] = []
    try:
        for number, cells in rows:
            if not is_blank(cells):
                found.append((number, trimmed(cells)))
                if len(found) >= HEADER_SEARCH_ROWS:
                    break
    finally:
        rows.close()
    return found


def _read(conn: Connection, path: str, sheet: str | None, max_part_bytes: int) -> None:
    with open(path, "rb") as source:
        names = set(check_archive(source, max_part_bytes=max_part_bytes))
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnreadableFile("the file is a ZIP archive but not an Excel workbook (.xlsx)")
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except (UnreadableFile, MemoryError):
            raise
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise UnreadableFile(f"the Excel workbook cannot be read: {error}") from error
        try:
            worksheets = list(workbook.worksheets)
            if not worksheets:
                raise UnreadableFile("the workbook has no sheets")
            for ws in worksheets:
                ws.reset_dimensions()
            candidates = [named_sheet(worksheets, sheet)] if sheet is not None else worksheets
            conn.send(
                (
                    "sheets",
                    tuple(ws.title for ws in worksheets),
                    [(ws.title, _first_rows(ws)) for ws in candidates],
                )
            )
            command = conn.recv()
            if command[0] != "read":
                return
            _, title, min_row, max_col = command
            chosen = next(ws for ws in worksheets if ws.title == title)
            batch: list[Row] = []
            for row in sheet_rows(chosen, title, min_row=min_row, max_col=max_col):
                batch.append(row)
                if len(batch) >= BATCH_ROWS:
                    conn.send(("rows", batch))
                    batch = []
            conn.send(("rows", batch))
            conn.send(("done",))
        finally:
            workbook.close()


Z_MEM_ERROR = "Error -4 "  # zlib's own "out of memory", raised as zlib.error, not MemoryError


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether ``error``, or what caused it, is the memory cap reached: ``MemoryError``, ``ENOMEM``,
    zlib failing to allocate while inflating a part, or the XML parser failing to while parsing one."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, MemoryError) or (isinstance(error, OSError) and error.errno == errno.ENOMEM):
            return True
        if isinstance(error, zlib.error) and str(error).startswith(Z_MEM_ERROR):
            return True
        if "out of memory" in str(error) and not isinstance(error, UnreadableFile):
            return True  # the XML parser (expat, libxml2) could not allocate: its error says so in words
        error = error.__cause__ or error.__context__
    return False


def _serve(conn: Connection, path: str, sheet: str | None, max_part_bytes: int, max_memory: int) -> None:
    """The child's work; every refusal is sent to the parent as its message."""
    _limit_memory(max_memory)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)  # the service's own process is scheduled first
    try:
        _read(conn, path, sheet, max_part_bytes)
    except (BrokenPipeError, EOFError):
        return  # the parent stopped reading
    except Exception as error:
        if _out_of_memory(error):
            _send_quietly(
                conn,
                (
                    "error",
                    f"reading the workbook needs more than {max_memory:,} bytes of memory "
                    "(DIALER_IMPORT_XLSX_MAX_MEMORY_BYTES): save the sheet as CSV",
                ),
            )
        elif isinstance(error, UnreadableFile):
            _send_quietly(conn, ("error", error.message))
        else:
            _send_quietly(conn, ("error", f"the Excel workbook cannot be read: {error}"))
    finally:
        conn.close()


def _send_quietly(conn: Connection, message: tuple[str, ...]) -> None:
    with contextlib.suppress(OSError):
        conn.send(message)


class _Child:
    """The parent's side: the process, its pipe and the file copy it reads."""

    def __init__(self, source: BinaryIO, sheet: str | None, max_part_bytes: int, max_memory: int) -> None:
        self.max_memory = max_memory
        fd, self.path = tempfile.mkstemp(prefix="dialer-import-", suffix=".xlsx")
        try:
            with os.fdopen(fd, "wb") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)
            context = multiprocessing.get_context("spawn")
            self.conn, child_end = context.Pipe()
            self.process = context.Process(
                target=_serve,
                args=(child_end, self.path, sheet, max_part_bytes, max_memory),
                name="dialer-xlsx-reader",
                daemon=True,
            )
            self.process.start()
            child_end.close()
        except BaseException:
            os.unlink(self.path)
            raise

    def receive(self, where: str = "") -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(STOP_GRACE_S)
            raise UnreadableFile(
                f"{where}the workbook's reader stopped (exit code {self.process.exitcode}): the "
                f"workbook needs more than {self.max_memory:,} bytes of memory "
                "(DIALER_IMPORT_XLSX_MAX_MEMORY_BYTES) or is damaged; save the sheet as CSV"
            ) from None
        if message[0] == "error":
            raise UnreadableFile(message[1])
        return message

    def rows(self, title: str) -> Generator[Row, None, None]:
        while True:
            message = self.receive(f"sheet {title!r}: ")
            if message[0] == "done":
                return
            yield from message[1]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()  # a child waiting to send or for a command sees the pipe end
        self.process.join(STOP_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def _choose(candidates: list[Candidate], is_header: HeaderTest | None) -> tuple[str, int, list[str]] | None:
    """The sheet whose header row ``is_header`` accepts first, else the first sheet that is not empty
    (its first non-blank row as the header); ``None`` when every candidate is empty."""
    fallback: tuple[str, int, list[str]] | None = None
    for title, rows in candidates:
        for number, cells in rows:
            if is_header is None or is_header(cells):
                return title, number, cells
        if rows and fallback is None:
            fallback = (title, *rows[0])
    return fallback


def open_workbook_in_child(
    source: BinaryIO,
    *,
    is_header: HeaderTest | None,
    sheet: str | None,
    max_part_bytes: int,
    max_memory: int,
) -> Table:
    """Open a workbook at the chosen sheet (see :mod:`dialer.contacts.xlsx`), parsed in a child process
    with at most ``max_memory`` bytes of address space. Blocks while the child starts and reads the
    first rows: call it off the event loop."""
    child = _Child(source, sheet, max_part_bytes, max_memory)
    try:
        _, titles, candidates = child.receive()
        chosen = _choose(candidates, is_header)
        if chosen is None:
            which = f"sheet {sheet!r}" if sheet is not None else "every sheet"
            raise UnreadableFile(f"the workbook is empty ({which}: no header row and no data)")
        title, header_row, header = chosen
        child.conn.send(("read", title, header_row + 1, len(header) + 1))
    except BaseException:
        child.close()
        raise
    # The child reads the archive itself, so there is no byte position to report progress by: the
    # importer's progress counts rows.
    return Table(
        "xlsx",
        None,
        None,
        header_row,
        header,
        child.rows(title),
        lambda: 0,
        None,
        child.close,
        sheet=title,
        sheets=titles,
    )
