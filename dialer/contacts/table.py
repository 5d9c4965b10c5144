"""An opened base as the importer sees it: a header, one pass over the rows, and notes on bad rows.

Readers (:mod:`dialer.contacts.reading` for CSV, :mod:`dialer.contacts.xlsx` for workbooks) build a
:class:`Table`. A problem a reader meets in one row (a line that is not text in the file's encoding,
a cell too long for the CSV reader) does not stop the file: the reader files a :class:`RowNote` under
the row's number, and the row rules (:mod:`dialer.contacts.rows`) refuse or note that row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from dialer.contacts.errors import UnreadableFile

HEADER_SEARCH_ROWS = 10
REPLACEMENT = "\ufffd"
"""Stands for bytes that are not text (NUL) in a row; rows holding it are refused."""
WHOLE_ROW = "(row)"
"""The column named in a problem that concerns the whole row."""

Row = tuple[int, list[str]]
"""A row as the file shows it: its number (the header is row 1 in a file that starts with it) and cells."""
HeaderTest = Callable[[list[str]], bool]


@dataclass(frozen=True, slots=True)
class RowNote:
    """What a reader found wrong with one row: refused (``reject``) or only noted in the report."""

    reason: str
    reject: bool
    column: str = WHOLE_ROW
    value: str = ""


@dataclass
class Table:
    """An opened base: its header and a one-pass iterator over the rows after it.

    ``notes`` fills as ``rows`` is read, under the numbers of the rows concerned. ``sheet`` is the
    workbook sheet read (``None`` for CSV), ``sheets`` every sheet of the workbook."""

    format: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    header: list[str]
    rows: Iterator[Row]
    position: Callable[[], int]
    size: int | None
    close: Callable[[], None]
    notes: dict[int, RowNote] = field(default_factory=dict)
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    def where(self) -> str:
        """``sheet 'Name': `` for a workbook, empty for CSV: the prefix of every message."""
        return f"sheet {self.sheet!r}: " if self.sheet is not None else ""


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def find_header(rows: Iterator[Row], is_header: HeaderTest | None) -> tuple[int, list[str], Iterator[Row]]:
    """The header row's number and cells, and the rows after it."""
    candidates: list[Row] = []
    for number, cells in rows:
        if is_blank(cells):
            continue
        candidates.append((number, cells))
        if is_header is None or is_header(cells):
            return number, cells, rows
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    if not candidates:
        raise UnreadableFile("the file is empty: no header row and no data")
    number, cells = candidates[0]
    return number, cells, itertools.chain(candidates[1:], rows)


def bounded_rows(rows: Iterator[Row], limit: int, where: str = "") -> Iterator[Row]:
    """``rows``, refusing the file once more than ``limit`` rows have come (``DIALER_IMPORT_MAX_ROWS``)."""
    for count, row in enumerate(rows, 1):
        if count > limit:
            raise UnreadableFile(
                f"{where}the file has more than {limit:,} rows (DIALER_IMPORT_MAX_ROWS): split it"
            )
        yield row
