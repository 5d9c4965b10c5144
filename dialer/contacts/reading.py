"""Reading a base as rows of text cells: size check, format and encoding detection, CSV and XLSX.

Everything that can refuse a file without reading it whole happens in :func:`open_table`: the size
(by seeking, or by copying a stream that is not seekable while counting), the format (by content, not
by name), the encoding and separator (from the first 64 KiB), and the header row. The rows are then
streamed: CSV through the ``csv`` module over a text decoder, XLSX through :mod:`dialer.contacts.xlsx`
in a child process (:mod:`dialer.contacts.xlsx_process`).

One bad row never stops a CSV file. A line that is not valid UTF-8 in a UTF-8 file is read as
Windows-1251 (a row pasted in from another file) and noted in the report; a line that is text in
neither is read with replacement characters and its row refused. A line over
:data:`MAX_LINE_BYTES` or a cell over :data:`MAX_FIELD_CHARS` refuses its row; the next row is read.
These go to the table's ``notes`` (:class:`dialer.contacts.table.RowNote`).
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Generator, Iterator
from typing import IO, BinaryIO

from dialer.contacts.errors import FileTooLarge, UnreadableFile
from dialer.contacts.table import (
    REPLACEMENT,
    HeaderTest,
    Row,
    RowNote,
    Table,
    bounded_rows,
    find_header,
)
from dialer.contacts.xlsx_process import open_workbook_in_child

SAMPLE_BYTES = 64 * 1024
COPY_CHUNK = 1024 * 1024
MAX_FIELD_CHARS = 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024
_DELIMITERS = (";", "\t", ",", "|")

__all__ = ["REPLACEMENT", "Row", "RowNote", "Table", "open_table"]


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
    """UTF-16 or UTF-8 by their byte-order mark, else UTF-8 if the sample's lines with letters beyond
    ASCII are mostly UTF-8 (the others are read line by line as Windows-1251), else Windows-1251;
    refuses bytes that are not text (too many control characters)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        utf8 = other = 0
        for line in sample.split(b"\n")[:-1] or [sample]:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
        encoding = "utf-8" if utf8 > other else "cp1251"
        if encoding == "cp1251":
            try:
                text = sample.decode("cp1251")
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    "the file's text is neither UTF-8 nor Windows-1251; save it as CSV in UTF-8"
                ) from error
        else:
            text = sample.decode(encoding, errors="replace")
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


def _decoded_lines(source: BinaryIO, encoding: str, flags: dict[int, RowNote]) -> Generator[str, None, None]:
    """The file's lines as text, decoded one by one; a line's problem goes to ``flags`` by line number."""
    if encoding == "utf-16":
        yield from io.TextIOWrapper(source, encoding=encoding, errors="replace", newline="")
        return
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    readline = source.readline
    number = 0
    while line := readline(MAX_LINE_BYTES):
        number += 1
        if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # skip to the end of the line
            flags[number] = RowNote(f"line longer than {MAX_LINE_BYTES:,} bytes: not read", reject=True)
            yield "\n"
            continue
        try:
            text = line.decode(codec)
        except UnicodeDecodeError:
            text = _fallback(line, codec, number, flags)
        if "\x00" in text:  # binary junk inside a text file: the row is refused, the file goes on
            text = text.replace("\x00", REPLACEMENT)
        yield text


def _fallback(line: bytes, codec: str, number: int, flags: dict[int, RowNote]) -> str:
    """A line that is not valid in the file's encoding: Windows-1251 in a UTF-8 file, else replaced."""
    if codec == "utf-8":
        try:
            text = line.decode("cp1251")
        except UnicodeDecodeError:
            pass
        else:
            flags.setdefault(
                number, RowNote("not valid UTF-8: the row was read as Windows-1251", reject=False)
            )
            return text
    return line.decode(codec, errors="replace")  # the replacement characters refuse the row


def _csv_rows(
    lines: Iterator[str], delimiter: str, flags: dict[int, RowNote], notes: dict[int, RowNote]
) -> Iterator[Row]:
    """Records as rows; a line's flag becomes the note of the row it belongs to, a CSV error its own."""
    reader = csv.reader(lines, delimiter=delimiter)
    row_number = 0
    last_line = 0
    while True:
        try:
            for cells in reader:  # a for loop, not next() per row: this runs for every row of a base
                row_number += 1
                if flags:
                    for line in range(last_line + 1, reader.line_num + 1):
                        flag = flags.pop(line, None)
                        if flag is not None and (flag.reject or row_number not in notes):
                            notes[row_number] = flag
                last_line = reader.line_num
                yield row_number, cells
            return
        except csv.Error as error:  # the reader goes on with the next record
            row_number += 1
            reason = str(error)
            if "field larger than field limit" in reason:
                reason = f"a cell longer than {MAX_FIELD_CHARS:,} characters"
            notes[row_number] = RowNote(f"not read: {reason}", reject=True)
            last_line = reader.line_num
            yield row_number, []


def _csv_table(source: BinaryIO, sample: bytes, size: int, is_header: HeaderTest | None) -> Table:
    encoding = detect_encoding(sample)
    flags: dict[int, RowNote] = {}
    notes: dict[int, RowNote] = {}
    lines = _decoded_lines(source, encoding, flags)
    csv.field_size_limit(MAX_FIELD_CHARS)
    sample_text = sample.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter = detect_delimiter([line for line in sample_text.splitlines()[:50] if line.strip()][:20])
    try:
        header_row, header, rows = find_header(_csv_rows(lines, delimiter, flags, notes), is_header)
    except BaseException:
        lines.close()
        raise
    header[0] = header[0].lstrip("\ufeff")
    return Table(
        "csv", encoding, delimiter, header_row, header, rows, source.tell, size, lines.close, notes=notes
    )


def open_table(
    source: BinaryIO,
    filename: str,
    *,
    max_bytes: int,
    is_header: HeaderTest | None = None,
    max_rows: int | None = None,
    sheet: str | None = None,
    xlsx_max_part_bytes: int = 256 * 1024 * 1024,
    xlsx_max_memory_bytes: int = 2 * 1024 * 1024 * 1024,
) -> Table:
    """Open a CSV or XLSX base; every refusal here happens before anything is imported.

    ``is_header`` recognises the header row among the first
    :data:`~dialer.contacts.table.HEADER_SEARCH_ROWS` non-blank rows (title lines above a table are
    skipped); without it, or if no row qualifies, the first non-blank row is the header. Reading more
    than ``max_rows`` rows refuses the file then. ``sheet`` chooses a workbook's sheet; a CSV file
    given one is refused. A workbook is parsed in a child process with at most ``xlsx_max_memory_bytes``
of memory (:mod:`dialer.contacts.xlsx_process`). This reads and parses: call it off the event loop."""
    table = _open(source, filename, max_bytes, is_header, sheet, xlsx_max_part_bytes, xlsx_max_memory_bytes)
    if max_rows is not None:
        table.rows = bounded_rows(table.rows, max_rows, table.where())
    return table


def _open(
    source: BinaryIO,
    filename: str,
    max_bytes: int,
    is_header: HeaderTest | None,
    sheet: str | None,
    xlsx_max_part_bytes: int,
    xlsx_max_memory_bytes: int,
) -> Table:
    source, size = checked_source(source, max_bytes)
    start = source.tell()
    sample = source.read(SAMPLE_BYTES)
    source.seek(start)
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    if sample.startswith(b"PK\x03\x04"):
        return open_workbook_in_child(
            source,
            is_header=is_header,
            sheet=sheet,
            max_part_bytes=xlsx_max_part_bytes,
            max_memory=xlsx_max_memory_bytes,
        )
    if sheet is not None:
        raise UnreadableFile(f"a sheet ({sheet!r}) was asked for, but the file is not an XLSX workbook")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("old Excel .xls files are not supported: save the sheet as .xlsx or CSV")
    if sample.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise UnreadableFile(f"{filename or 'the file'} is not a table: upload CSV or XLSX")
    return _csv_table(source, sample, size, is_header)
