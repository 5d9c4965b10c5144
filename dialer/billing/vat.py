"""VAT on a period's amount: none, included in the price (Russian practice) or added on top.

``rate`` is a fraction (0.2 for 20 %, 0.22 for Russia's rate from 2026), as the contract stores it.
Included: the amount is gross and ``vat = gross * rate / (1 + rate)`` rounded; net = gross - vat.
Added: the amount is net and ``vat = net * rate`` rounded; gross = net + vat. Either way
``net + vat == gross`` exactly, and VAT is computed once, on the period's total, never per row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from dialer.billing.money import Rounding, exact, require_minor, to_minor, zero


class VatMode(enum.StrEnum):
    NONE = "none"
    INCLUDED = "included"
    """The price includes VAT ("в том числе НДС")."""
    ADDED = "added"
    """VAT is charged on top of the price ("НДС сверху")."""


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """Net, VAT and gross in minor units; ``net + vat == gross``."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    rate: Decimal | None
    mode: VatMode


def apply_vat(
    amount: Decimal,
    rate: Decimal | None,
    mode: VatMode,
    currency: str = "RUB",
    rounding: Rounding = Rounding.HALF_UP,
) -> VatBreakdown:
    """Split or extend ``amount`` (whole minor units) by VAT; no rate or ``NONE`` means no VAT."""
    amount = require_minor(amount, currency)
    if mode is VatMode.NONE or rate is None:
        return VatBreakdown(amount, zero(currency), amount, None, VatMode.NONE)
    r = exact(rate)
    if not 0 <= r < 1:
        raise ValueError(f"VAT rate is a fraction in [0, 1), not {rate}")
    if mode is VatMode.INCLUDED:
        vat = to_minor(exact(amount) * r / (1 + r), currency, rounding)
        return VatBreakdown(amount - vat, vat, amount, rate, mode)
    vat = to_minor(exact(amount) * r, currency, rounding)
    return VatBreakdown(amount, vat, amount + vat, rate, mode)


def exact_vat_included(gross: Decimal, rate: Decimal) -> Fraction:
    """VAT inside ``gross`` before rounding (for checks)."""
    r = exact(rate)
    return exact(gross) * r / (1 + r)
