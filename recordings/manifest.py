"""The export manifest: one CSV row per exported recording, spooled so memory stays flat.

Rows come from the caller as plain dicts or dataclasses (this package knows nothing of calls);
datetimes are written as ISO 8601 UTC. The CSV is UTF-8 with a byte-order mark so spreadsheet
programs read Cyrillic and other non-ASCII names correctly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

MANIFEST_COLUMNS: tuple[str, ...] = (
    "call_id",
    "time",
    "operator",
    "contact",
    "disposition",
    "duration_s",
    "file_name",
    "status",
)


def row_mapping(row: object) -> Mapping[str, object]:
    """A caller's row (mapping or dataclass instance) as a mapping."""
    if row is None:
        return {}
    if isinstance(row, Mapping):
        return row
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {field.name: getattr(row, field.name) for field in dataclasses.fields(row)}
    raise TypeError(f"manifest rows are mappings or dataclass instances, not {type(row).__name__}")


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("manifest times must be timezone-aware")
        return value.astimezone(UTC).isoformat()
    return str(value)


class ManifestSpool:
    """CSV rows written to a temporary file that stays in memory until ``max_memory`` bytes."""

    def __init__(self, columns: Sequence[str] = MANIFEST_COLUMNS, *, max_memory: int = 1024 * 1024) -> None:
        self.columns = tuple(columns)
        self._file = tempfile.SpooledTemporaryFile(max_size=max_memory, mode="w+b")  # noqa: SIM115 (closed by close())
        self._line = io.StringIO()
        self._csv = csv.writer(self._line, lineterminator="\r\n")
        self.rows = 0
        self._file.write("\ufeff".encode())
        self._write(self.columns)

    def add(self, row: object, **overrides: object) -> None:
        values = {**row_mapping(row), **overrides}
        self._write([cell(values.get(column)) for column in self.columns])
        self.rows += 1

    def _write(self, cells: Sequence[str]) -> None:
        self._line.seek(0)
        self._line.truncate()
        self._csv.writerow(cells)
        self._file.write(self._line.getvalue().encode())

    @property
    def size(self) -> int:
        return self._file.tell()

    def chunks(self, chunk: int = 256 * 1024) -> Iterator[bytes]:
        self._file.seek(0)
        while block := self._file.read(chunk):
            yield block

    def close(self) -> None:
        self._file.close()
