"""The export as XLSX, through openpyxl's write-only mode: rows go to disk as they are appended
(strings inline, nothing kept per row), the workbook is assembled in a temporary folder, streamed
out in chunks and deleted, even when the download stops half-way.

A sheet holds at most 1,048,576 rows (Excel's limit), so a contract with more calls continues on
``<number> (2)``, ``(3)``...; its totals row ends its last sheet. openpyxl is blocking, so each batch
is written in a worker thread and the event loop stays free between batches.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.ext.asyncio import AsyncConnection

from dialer.billing_export.csv_export import DEFAULT_BATCH_ROWS, ContractDone, RowsDone
from dialer.billing_export.layout import COLUMNS, LATE, IsoMinutes, TariffColumns, iso_seconds, totals_values
from dialer.billing_export.plan import ContractPart, ExportPlan
from dialer.billing_export.pricing import CallPricer, TalkTally
from dialer.billing_export.query import LATE_FLAG, TALK, CallRow, stream_calls
from dialer.spreadsheet_cells import xlsx_row

EXCEL_MAX_ROWS = 1_048_576
CHUNK_BYTES = 1 << 20
_NOT_IN_TITLES = re.compile(r"[\[\]:*?/\\']")

Row = Sequence[object]


def sheet_title(number: str, part: int, taken: set[str]) -> str:
    """A sheet name for a contract (Excel: at most 31 characters, none of ``[]:*?/\\'``), unique."""
    suffix = "" if part == 1 else f" ({part})"
    base = _NOT_IN_TITLES.sub("_", number).strip() or "contract"
    title = base[: 31 - len(suffix)] + suffix
    counter = 2
    while title.lower() in taken:
        extra = f"~{counter}"
        title = base[: 31 - len(suffix) - len(extra)] + extra + suffix
        counter += 1
    taken.add(title.lower())
    return title


class ContractSheets:
    """Appends a contract's rows, opening its next sheet (with the header) when one is full."""

    def __init__(self, workbook: Workbook, number: str, taken: set[str]) -> None:
        self.workbook = workbook
        self.number = number
        self.taken = taken
        self.part = 0
        self.sheet: WriteOnlyWorksheet | None = None
        self.rows_in_sheet = 0

    def _next_sheet(self) -> WriteOnlyWorksheet:
        self.part += 1
        sheet: WriteOnlyWorksheet = self.workbook.create_sheet(
            sheet_title(self.number, self.part, self.taken)
        )
        sheet.append(COLUMNS)
        self.sheet, self.rows_in_sheet = sheet, 1
        return sheet

    def append_all(self, rows: Sequence[Row]) -> None:
        sheet = self.sheet or self._next_sheet()
        for row in rows:
            if self.rows_in_sheet >= EXCEL_MAX_ROWS:
                sheet = self._next_sheet()
            sheet.append(xlsx_row(sheet, row))  # text that a spreadsheet would run stays text
            self.rows_in_sheet += 1


class _PricedRows:
    """A contract's call rows as the sheet's values, each talk length priced once."""

    def __init__(self, plan: ExportPlan, part: ContractPart, minutes: IsoMinutes) -> None:
        self.plan, self.part, self.minutes = plan, part, minutes
        self.pricer = CallPricer(part.tariff)
        self.terms = TariffColumns(part.tariff)
        self.priced: dict[int, tuple[object, ...]] = {}

    def values(self, rows: Sequence[CallRow]) -> list[Row]:
        part, plan, minutes, priced = self.part, self.plan, self.minutes, self.priced
        values: list[Row] = []
        for call_id, started, late, campaign, operator, phone, disposition, talk in rows:
            tail = priced.get(talk)
            if tail is None:
                tail = priced[talk] = self.terms.values(self.pricer.charge(talk))
            values.append(
                (
                    part.number,
                    call_id,
                    1,
                    iso_seconds(minutes, started),
                    LATE if late else "",
                    part.campaigns.get(campaign, f"#{campaign}"),
                    "" if operator is None else plan.operators.get(operator, f"#{operator}"),
                    phone,
                    disposition or "",
                    *tail,
                )
            )
        return values


async def write_workbook(
    connection: AsyncConnection,
    plan: ExportPlan,
    path: Path,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    rows_done: RowsDone | None = None,
    contract_done: ContractDone | None = None,
) -> None:
    """Write the export to ``path``: per contract its calls, then its totals row. Everything per
    row (pricing, formatting, openpyxl) runs in a worker thread, batch by batch; the event loop only
    fetches the rows."""
    workbook = await asyncio.to_thread(Workbook, write_only=True)
    taken: set[str] = set()
    minutes = IsoMinutes()
    written = 0
    for part in plan.contracts:
        priced = _PricedRows(plan, part, minutes)
        tally = TalkTally()
        sheets = ContractSheets(workbook, part.number, taken)
        late_calls = 0
        async for rows in stream_calls(
            connection, part.where, part.late, part.period, part.campaigns.keys(), batch_rows
        ):
            await asyncio.to_thread(_append_priced, sheets, priced, rows)
            tally.add_all(map(TALK, rows))  # counted in C, no Python loop
            late_calls += sum(map(LATE_FLAG, rows))
            written += len(rows)
            if rows_done is not None:
                rows_done(written)
        total = tally.total(priced.pricer)
        totals = totals_values(part.number, total, late_calls, priced.terms)
        await asyncio.to_thread(sheets.append_all, [totals])
        if contract_done is not None:
            contract_done(part, total)
    await asyncio.to_thread(workbook.save, path)


def _append_priced(sheets: ContractSheets, priced: _PricedRows, rows: Sequence[CallRow]) -> None:
    sheets.append_all(priced.values(rows))


async def xlsx_chunks(
    connection: AsyncConnection,
    plan: ExportPlan,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    rows_done: RowsDone | None = None,
    contract_done: ContractDone | None = None,
    folder: Path | None = None,
) -> AsyncIterator[bytes]:
    """The workbook's bytes, in chunks, once it is complete (a ZIP cannot be streamed before)."""
    with tempfile.TemporaryDirectory(prefix="billing-export-", dir=folder) as scratch:
        path = Path(scratch) / plan.file_name("xlsx")
        await write_workbook(
            connection, plan, path, batch_rows=batch_rows, rows_done=rows_done, contract_done=contract_done
        )
        with path.open("rb") as workbook:
            while chunk := await asyncio.to_thread(workbook.read, CHUNK_BYTES):
                yield chunk
