"""A report as titled tables, and those tables as JSON values, CSV, XLSX and HTML.

Every report (daily, monthly, act) turns itself into ``Section``s once; each format prints the same
sections, so a figure reads the same in every format.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from dialer.spreadsheet_cells import csv_row, mark_text

Cell = str | int | float | Decimal | date | datetime | None


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def jsonable(value: Any) -> Any:
    """Dataclasses, dates, decimals and enums as JSON values (decimals as exact strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [jsonable(v) for v in items]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def to_csv(sections: Sequence[Section]) -> str:
    """One CSV (``;``-separated, as spreadsheets in Russia expect): each section under its title."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for index, section in enumerate(sections):
        if index:
            writer.writerow([])
        writer.writerow(csv_row([section.title]))
        writer.writerow(csv_row(list(section.headers)))
        writer.writerows(
            csv_row([c if isinstance(c, str) else cell_text(c) for c in row]) for row in section.rows
        )
    return out.getvalue()


def _xlsx_cell(cell: Cell) -> Any:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)  # Excel has no zones: the report's times are UTC
    if isinstance(cell, Decimal):
        return cell  # openpyxl writes Decimal as a number
    return cell


def to_xlsx(sections: Sequence[Section]) -> bytes:
    """A workbook with one sheet per section (bold header row)."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in sections:
        name = section.title[:31].replace("/", "-").replace(":", " ") or "Sheet"
        while name in used:
            name = f"{name[:28]}_{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(list(section.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([_xlsx_cell(c) for c in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                mark_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_table(section: Section) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in section.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell_text(c))}</td>" for c in row) + "</tr>"
        for row in section.rows
    )
    return (
        f"<h2>{html.escape(section.title)}</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


STYLE = """
body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}
th{background:#eee}td:first-child,th:first-child{text-align:left}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
.chart rect.bar:hover{opacity:0.7}.chart text{font-size:11px}
@media print{.noprint{display:none}}
"""


def html_page(title: str, body: str) -> str:
    """A whole page: no external stylesheet, script or font (it works offline and when e-mailed)."""
    return (
        "<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
