"""A check's result for a person at the console: a summary, then the differing calls as a table."""

from __future__ import annotations

from collections.abc import Sequence

from dialer.billing_check.compare import Difference
from dialer.billing_check.service import PbxCheck

HEADINGS = ("call id", "call uid", "product s", "record s", "difference", "reason")


def _signed(value: int | None) -> str:
    return "-" if value is None else f"{value:+d}"


def _row(d: Difference) -> tuple[str, ...]:
    record = "-" if d.record_seconds is None else str(d.record_seconds)
    reason = d.reason.value.replace("_", " ")
    return (str(d.call_id), d.call_uid, str(d.product_seconds), record, _signed(d.difference), reason)


def table(rows: Sequence[tuple[str, ...]], headings: Sequence[str]) -> list[str]:
    """Columns padded to their widest cell; numbers (all but the uid and the reason) to the right."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]
    left = {1, len(headings) - 1}

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def check_text(check: PbxCheck) -> str:
    t = check.tally
    period = check.period
    lines = [
        f"contract {check.contract_number} (id {check.contract_id}), {period.key}:"
        f" {t.calls} answered calls checked against Asterisk's record",
        f"  matched {t.matched}, differing {t.differing}, missing from the record {t.missing}",
        f"  talk seconds: product {t.product_seconds}, record {t.record_seconds}"
        f" (billable after the contract's rounding: product {t.product_billable},"
        f" record {t.record_billable})",
    ]
    if t.agrees:
        lines.append("every call's bill agrees with the record")
    else:
        lines += ["", *table([_row(d) for d in t.differences], HEADINGS)]
    return "\n".join(lines)
