"""Statements, volumes, alerts and live events as the API shows them; money as exact strings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from api.schemas.common import DecimalStr, Out
from dialer.billing.money import round_to_places
from dialer.billing.vat import VatMode
from dialer.clients.models import PricingModel
from dialer.live.models import LiveEvent
from dialer.metering.figures import Statement
from dialer.metering.models import AlertDelivery
from dialer.metering.tariffs import VolumeUnit
from dialer.metering.volume import VolumeReport


def _decimal(value: Fraction, places: int = 4) -> Decimal:
    return round_to_places(value, places)


class PeriodOut(BaseModel):
    key: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    closed_at: datetime | None


class UsageOut(BaseModel):
    calls: int
    connected_calls: int
    talk_seconds: int
    billable_seconds: int
    billable_minutes: DecimalStr
    processed_contacts: dict[str, int]
    processed_total: int
    seat_seconds_with_pauses: DecimalStr
    seat_seconds_without_pauses: DecimalStr
    seats: DecimalStr
    seats_exact: str  # "31/30" when the average of days is not a whole number


class LineOut(BaseModel):
    description: str
    amount: DecimalStr


class VatOut(BaseModel):
    mode: VatMode
    rate: DecimalStr | None
    net: DecimalStr
    vat: DecimalStr
    gross: DecimalStr


class StatementOut(BaseModel):
    contract_id: int
    period: PeriodOut
    currency: str
    pricing_model: PricingModel
    usage: UsageOut
    lines: list[LineOut]
    subtotal: DecimalStr
    vat: VatOut
    total: DecimalStr
    late_calls: int
    frozen: bool
    closed_by: str | None

    @classmethod
    def of(cls, statement: Statement) -> StatementOut:
        period, usage, bill = statement.period, statement.usage, statement.bill
        return cls(
            contract_id=statement.contract_id,
            period=PeriodOut(
                key=period.key,
                start=period.start,
                end=period.end,
                first_day=period.first_day,
                last_day=period.last_day,
                closed_at=period.closed_at,
            ),
            currency=statement.currency,
            pricing_model=statement.pricing_model,
            usage=UsageOut(
                calls=usage.calls,
                connected_calls=usage.connected_calls,
                talk_seconds=usage.talk_seconds,
                billable_seconds=usage.billable_seconds,
                billable_minutes=_decimal(Fraction(usage.billable_seconds, 60)),
                processed_contacts=dict(usage.processed_contacts),
                processed_total=usage.processed_total,
                seat_seconds_with_pauses=usage.seat_seconds_with_pauses,
                seat_seconds_without_pauses=usage.seat_seconds_without_pauses,
                seats=_decimal(usage.seats),
                seats_exact=str(usage.seats),
            ),
            lines=[LineOut(description=line.description, amount=line.amount) for line in bill.lines],
            subtotal=bill.subtotal,
            vat=VatOut(
                mode=bill.vat.mode,
                rate=bill.vat.rate,
                net=bill.vat.net,
                vat=bill.vat.vat,
                gross=bill.vat.gross,
            ),
            total=bill.total,
            late_calls=statement.late_calls,
            frozen=statement.frozen,
            closed_by=statement.closed_by,
        )


class VolumeOut(BaseModel):
    contract_id: int
    unit: VolumeUnit
    span: str  # "2026-11" (the billing month) or "contract" (the contract's whole period)
    span_start: datetime
    span_end: datetime
    committed: DecimalStr | None
    used: DecimalStr
    left: DecimalStr | None
    used_percent: DecimalStr | None
    burn_rate_per_day: DecimalStr
    burn_rate_days: int
    runs_out_on: date | None
    as_of: datetime

    @classmethod
    def of(cls, report: VolumeReport) -> VolumeOut:
        fraction = report.used_fraction
        return cls(
            contract_id=report.contract_id,
            unit=report.unit,
            span=report.span.key,
            span_start=report.span.start,
            span_end=report.span.end,
            committed=report.committed,
            used=report.used_rounded,
            left=report.left,
            used_percent=None if fraction is None else _decimal(fraction * 100, 2),
            burn_rate_per_day=_decimal(report.burn.per_day, 2),
            burn_rate_days=report.burn.days,
            runs_out_on=report.runs_out_on,
            as_of=report.as_of,
        )


class AlertOut(Out):
    id: int
    contract_id: int
    span_key: str
    threshold: DecimalStr
    unit: str
    committed: DecimalStr
    used: DecimalStr
    crossed_at: datetime
    stopped_campaigns: list[int]
    delivery: AlertDelivery
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None


class EventOut(BaseModel):
    id: int
    type: str
    at: datetime
    data: dict[str, Any]

    @classmethod
    def of(cls, event: LiveEvent) -> EventOut:
        return cls(id=event.id, type=event.type, at=event.at, data=event.data)
