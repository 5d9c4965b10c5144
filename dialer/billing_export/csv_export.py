"""The export as CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), ``;`` or ``,``
between fields, CRLF line ends; one chunk of bytes per batch of calls.

The loop over calls is the export's hot path (ten million rows a month): every text that repeats
(a campaign's or operator's name, a disposition, the priced columns of a talk length) is escaped
and formatted once and looked up after, so a row costs a few lookups and one string.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from dialer.billing.talk_time import TalkTotal
from dialer.billing_export.layout import (
    LATE,
    SECONDS_TEXT,
    IsoMinutes,
    TariffColumns,
    csv_cell,
    csv_header,
    csv_totals,
)
from dialer.billing_export.plan import ContractPart, ExportPlan
from dialer.billing_export.pricing import CallPricer, TalkTally
from dialer.billing_export.query import LATE_FLAG, TALK, CallRow, stream_calls
from dialer.spreadsheet_cells import csv_text

BOM = "\ufeff"
DEFAULT_BATCH_ROWS = 20_000

RowsDone = Callable[[int], None]
"""Called after each batch with the number of call rows written so far."""
ContractDone = Callable[[ContractPart, TalkTotal], None]
"""Called with each contract's totals once its rows are written."""


class CsvCells(dict[object, str]):
    """Names by id (or codes by themselves) as CSV fields followed by the delimiter, escaped once
    each; unknown ids show as ``#id``, a missing value as an empty field."""

    def __init__(self, names: Mapping[int, str], delimiter: str) -> None:
        super().__init__({key: csv_cell(name, delimiter) + delimiter for key, name in names.items()})
        self[None] = delimiter
        self.delimiter = delimiter

    def __missing__(self, key: object) -> str:
        text = csv_cell(key if isinstance(key, str) else f"#{key}", self.delimiter) + self.delimiter
        self[key] = text
        return text


class PricedColumns(dict[int, str]):
    """The priced columns' CSV text per talk length, to the line's end, priced by ``charge_call``
    on first use."""

    def __init__(self, pricer: CallPricer, delimiter: str) -> None:
        super().__init__()
        self.pricer = pricer
        self.terms = TariffColumns(pricer.tariff)
        self.delimiter = delimiter

    def __missing__(self, talk_seconds: int) -> str:
        text = self.terms.csv_text(self.pricer.charge(talk_seconds), self.delimiter) + "\r\n"
        self[talk_seconds] = text
        return text


@dataclass
class ContractRows:
    """One contract's rows as CSV text, a batch at a time; every repeated piece carries the
    delimiter after it, so a row is one short f-string."""

    number: str
    campaigns: CsvCells
    operators: CsvCells
    priced: PricedColumns
    minutes: IsoMinutes
    delimiter: str
    dispositions: CsvCells = field(init=False)
    tally: TalkTally = field(default_factory=TalkTally)
    late_calls: int = 0

    def __post_init__(self) -> None:
        self.dispositions = CsvCells({}, self.delimiter)

    def write(self, rows: Sequence[CallRow]) -> bytes:
        """A batch's text (run in a worker thread: 20,000 rows take the interpreter about 90 ms,
        which the event loop must not wait out in one piece)."""
        d = self.delimiter
        lead, one = csv_cell(self.number, d) + d, f"{d}1{d}"
        minutes, seconds = self.minutes, tuple(text + d for text in SECONDS_TEXT)
        lateness = {True: LATE + d, False: d}
        campaigns, operators, dispositions = self.campaigns, self.operators, self.dispositions
        priced = self.priced
        text = "".join(
            [
                f"{lead}{call_id}{one}{minutes[started // 60]}{seconds[started % 60]}{lateness[late]}"
                f"{campaigns[campaign]}{operators[operator]}{csv_text(phone)}{d}{dispositions[disposition]}{priced[talk]}"
                for call_id, started, late, campaign, operator, phone, disposition, talk in rows
            ]
        )
        self.tally.add_all(map(TALK, rows))  # counted in C, no Python loop
        self.late_calls += sum(map(LATE_FLAG, rows))
        return text.encode()


async def csv_chunks(
    connection: AsyncConnection,
    plan: ExportPlan,
    *,
    delimiter: str = ";",
    batch_rows: int = DEFAULT_BATCH_ROWS,
    rows_done: RowsDone | None = None,
    contract_done: ContractDone | None = None,
) -> AsyncIterator[bytes]:
    """The whole export as CSV chunks: the header, then per contract its calls and its totals row."""
    if delimiter not in (";", ","):
        raise ValueError(f"delimiter: ';' or ',', not {delimiter!r}")
    d = delimiter
    yield (BOM + csv_header(d)).encode()
    operators, minutes = CsvCells(plan.operators, d), IsoMinutes()
    written = 0
    for part in plan.contracts:
        pricer = CallPricer(part.tariff)
        campaigns, priced = CsvCells(part.campaigns, d), PricedColumns(pricer, d)
        contract = ContractRows(part.number, campaigns, operators, priced, minutes, d)
        async for rows in stream_calls(
            connection, part.where, part.late, part.period, part.campaigns.keys(), batch_rows
        ):
            yield await asyncio.to_thread(contract.write, rows)
            written += len(rows)
            if rows_done is not None:
                rows_done(written)
        total = contract.tally.total(pricer)
        yield csv_totals(part.number, total, contract.late_calls, contract.priced.terms, d).encode()
        if contract_done is not None:
            contract_done(part, total)
