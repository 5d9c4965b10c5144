"""Reading an XLSX workbook safely: the archive checked before anything is inflated, then one sheet
streamed through openpyxl's read-only mode (in a child process: :mod:`dialer.contacts.xlsx_process`).

An XLSX file is a ZIP archive of XML parts, and a small archive can inflate to gigabytes (a "zip
bomb"). Before openpyxl opens it, :func:`check_archive` reads the central directory only and refuses
an archive whose directory is oversized, a part whose declared size is over the limit, or a part
larger than 1 MiB that claims to inflate more than :data:`MAX_RATIO` times. Python's ``zipfile``
never inflates a part beyond its declared size (it stops there and fails the CRC check), so the
declared sizes bound what is really inflated. openpyxl streams the sheet itself but holds the shared
strings table in memory, so the part limit bounds memory too.

The sheet read is the one named by the ``sheet`` option (by name, or by number from 1), else the first
sheet with a header row naming a phone column, else the first sheet that is not empty.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Generator
from datetime import date, datetime, time
from typing import Any, BinaryIO

from dialer.contacts.errors import UnreadableFile
from dialer.contacts.table import Row

MAX_RATIO = 100
"""The most a part over :data:`RATIO_FLOOR` bytes may inflate (Apache POI's limit is the same)."""
RATIO_FLOOR = 1024 * 1024
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024
"""The largest central directory accepted (about 50,000 parts; a workbook has a few dozen)."""
MAX_HEADER_COLUMNS = 512
"""Columns read while looking for the header; the rows after it are read as wide as the header."""
_END_OF_DIRECTORY = b"PK\x05\x06"


def _directory_size(source: BinaryIO) -> int:
    """The central directory's size from the end record, read before ``zipfile`` parses the directory."""
    end = source.seek(0, 2)
    tail_length = min(end, 22 + 65535)
    source.seek(end - tail_length)
    tail = source.read(tail_length)
    source.seek(0)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        raise UnreadableFile("the file looks like XLSX but is a damaged ZIP archive (no end record)")
    size: int = struct.unpack_from("<I", tail, at + 12)[0]
    return size


def check_archive(source: BinaryIO, *, max_part_bytes: int) -> list[str]:
    """Refuse an archive that would inflate beyond the limits; the names of its parts otherwise."""
    if _directory_size(source) > MAX_DIRECTORY_BYTES:
        raise UnreadableFile(
            f"the XLSX archive's directory is over {MAX_DIRECTORY_BYTES:,} bytes: not a workbook"
        )
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UnreadableFile(f"the file looks like XLSX but is a damaged ZIP archive: {error}") from error
    finally:
        source.seek(0)
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise UnreadableFile(
                f"the workbook's part {part.filename} claims to inflate {ratio:,} times "
                f"({part.compress_size:,} to {part.file_size:,} bytes; at most {MAX_RATIO} times): "
                "refused unread as a zip bomb"
            )
        if part.file_size > max_part_bytes:
            raise UnreadableFile(
                f"the workbook's part {part.filename} would inflate to {part.file_size:,} bytes, over "
                f"the {max_part_bytes:,}-byte limit (DIALER_IMPORT_XLSX_MAX_PART_BYTES): refused "
                "unread; save the sheet as CSV"
            )
    return [part.filename for part in parts]


def cell_text(value: Any) -> str:
    """An XLSX cell as text: whole numbers without ``.0`` (phones stored as numbers), ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def sheet_rows(sheet: Any, name: str, *, min_row: int, max_col: int) -> Generator[Row, None, None]:
    """A sheet's rows from ``min_row``, ``max_col`` cells wide less an empty last one, numbered as Excel
    shows them."""
    number = min_row - 1
    try:
        for raw in sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True):
            number += 1
            cells = [cell_text(v) for v in raw]
            if cells and not cells[-1]:
                del cells[-1]
            yield number, cells
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged sheet part
        raise UnreadableFile(
            f"sheet {name!r}: the workbook is damaged at row {number + 1}: {error}"
        ) from error


def trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def named_sheet(worksheets: list[Any], wanted: str) -> Any:
    names = [ws.title for ws in worksheets]
    for candidates in (names, [n.casefold() for n in names]):
        key = wanted.strip() if candidates is names else wanted.strip().casefold()
        if key in candidates:
            return worksheets[candidates.index(key)]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(worksheets):
        return worksheets[int(wanted) - 1]
    raise UnreadableFile(f"no sheet {wanted!r} in the workbook (its sheets: {', '.join(map(repr, names))})")
