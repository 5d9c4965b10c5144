"""Text cells that open safely in Excel, LibreOffice and Google Sheets (formula injection).

A cell whose text starts with ``= + - @``, a tab or a carriage return is read as a formula when
the file is opened; a contact's name or a disposition could then run ``=HYPERLINK(...)`` on a
supervisor's machine. OWASP's rule is applied to every text cell of the exports:

* CSV: such a text gets a leading single quote (``'=1+1``, ``'+79991234567``). Spreadsheets take the
  quote as "this is text" and show the rest; a program reading the file sees the quote.
* XLSX: the text is written unchanged as a text cell (never a formula) with Excel's quote prefix
  set, the same "this is text" mark Excel itself stores for ``'+7999…`` typed in a cell: it shows
  ``+79991234567`` as text, and editing the cell does not turn it into a formula.

Phone numbers in E.164 (``+7…``) start with ``+``, so they are marked too: they stay text, never
numbers that lose their plus or their digits.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    return text.startswith(RISKY_STARTS)


def csv_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text."""
    return "'" + text if text.startswith(RISKY_STARTS) else text


def csv_row(values: list[Any]) -> list[Any]:
    """A row for ``csv.writer`` with every text cell made safe; numbers are left as they are."""
    return [csv_text(value) if isinstance(value, str) else value for value in values]


def xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """``value`` as ``sheet.append`` should get it: a risky text as a quote-prefixed text cell."""
    if not isinstance(value, str) or not value.startswith(RISKY_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise write "=..." as a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: Any) -> list[Any]:
    return [xlsx_value(sheet, value) for value in values]


def mark_text(cell: Cell) -> None:
    """The same for a cell of an ordinary (not write-only) workbook, after it was written."""
    if isinstance(cell.value, str) and cell.value.startswith(RISKY_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
