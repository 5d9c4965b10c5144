"""A frozen statement as JSON (in ``billing_periods.statement``) and back, value for value.

Money and quantities are strings (``"1234.50"``, seats as ``"31/30"``), so nothing passes through a
float and the statement read back equals the one stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dialer.billing.period_bill import BillLine, PeriodBill
from dialer.billing.periods import BillingPeriod
from dialer.billing.vat import VatBreakdown, VatMode
from dialer.clients.models import PricingModel
from dialer.metering.figures import Statement, Usage

VERSION = 1


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def statement_to_json(statement: Statement) -> dict[str, Any]:
    period, usage, bill = statement.period, statement.usage, statement.bill
    return {
        "version": VERSION,
        "contract_id": statement.contract_id,
        "period": {
            "key": period.key,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
            "closed_at": period.closed_at.isoformat() if period.closed_at else None,
        },
        "currency": statement.currency,
        "pricing_model": statement.pricing_model.value,
        "usage": {
            "calls": usage.calls,
            "connected_calls": usage.connected_calls,
            "talk_seconds": usage.talk_seconds,
            "billable_seconds": usage.billable_seconds,
            "processed_contacts": dict(usage.processed_contacts),
            "seat_seconds_with_pauses": str(usage.seat_seconds_with_pauses),
            "seat_seconds_without_pauses": str(usage.seat_seconds_without_pauses),
            "seats": str(usage.seats),
        },
        "bill": {
            "lines": [{"description": line.description, "amount": str(line.amount)} for line in bill.lines],
            "subtotal": str(bill.subtotal),
            "vat": {
                "net": str(bill.vat.net),
                "vat": str(bill.vat.vat),
                "gross": str(bill.vat.gross),
                "rate": _opt(bill.vat.rate),
                "mode": bill.vat.mode.value,
            },
        },
        "late_calls": statement.late_calls,
        "frozen": statement.frozen,
        "closed_by": statement.closed_by,
    }


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def statement_from_json(data: dict[str, Any]) -> Statement:
    if data.get("version") != VERSION:
        raise ValueError(f"frozen statement of unknown version {data.get('version')!r}")
    p, u, b = data["period"], data["usage"], data["bill"]
    start, end = _moment(p["start"]), _moment(p["end"])
    assert start is not None and end is not None
    period = BillingPeriod(
        p["key"],
        start,
        end,
        date.fromisoformat(p["first_day"]),
        date.fromisoformat(p["last_day"]),
        _moment(p["closed_at"]),
    )
    usage = Usage(
        calls=u["calls"],
        connected_calls=u["connected_calls"],
        talk_seconds=u["talk_seconds"],
        billable_seconds=u["billable_seconds"],
        processed_contacts={str(k): int(v) for k, v in u["processed_contacts"].items()},
        seat_seconds_with_pauses=Decimal(u["seat_seconds_with_pauses"]),
        seat_seconds_without_pauses=Decimal(u["seat_seconds_without_pauses"]),
        seats=Fraction(u["seats"]),
    )
    v = b["vat"]
    vat = VatBreakdown(
        Decimal(v["net"]),
        Decimal(v["vat"]),
        Decimal(v["gross"]),
        None if v["rate"] is None else Decimal(v["rate"]),
        VatMode(v["mode"]),
    )
    lines = tuple(BillLine(line["description"], Decimal(line["amount"])) for line in b["lines"])
    bill = PeriodBill(lines, Decimal(b["subtotal"]), vat)
    return Statement(
        data["contract_id"],
        period,
        data["currency"],
        PricingModel(data["pricing_model"]),
        usage,
        bill,
        data["late_calls"],
        data["frozen"],
        data["closed_by"],
    )
