"""What the ``contacts`` and ``dnc`` commands share: a progress line, the report, the column map.

Their database (migrated first) is ``dialer.db.bootstrap.database``.

The command modules in ``dialer/commands/`` stay thin: they parse arguments and call into here and
into the contact services.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

from dialer.contacts.report import ImportProgress, ImportReport

PROBLEMS_SHOWN = 20


def parse_column_map(pairs: Sequence[str] | None) -> dict[str, str]:
    """``["phone=Телефон", "phone=Телефон 2", "name=Клиент"]`` as a column map (phone columns joined)."""
    mapping: dict[str, str] = {}
    for pair in pairs or ():
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValueError(f"--map takes FIELD=COLUMN, not {pair!r}")
        field = field.strip().lower()
        mapping[field] = f"{mapping[field]},{column.strip()}" if field in mapping else column.strip()
    return mapping


class ProgressLine:
    """An updating ``rows read · rate · percent`` line on a terminal; a line every few seconds elsewhere."""

    def __init__(self, stream: TextIO | None = None, every_s: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every_s = every_s
        self.last = 0.0
        self.shown = False

    def __call__(self, progress: ImportProgress) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < self.every_s:
            return
        self.last = now
        line = f"rows read {progress.rows_read:,} · {progress.rows_per_s:,.0f} rows/s"
        if progress.total_bytes:
            line += f" · {min(100.0, 100 * progress.bytes_read / progress.total_bytes):.0f}%"
        line += f" · imported {progress.imported:,}"
        if self.tty:
            self.stream.write("\r" + line.ljust(72))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def format_report(report: ImportReport, *, dnc: bool = False) -> str:
    """The report as a small table for a terminal, with the first problems."""
    counts = [
        ("rows read", report.rows_read),
        ("numbers added" if dnc else "imported", report.imported),
        ("duplicates", report.duplicates),
        ("contacts marked do-not-call" if dnc else "on do-not-call", report.on_dnc),
        ("rejected", report.rejected),
    ]
    width = max(len(label) for label, _ in counts)
    lines = [
        f"import #{report.job_id}: {report.status}" + (f" (sheet {report.sheet!r})" if report.sheet else "")
    ]
    lines += [f"  {label:<{width}}  {value:>10,}" for label, value in counts]
    if report.problems:
        shown = report.problems[:PROBLEMS_SHOWN]
        column_width = max(6, *(len(p.column) for p in shown))
        reason_width = max(6, *(len(p.reason) for p in shown))
        lines += ["", f"  {'row':>7}  {'column':<{column_width}}  {'reason':<{reason_width}}  value"]
        lines += [
            f"  {p.row:>7}  {p.column:<{column_width}}  {p.reason:<{reason_width}}  {p.value}" for p in shown
        ]
        if report.problems_total > len(shown):
            lines.append(f"  ... {report.problems_total - len(shown):,} more (--json lists the first 1,000)")
    return "\n".join(lines)
