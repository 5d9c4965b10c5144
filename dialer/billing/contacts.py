"""Per processed contact: a price per contact, or per disposition for pay-per-result contracts.

A processed contact is counted once, by the disposition that closed it (metering picks that one);
only dispositions the campaign marks as counting are billed. Each contact is one row priced at its
disposition's price rounded to minor units, and a disposition's line is ``count * row price``, so
per-contact rows and per-disposition lines agree to the kopeck even for a price like 12.345.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from dialer.billing.money import Rounding, exact, minor_unit, to_minor, zero


@dataclass(frozen=True)
class ContactTariff:
    """Which dispositions count, the default price per counted contact and per-disposition prices."""

    counting: frozenset[str]
    price: Decimal | None = None
    by_disposition: Mapping[str, Decimal] = field(default_factory=dict)
    currency: str = "RUB"
    money_rounding: Rounding = Rounding.HALF_UP

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        object.__setattr__(self, "counting", frozenset(self.counting))
        object.__setattr__(self, "by_disposition", MappingProxyType(dict(self.by_disposition)))
        prices = [*self.by_disposition.values(), *([self.price] if self.price is not None else [])]
        if any(exact(p) < 0 for p in prices):
            raise ValueError("contact prices must be non-negative")
        unpriced = sorted(d for d in self.counting if d not in self.by_disposition and self.price is None)
        if unpriced:
            raise ValueError(f"counting dispositions without a price: {', '.join(unpriced)}")

    def row_price(self, disposition: str) -> Decimal | None:
        """The rounded price of one contact closed with ``disposition``; None if it does not count."""
        if disposition not in self.counting:
            return None
        price = self.by_disposition.get(disposition, self.price)
        assert price is not None  # checked in __post_init__
        return to_minor(price, self.currency, self.money_rounding)


@dataclass(frozen=True, slots=True)
class ContactLine:
    """Contacts billed with one disposition."""

    disposition: str
    contacts: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ContactBill:
    """Lines by disposition (sorted by code), counted contacts, and the total."""

    lines: tuple[ContactLine, ...]
    contacts: int
    amount: Decimal
    not_counted: int


def charge_contacts(dispositions: Iterable[str], tariff: ContactTariff) -> ContactBill:
    """Bill processed contacts given each one's closing disposition."""
    counts = Counter(dispositions)
    lines = []
    not_counted = 0
    for disposition in sorted(counts):
        price = tariff.row_price(disposition)
        if price is None:
            not_counted += counts[disposition]
            continue
        lines.append(ContactLine(disposition, counts[disposition], price, price * counts[disposition]))
    amount = sum((line.amount for line in lines), zero(tariff.currency))
    return ContactBill(tuple(lines), sum(line.contacts for line in lines), amount, not_counted)
