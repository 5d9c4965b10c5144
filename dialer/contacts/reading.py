"""Reading a base as rows of text cells: size check, format and encoding detection, CSV and XLSX.

Everything that can refuse a file without reading it whole happens in :func:`open_table`: the size
(by seeking, or by copying a stream that is not seekable while counting), the format (by content, not
by name), the encoding and separator (from the first 64 KiB), and the header row. The rows are then
streamed: CSV through the ``csv`` module over a text decoder, XLSX through openpyxl's read-only mode.
A decoding or CSV error later in the file raises :class:`UnreadableFile` naming the row.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any, BinaryIO

from dialer.contacts.errors import FileTooLarge, UnreadableFile

SAMPLE_BYTES = 64 * 1024
COPY_CHUNK = 1024 * 1024
MAX_FIELD_CHARS = 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024
_DELIMITERS = (";", "\t", ",", "|")

HEADER_SEARCH_ROWS = 10
REPLACEMENT = "\ufffd"
"""Stands for bytes that are not text (NUL) in a row; rows holding it are refused."""

Row = tuple[int, list[str]]
"""A row as the file shows it: its number (the header is row 1 in a file that starts with it) and cells."""
HeaderTest = Callable[[list[str]], bool]


@dataclass
class Table:
    """An opened base: its header and a one-pass iterator over the rows after it."""

    format: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    header: list[str]
    rows: Iterator[Row]
    position: Callable[[], int]
    size: int | None
    close: Callable[[], None]


def checked_source(source: BinaryIO, limit: int) -> tuple[BinaryIO, int]:
    """The source as a seekable file at its start, with its size; refuses one larger than ``limit``.

    A seekable source is measured by seeking to its end, so nothing is read. Any other stream is copied
    to a spooled temporary file, and the copy stops as soon as it passes the limit.
    """
    seekable = False
    try:
        seekable = source.seekable()
    except (AttributeError, ValueError):
        seekable = False
    if seekable:
        start = source.tell()
        size = source.seek(0, io.SEEK_END) - start
        source.seek(start)
        if size > limit:
            raise FileTooLarge(limit, size)
        return source, size
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (returned)
    size = 0
    while chunk := source.read(min(COPY_CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise FileTooLarge(limit, size)
        spool.write(chunk)
    spool.seek(0)
    return spool, size  # type: ignore[return-value]


def detect_encoding(sample: bytes) -> str:
    """UTF-16 or UTF-8 by their byte-order mark, else UTF-8 if the sample decodes strictly, else
    Windows-1251; refuses bytes that are not text in either."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise UnreadableFile("the file is not a text table (it contains binary data): upload CSV or XLSX")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text = sample.decode("cp1251")
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                "the file's text is neither UTF-8 nor Windows-1251; save it as CSV in UTF-8"
            ) from error
        encoding = "cp1251"
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 200):
        raise UnreadableFile("the file is not a text table (it contains binary data): upload CSV or XLSX")
    return encoding


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def detect_delimiter(lines: list[str]) -> str:
    """The separator of the table in the first lines: the candidate that splits the most lines into
    the same number of cells (so a title line above the table does not mislead); ``;`` wins ties."""
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        counts = Counter(_count_outside_quotes(line, delimiter) for line in lines)
        counts.pop(0, None)
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def find_header(rows: Iterator[Row], is_header: HeaderTest | None) -> tuple[int, list[str], Iterator[Row]]:
    """The header row's number and cells, and the rows after it."""
    candidates: list[Row] = []
    for number, cells in rows:
        if _is_blank(cells):
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


def _decoded_lines(source: BinaryIO, encoding: str) -> Generator[str, None, None]:
    """The file's lines as text, decoded one by one so that an error names its row exactly."""
    if encoding == "utf-16":
        yield from io.TextIOWrapper(source, encoding=encoding, errors="strict", newline="")
        return
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    readline = source.readline
    while line := readline(MAX_LINE_BYTES):
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise UnreadableFile(
                f"the file has a line longer than {MAX_LINE_BYTES:,} bytes: not a contact table"
            )
        text = line.decode(codec)
        if "\x00" in text:  # binary junk inside a text file: the row is refused, the file goes on
            text = text.replace("\x00", REPLACEMENT)
        yield text


def _csv_rows(lines: Iterator[str], delimiter: str, encoding: str) -> Iterator[Row]:
    row_number = 0
    try:
        for cells in csv.reader(lines, delimiter=delimiter):
            row_number += 1
            yield row_number, cells
    except (UnicodeError, csv.Error) as error:
        what = "not valid " + encoding if isinstance(error, UnicodeError) else "broken CSV"
        raise UnreadableFile(f"the file is {what} at row {row_number + 1}: {error}") from error


def _csv_table(source: BinaryIO, sample: bytes, size: int, is_header: HeaderTest | None) -> Table:
    encoding = detect_encoding(sample)
    lines = _decoded_lines(source, encoding)
    csv.field_size_limit(MAX_FIELD_CHARS)
    sample_text = sample.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter = detect_delimiter([line for line in sample_text.splitlines()[:50] if line.strip()][:20])
    try:
        header_row, header, rows = find_header(_csv_rows(lines, delimiter, encoding), is_header)
    except BaseException:
        lines.close()
        raise
    header[0] = header[0].lstrip("\ufeff")
    return Table("csv", encoding, delimiter, header_row, header, rows, source.tell, size, lines.close)


def cell_text(value: Any) -> str:
    """An XLSX cell as text: whole numbers without ``.0`` (phones stored as numbers), ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx_table(source: BinaryIO, is_header: HeaderTest | None) -> Table:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise UnreadableFile(f"the file looks like XLSX but is a damaged ZIP archive: {error}") from error
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UnreadableFile("the file is a ZIP archive but not an Excel workbook (.xlsx)")
    source.seek(0)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise UnreadableFile(f"the Excel workbook cannot be read: {error}") from error

    def rows() -> Iterator[Row]:
        row_number = 0
        try:
            for raw in values:
                row_number += 1
                yield row_number, [cell_text(v) for v in raw]
        except Exception as error:  # a damaged sheet part
            raise UnreadableFile(f"the Excel workbook is damaged at row {row_number + 1}: {error}") from error

    try:
        header_row, header, rest = find_header(rows(), is_header)
    except BaseException:
        workbook.close()
        raise
    # openpyxl reads the archive itself, so there is no byte position to report progress by.
    return Table("xlsx", None, None, header_row, header, rest, lambda: 0, None, workbook.close)


def open_table(
    source: BinaryIO, filename: str, *, max_bytes: int, is_header: HeaderTest | None = None
) -> Table:
    """Open a CSV or XLSX base; every refusal here happens before anything is imported.

    ``is_header`` recognises the header row among the first :data:`HEADER_SEARCH_ROWS` non-blank rows
    (title lines above a table are skipped); without it, or if no row qualifies, the first non-blank
    row is the header."""
    source, size = checked_source(source, max_bytes)
    start = source.tell()
    sample = source.read(SAMPLE_BYTES)
    source.seek(start)
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    if sample.startswith(b"PK\x03\x04"):
        return _xlsx_table(source, is_header)
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Excel .xls files are not supported: save the sheet as .xlsx or CSV")
    if sample.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise UnreadableFile(f"{filename or 'the file'} is not a table: upload CSV or XLSX")
    return _csv_table(source, sample, size, is_header)
