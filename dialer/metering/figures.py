"""The statement's values: a month's usage and its bill, immutable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from dialer.billing.period_bill import BillLine, PeriodBill
from dialer.billing.periods import BillingPeriod
from dialer.clients.models import PricingModel


@dataclass(frozen=True, slots=True)
class Usage:
    """What the contract's campaigns did in the month."""

    calls: int
    connected_calls: int
    talk_seconds: int
    billable_seconds: int
    processed_contacts: Mapping[str, int] = field(default_factory=dict)
    """Contacts counted as processed, by the disposition that closed them (sorted by code)."""
    seat_seconds_with_pauses: Decimal = Decimal(0)
    seat_seconds_without_pauses: Decimal = Decimal(0)
    seats: Fraction = Fraction(0)
    """Seats as the contract counts them (``seat_count``, pauses per ``seat_pauses_paid``)."""

    def __post_init__(self) -> None:
        ordered = dict(sorted(self.processed_contacts.items()))
        object.__setattr__(self, "processed_contacts", MappingProxyType(ordered))

    @property
    def processed_total(self) -> int:
        return sum(self.processed_contacts.values())


@dataclass(frozen=True, slots=True)
class Statement:
    """A contract's month: usage, the bill (lines, setup fee, VAT), late calls, and whether frozen."""

    contract_id: int
    period: BillingPeriod
    currency: str
    pricing_model: PricingModel
    usage: Usage
    bill: PeriodBill
    late_calls: int
    frozen: bool = False
    closed_by: str | None = None

    @property
    def lines(self) -> tuple[BillLine, ...]:
        return self.bill.lines

    @property
    def total(self) -> Decimal:
        """What the client pays (VAT included)."""
        return self.bill.total
