"""A period's bill: the priced lines, the setup fee in the first period only, and VAT on the total.

The lines are already rounded sums of rows (talk time, contacts, seats); the bill adds them, adds
the one-time setup fee if this is the contract's first period, and applies VAT once to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dialer.billing.money import Rounding, require_minor, zero
from dialer.billing.periods import BillingPeriod
from dialer.billing.vat import VatBreakdown, VatMode, apply_vat


@dataclass(frozen=True, slots=True)
class BillLine:
    description: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PeriodBill:
    """Lines, their subtotal (setup fee included) and the VAT breakdown of it."""

    lines: tuple[BillLine, ...]
    subtotal: Decimal
    vat: VatBreakdown

    @property
    def total(self) -> Decimal:
        """What the client pays: gross."""
        return self.vat.gross


def is_first_period(period: BillingPeriod, contract_start: date) -> bool:
    """Whether ``period`` holds the contract's first day (local to the period's zone)."""
    return period.first_day <= contract_start <= period.last_day


def setup_fee_due(fee: Decimal, period: BillingPeriod, contract_start: date) -> Decimal:
    """The setup fee in the contract's first period, nothing in any other."""
    return fee if is_first_period(period, contract_start) else fee * 0  # zero at the fee's exponent


def assemble_bill(
    lines: Sequence[BillLine],
    *,
    currency: str = "RUB",
    setup_fee: Decimal = Decimal(0),
    first_period: bool = False,
    vat_rate: Decimal | None = None,
    vat_mode: VatMode = VatMode.INCLUDED,
    vat_rounding: Rounding = Rounding.HALF_UP,
) -> PeriodBill:
    """The bill from priced lines; the setup fee becomes a line in the first period only."""
    all_lines = [
        BillLine(line.description, require_minor(line.amount, currency, line.description)) for line in lines
    ]
    if first_period and setup_fee:
        all_lines.append(BillLine("setup fee", require_minor(setup_fee, currency, "setup fee")))
    subtotal = sum((line.amount for line in all_lines), zero(currency))
    return PeriodBill(
        tuple(all_lines), subtotal, apply_vat(subtotal, vat_rate, vat_mode, currency, vat_rounding)
    )
