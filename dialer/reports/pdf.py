"""Printable PDF documents (reports, acts) with fpdf2: headings, text, tables and PNG charts.

The font is DejaVu Sans as matplotlib ships it (``mpl-data/fonts/ttf``), so Cyrillic renders with
no system font installed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from dialer.reports.tables import Section, cell_text

FAMILY = "DejaVu"


def font_dir() -> Path:
    """matplotlib's bundled TrueType fonts (imported here, when a PDF is made, not at start)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class Document:
    """An A4 document built top to bottom; ``bytes()`` gives the PDF."""

    def __init__(self, title: str, created_at: datetime) -> None:
        self._pdf = FPDF(orientation="P", unit="mm", format="A4")
        fonts = font_dir()
        self._pdf.add_font(FAMILY, "", str(fonts / "DejaVuSans.ttf"))
        self._pdf.add_font(FAMILY, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self._pdf.set_title(title)
        self._pdf.set_creation_date(created_at)  # the same document gives the same bytes
        self._pdf.set_auto_page_break(auto=True, margin=15)
        self._pdf.add_page()
        self._pdf.set_font(FAMILY, "B", 14)
        self._pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(2)

    def heading(self, text: str) -> None:
        self._pdf.ln(2)
        self._pdf.set_font(FAMILY, "B", 11)
        self._pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def text(self, text: str, size: int = 9) -> None:
        self._pdf.set_font(FAMILY, "", size)
        self._pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def table(self, section: Section, col_widths: Sequence[int] | None = None) -> None:
        self.heading(section.title)
        self._pdf.set_font(FAMILY, "", 8)
        with self._pdf.table(
            col_widths=tuple(col_widths) if col_widths else None,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=4.5,
            text_align="LEFT",
        ) as table:
            header = table.row()
            for name in section.headers:
                header.cell(name)
            for row in section.rows:
                cells = table.row()
                for value in row:
                    cells.cell(cell_text(value))

    def image(self, png: bytes, width_mm: float = 180) -> None:
        self._pdf.image(io.BytesIO(png), w=width_mm)

    def bytes(self) -> bytes:
        return bytes(self._pdf.output())
