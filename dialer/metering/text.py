"""Statements and volumes as plain text for the console (``dialer billing``)."""

from __future__ import annotations

from fractions import Fraction

from dialer.billing.money import round_to_places
from dialer.metering.figures import Statement
from dialer.metering.volume import VolumeReport


def _hours(seconds: object) -> str:
    return f"{round_to_places(Fraction(str(seconds)) / 3600, 2)} h"


def statement_text(statement: Statement) -> str:
    usage, bill, currency = statement.usage, statement.bill, statement.currency
    state = (
        f"closed by {statement.closed_by} at {statement.period.closed_at:%Y-%m-%d %H:%M:%S} UTC"
        if statement.frozen and statement.period.closed_at
        else "open"
    )
    rows = [
        f"contract {statement.contract_id}, month {statement.period.key} ({state}),"
        f" {statement.pricing_model.value}",
        f"calls {usage.calls} (connected {usage.connected_calls}, late {statement.late_calls}),"
        f" talk {usage.talk_seconds} s, billable {usage.billable_seconds} s",
        f"processed contacts {usage.processed_total}"
        + (
            ": " + ", ".join(f"{code} {n}" for code, n in usage.processed_contacts.items())
            if usage.processed_contacts
            else ""
        ),
        f"seat time {_hours(usage.seat_seconds_with_pauses)} with pauses,"
        f" {_hours(usage.seat_seconds_without_pauses)} without; seats {round_to_places(usage.seats, 2)}",
        "",
    ]
    width = max((len(line.description) for line in bill.lines), default=10)
    rows += [f"  {line.description:<{width}}  {line.amount:>14} {currency}" for line in bill.lines]
    rows.append(f"  {'subtotal':<{width}}  {bill.subtotal:>14} {currency}")
    if bill.vat.rate is not None:
        rows.append(
            f"  {f'VAT {bill.vat.mode.value} at {bill.vat.rate}':<{width}}  {bill.vat.vat:>14} {currency}"
        )
    rows.append(f"  {'total':<{width}}  {bill.total:>14} {currency}")
    return "\n".join(rows)


def volume_text(report: VolumeReport) -> str:
    unit = report.unit.value
    used = f"{report.used_rounded} {unit} used"
    if report.committed is None:
        head = f"contract {report.contract_id}, {report.span.key}: {used}, nothing committed"
    else:
        fraction = report.used_fraction or Fraction(0)
        head = (
            f"contract {report.contract_id}, {report.span.key}: {used} of {report.committed}"
            f" ({round_to_places(fraction * 100, 1)}%), {report.left} left"
        )
    pace = f"burn rate {round_to_places(report.burn.per_day, 2)} {unit}/day over {report.burn.days} days"
    out = f"runs out on {report.runs_out_on}" if report.runs_out_on else "not running out at this pace"
    return f"{head}\n{pace}; {out}"
