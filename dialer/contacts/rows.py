"""One row of a base to one record to write, or to a problem in the report.

The rules, in the order applied:

* blank rows are skipped (not counted); a row with unreadable characters (NUL bytes in a CSV) is
  refused; a row with more cells than the header, where the extra cells
  are not empty, is refused (its columns have shifted, usually a separator inside a name); a row with
  fewer cells is read with the missing cells empty;
* a row the reader flagged (a line that is not text in the file's encoding, a cell too long for the
  CSV reader) is refused or noted as the flag says; a row with a cell over :data:`MAX_CELL_CHARS`
  characters (Excel's own limit) is refused;
* every phone column is read, a cell may hold several numbers separated by ``,`` or ``;``; the first
  valid number becomes the contact's phone, the others its extra phones; a row without any valid number
  is refused with the first problem found (empty phone, not a number, invalid number);
* a number followed by an extension (``доб. 123``, ``ext 45``, ``x45``, ``#123``:
  :mod:`dialer.contacts.extensions`) is that number, and the first number's extension is kept on the
  contact; an extra number's extension is noted in the report and not kept;
* a number already seen in the file, or already in the campaign, is not dialed twice: a row whose
  numbers are all known is a duplicate, and known numbers are dropped from a row that still has a new
  one (noted in the report);
* a row with any number on a do-not-call list (global or the campaign's client's) is imported with
  ``on_dnc`` set and status ``do_not_call``;
* the time zone comes from the time zone column when it names a zone, else from the phone number;
* consent to advertising calls is yes only when the consent column says so (``да``, ``1``, ``yes``,
  ``+``...); anything else is no, and a value that is neither yes nor no is noted in the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from dialer.contacts.columns import ColumnPlan
from dialer.contacts.extensions import MAX_EXTENSION_DIGITS, split_extension
from dialer.contacts.phones import PhoneNormaliser, PhoneProblem
from dialer.contacts.report import ImportReport, RowProblem
from dialer.contacts.statuses import ContactStatus
from dialer.contacts.table import REPLACEMENT, RowNote
from dialer.contacts.timezones import parse_timezone

MAX_TEXT = 300
MAX_VALUE_IN_REPORT = 200
MAX_CELL_CHARS = 32_767
"""The longest cell a row may have: Excel's own limit; a longer one is junk, and its row is refused."""
# Several numbers in a cell, but not the comma before an extension (``..., доб. 123``).
_MULTI_SPLIT = re.compile(r"[,;\n]+(?!\s*\(?\s*(?:доб|вн|ext|x\s*\d|х\s*\d|#))", re.IGNORECASE)
# A JSON string literal with non-ASCII kept (the C function ``json.dumps(..., ensure_ascii=False)`` uses).
_json_string: Callable[[str], str] = json.encoder.encode_basestring

_CONSENT_YES = frozenset(
    {"1", "да", "д", "yes", "y", "true", "t", "+", "согласен", "согласна", "есть", "x", "х", "v", "✓", "✔"}
)
_CONSENT_NO = frozenset(
    {"0", "нет", "н", "no", "n", "false", "f", "-", "не согласен", "не согласна", "отказ"}
)

_NEW = ContactStatus.NEW.value
_DO_NOT_CALL = ContactStatus.DO_NOT_CALL.value

# (e164, zone, column index, written value, extension)
_Number = tuple[str, str | None, int, str, str]


def _split_numbers(raw: str) -> list[str]:
    if "," in raw or ";" in raw or "\n" in raw:
        return [part for part in _MULTI_SPLIT.split(raw) if part.strip()]
    return [raw]


class _RowReader:
    """What contact and do-not-call rows share: width checks, reading numbers, reporting problems."""

    def __init__(
        self,
        plan: ColumnPlan,
        normaliser: PhoneNormaliser,
        report: ImportReport,
        notes: dict[int, RowNote] | None = None,
    ) -> None:
        self.plan = plan
        self.width = len(plan.headers)
        self.normaliser = normaliser
        self.report = report
        self.notes: dict[int, RowNote] = notes if notes is not None else {}

    def problem(self, row: int, column: int | str, value: str, reason: str) -> None:
        name = self.plan.header_of(column) if isinstance(column, int) else column
        self.report.add_problem(RowProblem(row, name, value[:MAX_VALUE_IN_REPORT], reason))

    def reject(self, row: int, column: int | str, value: str, reason: str) -> None:
        self.report.rejected += 1
        self.problem(row, column, value, reason)

    def start(self, row: int, cells: list[str]) -> bool:
        """Count the row and check its width; ``False`` if it is blank or refused."""
        notes = self.notes
        if notes and (note := notes.pop(row, None)) is not None:
            if note.reject:
                self.report.rows_read += 1
                self.reject(row, note.column, note.value, note.reason)
                return False
            self.problem(row, note.column, note.value, note.reason)
        joined = "".join(cells)
        if not joined or joined.isspace():  # blank: no cell has anything but white space
            return False
        self.report.rows_read += 1
        if REPLACEMENT in joined:
            bad = next(i for i, cell in enumerate(cells) if REPLACEMENT in cell)
            self.reject(row, bad, cells[bad], "unreadable characters (binary data) in the row")
            return False
        if len(joined) > MAX_CELL_CHARS:
            long = next((i for i, cell in enumerate(cells) if len(cell) > MAX_CELL_CHARS), None)
            if long is not None:
                length = len(cells[long])
                self.reject(
                    row, long, cells[long], f"cell of {length:,} characters (at most {MAX_CELL_CHARS:,})"
                )
                return False
        count = len(cells)
        if count > self.width:
            extra = next((i for i in range(self.width, count) if cells[i].strip()), None)
            if extra is not None:
                self.reject(
                    row,
                    f"column {extra + 1}",
                    cells[extra],
                    f"row has {count} cells, the header has {self.width}",
                )
                return False
        return True

    def numbers(self, row: int, cells: list[str]) -> list[_Number] | None:
        """The row's valid numbers, without repeats; ``None`` (and the row refused) if it has none."""
        found: list[_Number] = []
        seen: set[str] = set()
        failures: list[tuple[int, str, PhoneProblem]] = []
        count = len(cells)
        normalise = self.normaliser.normalise
        for index in self.plan.phone:
            raw = cells[index] if index < count else ""
            if not raw or raw.isspace():
                continue
            for piece in _split_numbers(raw):
                result = normalise(piece)
                extension = ""
                # Letters make a number "not a number"; phonenumbers itself would drop a "#123".
                if (isinstance(result, PhoneProblem) and result is not PhoneProblem.EMPTY) or "#" in piece:
                    result, extension = self._with_extension(piece, result)
                if isinstance(result, PhoneProblem):
                    failures.append((index, piece.strip(), result))
                elif result[0] not in seen:
                    seen.add(result[0])
                    found.append((result[0], result[1], index, piece.strip(), extension))
        if not found:
            if failures:
                index, value, failure = failures[0]
                self.reject(row, index, value, failure.value)
            else:
                first = self.plan.phone[0]
                reason = PhoneProblem.EMPTY.value
                if first >= count:
                    reason += f" (row has {count} cells, the header has {self.width})"
                self.reject(row, first, "", reason)
            return None
        for index, value, failure in failures:
            self.problem(row, index, value, f"{failure.value}: the row's other numbers were imported")
        return found

    def _with_extension(
        self, piece: str, first: tuple[str, str | None] | PhoneProblem
    ) -> tuple[tuple[str, str | None] | PhoneProblem, str]:
        """The number before an extension and the extension, or the first result as it was."""
        split = split_extension(piece)
        if split is None:
            return first, ""
        result = self.normaliser.normalise(split[0])
        return (first, "") if isinstance(result, PhoneProblem) else (result, split[1])


class ContactRows(_RowReader):
    """Turns rows into ``contacts`` records (columns of :data:`dialer.contacts.records.CONTACT_COLUMNS`)."""

    def __init__(
        self,
        plan: ColumnPlan,
        normaliser: PhoneNormaliser,
        report: ImportReport,
        *,
        campaign_id: int,
        import_id: int,
        known: dict[int, int],
        dnc: set[int],
        notes: dict[int, RowNote] | None = None,
    ) -> None:
        super().__init__(plan, normaliser, report, notes)
        self.campaign_id = campaign_id
        self.import_id = import_id
        self.known = known
        self.dnc = dnc
        self._data_keys = [(i, _json_string(key)) for i, key in plan.data]
        self.single_phone = plan.phone[0] if len(plan.phone) == 1 else None

    def _known_reason(self, row: int) -> str:
        return "already in the campaign" if row == 0 else f"duplicate of row {row}"

    def build(self, row: int, cells: list[str]) -> tuple[Any, ...] | None:
        if not self.start(row, cells):
            return None
        known = self.known
        single = self.single_phone
        if single is not None and single < len(cells):
            # The usual row: one phone column holding one number, new. A cell that may hold several
            # numbers or an extension, a number refused, a number seen before: the general rules below.
            raw = cells[single]
            if "," not in raw and ";" not in raw and "\n" not in raw and "#" not in raw:
                result = self.normaliser.normalise(raw)
                if isinstance(result, tuple):
                    e164, zone = result
                    key = int(e164[1:])
                    if key not in known:
                        known[key] = row
                        return self._record(row, cells, e164, zone, "", "[]", key in self.dnc)
        numbers = self.numbers(row, cells)
        if numbers is None:
            return None
        if len(numbers) == 1:
            primary = numbers[0]
            key = int(primary[0][1:])
            first_row = known.get(key)
            if first_row is not None:
                self.report.duplicates += 1
                self.problem(row, primary[2], primary[3], self._known_reason(first_row))
                return None
            known[key] = row
            return self._record(row, cells, primary[0], primary[1], primary[4], "[]", key in self.dnc)
        keys = [int(number[0][1:]) for number in numbers]
        fresh = [i for i, key in enumerate(keys) if key not in known]
        if not fresh:
            self.report.duplicates += 1
            _, _, index, value, _ = numbers[0]
            self.problem(row, index, value, self._known_reason(known[keys[0]]))
            return None
        if len(fresh) < len(numbers):
            for i, key in enumerate(keys):
                if key in known:
                    self.problem(
                        row,
                        numbers[i][2],
                        numbers[i][3],
                        f"{self._known_reason(known[key])}: number not kept",
                    )
        for i in fresh:
            known[keys[i]] = row
        on_dnc = any(key in self.dnc for key in keys)
        primary = numbers[fresh[0]]
        extras = [numbers[i][0] for i in fresh[1:]]
        for i in fresh[1:]:
            if numbers[i][4]:
                self.problem(
                    row,
                    numbers[i][2],
                    numbers[i][3],
                    f"extension {numbers[i][4]} of an extra number not kept (only the first number's is)",
                )
        extras_json = json.dumps(extras) if extras else "[]"
        return self._record(row, cells, primary[0], primary[1], primary[4], extras_json, on_dnc)

    def _record(
        self,
        row: int,
        cells: list[str],
        phone: str,
        zone: str | None,
        extension: str,
        extras: str,
        on_dnc: bool,
    ) -> tuple[Any, ...]:
        """The record of a row to import: its first number (E.164, zone from the number, extension
        written with it), its extra numbers as JSON text, and whether a number is on a do-not-call list."""
        plan = self.plan
        count = len(cells)
        column = plan.timezone
        if column is not None and column < count:
            written = cells[column].strip()
            if written:
                parsed = parse_timezone(written)
                if parsed is None:
                    self.problem(row, column, written, "unknown time zone: taken from the number")
                else:
                    zone = parsed
        if len(plan.name) == 1:
            column = plan.name[0]
            name = cells[column].strip() if column < count else ""
        else:
            name = " ".join(v for i in plan.name if i < count and (v := cells[i].strip()))
        column = plan.company
        company = cells[column].strip() if column is not None and column < count else ""
        data = ""
        for i, key in self._data_keys:
            if i < count and (value := cells[i].strip()):
                data += f",{key}:{_json_string(value)}"

        column = plan.extension
        if not extension and column is not None and column < count:
            written = cells[column].strip()
            if written.isdigit() and len(written) <= MAX_EXTENSION_DIGITS and written.isascii():
                extension = written
            elif written:
                self.problem(row, column, written, "extension is not 1 to 10 digits: not kept")

        consent = False
        column = plan.consent
        if column is not None and column < count:
            written = cells[column].strip().lower()
            if written in _CONSENT_YES:
                consent = True
            elif written and written not in _CONSENT_NO:
                self.problem(row, column, cells[column], "unknown consent value: taken as no")

        report = self.report
        report.imported += 1
        if on_dnc:
            report.on_dnc += 1
        return (
            self.campaign_id,
            phone,
            extension,
            extras,
            name[:MAX_TEXT],
            company[:MAX_TEXT],
            zone,
            "{" + data[1:] + "}",
            _DO_NOT_CALL if on_dnc else _NEW,
            on_dnc,
            0,
            self.import_id,
            row,
            consent,
        )


class DncRows(_RowReader):
    """Turns rows into ``dnc_entries`` records: every valid number of a row is an entry."""

    def __init__(
        self,
        plan: ColumnPlan,
        normaliser: PhoneNormaliser,
        report: ImportReport,
        *,
        client_id: int | None,
        known: set[str],
        default_reason: str,
        notes: dict[int, RowNote] | None = None,
    ) -> None:
        super().__init__(plan, normaliser, report, notes)
        self.client_id = client_id
        self.known = known
        self.default_reason = default_reason

    def build(self, row: int, cells: list[str]) -> list[tuple[Any, ...]]:
        if not self.start(row, cells):
            return []
        numbers = self.numbers(row, cells)
        if numbers is None:
            return []
        reason_column = self.plan.reason
        reason = self.default_reason
        if reason_column is not None and reason_column < len(cells) and cells[reason_column].strip():
            reason = cells[reason_column].strip()[:200]
        records = []
        for e164, _, index, value, _ in numbers:
            if e164 in self.known:
                self.problem(row, index, value, "already on the do-not-call list")
                continue
            self.known.add(e164)
            records.append((self.client_id, e164, reason))
        if not records:
            self.report.duplicates += 1
        self.report.imported += len(records)
        return records
