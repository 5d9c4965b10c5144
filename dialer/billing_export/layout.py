"""The export's columns and how each row and totals row reads, the same in CSV and XLSX.

One row per call, then one totals row per contract. Every row carries its contract's number, its
rounding unit, price and currency, so a client with several contracts gets one table that still
says which terms priced each call. The ``calls`` column is 1 on a call's row and the number of calls
on the totals row, so a spreadsheet's SUM over it counts calls. ``late`` marks a call placed in an
earlier month but recorded after that month was closed, so billed in this one; on the totals row it
is the number of such calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from dialer.billing.talk_time import CallCharge, TalkTariff, TalkTotal
from dialer.spreadsheet_cells import csv_text

COLUMNS: tuple[str, ...] = (
    "contract",
    "call id",
    "calls",
    "started at (UTC)",
    "late",
    "campaign",
    "operator",
    "phone",
    "disposition",
    "talk seconds",
    "billable units",
    "unit (s)",
    "price per minute",
    "amount",
    "currency",
)
TOTAL_LABEL = "total"
LATE = "late"
DELIMITERS = (";", ",")


def decimal_text(value: Decimal) -> str:
    """A decimal as plain digits, never in exponent form (``1E+2`` is ``100``)."""
    return f"{value:f}"


def price_text(rate: Decimal) -> str:
    """A price without trailing zeros (``1.500000`` from PostgreSQL's NUMERIC is ``1.5``)."""
    return decimal_text(rate.normalize())


@dataclass(frozen=True, slots=True)
class TariffColumns:
    """The columns after ``disposition`` for one contract's terms, as values and as CSV text."""

    tariff: TalkTariff

    @property
    def unit_seconds(self) -> int:
        return self.tariff.rounding.increment

    @property
    def price(self) -> str:
        return price_text(self.tariff.rate_per_minute)

    def values(self, charge: CallCharge | TalkTotal) -> tuple[int, int, int, Decimal, Decimal, str]:
        """talk seconds, billable units, unit (s), price per minute, amount, currency."""
        return (
            charge.talk_seconds,
            charge.billable_units,
            self.unit_seconds,
            self.tariff.rate_per_minute.normalize(),
            charge.amount,
            self.tariff.currency,
        )

    def csv_text(self, charge: CallCharge | TalkTotal, delimiter: str) -> str:
        return delimiter.join(
            (
                str(charge.talk_seconds),
                str(charge.billable_units),
                str(self.unit_seconds),
                self.price,
                decimal_text(charge.amount),
                csv_cell(self.tariff.currency, delimiter),
            )
        )


SECONDS_TEXT = tuple(f"{second:02d}Z" for second in range(60))
"""``SECONDS_TEXT[s]`` ends an ISO time at second ``s``: ``"07Z"``."""


class IsoMinutes(dict[int, str]):
    """Minutes since the epoch as the start of ISO 8601 UTC text, ``2026-11-03T10:15:``; with
    :data:`SECONDS_TEXT` a start time is ``minutes[t // 60] + SECONDS_TEXT[t % 60]`` (see
    :func:`iso_seconds`). Calls come in placing order, so consecutive rows share their minute and a
    row costs two lookups; past ``limit`` minutes it forgets, so memory stays bounded over any span.
    """

    def __init__(self, limit: int = 10_000) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, minute: int) -> str:
        if len(self) >= self.limit:
            self.clear()
        text = self[minute] = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:")
        return text


def iso_seconds(minutes: IsoMinutes, epoch_seconds: int) -> str:
    """``2026-11-03T10:15:42Z`` for a time in whole seconds since the epoch (the hot loops inline it)."""
    return minutes[epoch_seconds // 60] + SECONDS_TEXT[epoch_seconds % 60]


def csv_cell(text: str, delimiter: str) -> str:
    """``text`` as one CSV field a spreadsheet shows as text (``dialer.spreadsheet_cells``), quoted
    (quotes doubled) when it holds the delimiter, a quote or a line break, as the ``csv`` module's
    minimal quoting does."""
    text = csv_text(text)
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_header(delimiter: str) -> str:
    return delimiter.join(csv_cell(c, delimiter) for c in COLUMNS) + "\r\n"


def totals_values(
    contract: str, total: TalkTotal, late_calls: int, terms: TariffColumns
) -> tuple[object, ...]:
    """The totals row: contract, ``total``, calls, a blank, late calls, four blanks, the sums."""
    return (contract, TOTAL_LABEL, total.calls, "", late_calls, "", "", "", "", *terms.values(total))


def csv_totals(contract: str, total: TalkTotal, late_calls: int, terms: TariffColumns, delimiter: str) -> str:
    d = delimiter
    return (
        f"{csv_cell(contract, d)}{d}{TOTAL_LABEL}{d}{total.calls}{d}{d}{late_calls}{d * 5}"
        f"{terms.csv_text(total, d)}\r\n"
    )
