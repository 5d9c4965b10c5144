"""Per talk-minute billing: a call's billable seconds, units and amount, and totals of rows.

A call is billed on its talk seconds (customer connected to an operator until hangup, as the
tracker measured them). The contract's rounding rule turns them into billable seconds:

- calls shorter than ``free_under`` seconds cost nothing (0 billable seconds);
- a billed call counts at least ``minimum`` seconds;
- billable seconds are rounded up to a whole number of ``increment``-second units (1: per second,
  6, 30, 60: per started minute).

The amount is ``billable_seconds / 60 * rate_per_minute`` computed exactly and rounded to the
currency's minor unit once per call (per row). Totals are sums of the rounded rows, so an export's
rows, its totals, the monthly report and the act agree to the kopeck.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from dialer.billing.money import Rounding, exact, minor_unit, to_minor, zero


@dataclass(frozen=True, slots=True)
class TalkRounding:
    """The contract's per-call rounding: unit length, minimum billable length, free calls."""

    increment: int = 1
    minimum: int = 0
    free_under: int = 0

    def __post_init__(self) -> None:
        if self.increment < 1:
            raise ValueError(f"rounding increment must be at least 1 second, not {self.increment}")
        if self.minimum < 0 or self.free_under < 0:
            raise ValueError("minimum and free_under must be non-negative seconds")


PER_SECOND = TalkRounding(1)
PER_6_SECONDS = TalkRounding(6)
PER_30_SECONDS = TalkRounding(30)
PER_STARTED_MINUTE = TalkRounding(60)


def per_n_seconds(n: int, *, minimum: int = 0, free_under: int = 0) -> TalkRounding:
    """Per started ``n`` seconds, with an optional minimum and free threshold."""
    return TalkRounding(n, minimum, free_under)


def talk_seconds(connected_at: datetime, ended_at: datetime) -> int:
    """Whole talk seconds between two aware times, a started second counting as a whole one."""
    if connected_at.tzinfo is None or ended_at.tzinfo is None:
        raise ValueError("naive datetime refused: pass timezone-aware (UTC) times")
    if ended_at < connected_at:
        raise ValueError(f"call ends ({ended_at}) before it is connected ({connected_at})")
    length = ended_at - connected_at
    return length.days * 86_400 + length.seconds + (1 if length.microseconds else 0)


def call_talk_seconds(connected_at: datetime | None, ended_at: datetime | None) -> int | None:
    """A call's talk as billing counts it, stored on the call when it ends (``calls.billable_seconds``):
    :func:`talk_seconds` from the connection to the hangup; 0 if never connected (or, facts out of
    order, connected only after its end); ``None`` while the call has not ended."""
    if ended_at is None:
        return None
    if connected_at is None or connected_at >= ended_at:
        return 0
    return talk_seconds(connected_at, ended_at)


def billable_seconds(talk: int, rule: TalkRounding) -> int:
    """Seconds billed for a call of ``talk`` seconds under ``rule`` (0 for a free or empty call)."""
    if talk < 0:
        raise ValueError(f"talk seconds must be non-negative, not {talk}")
    if talk == 0 or talk < rule.free_under:
        return 0
    counted = max(talk, rule.minimum)
    return -(-counted // rule.increment) * rule.increment


def billable_units(talk: int, rule: TalkRounding) -> int:
    """Billed ``increment``-second units (started minutes for per-minute rounding)."""
    return billable_seconds(talk, rule) // rule.increment


@dataclass(frozen=True, slots=True)
class TalkTariff:
    """Price per minute of billable talk in a currency, with the per-call rounding rule."""

    rate_per_minute: Decimal
    rounding: TalkRounding = PER_SECOND
    currency: str = "RUB"
    money_rounding: Rounding = Rounding.HALF_UP

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        if exact(self.rate_per_minute) < 0:
            raise ValueError(f"rate per minute must be non-negative, not {self.rate_per_minute}")


@dataclass(frozen=True, slots=True)
class CallCharge:
    """One call's row: talk seconds, billable seconds and units, and its rounded amount."""

    talk_seconds: int
    billable_seconds: int
    billable_units: int
    amount: Decimal


def exact_call_amount(talk: int, tariff: TalkTariff) -> Fraction:
    """The call's amount before rounding to minor units."""
    return Fraction(billable_seconds(talk, tariff.rounding), 60) * exact(tariff.rate_per_minute)


def charge_call(talk: int, tariff: TalkTariff) -> CallCharge:
    """Price one call of ``talk`` seconds; the amount is rounded here, once, per call."""
    seconds = billable_seconds(talk, tariff.rounding)
    amount = to_minor(exact_call_amount(talk, tariff), tariff.currency, tariff.money_rounding)
    return CallCharge(talk, seconds, seconds // tariff.rounding.increment, amount)


@dataclass(frozen=True, slots=True)
class TalkTotal:
    """The sum of call rows; ``add`` returns a new total so an export can fold rows as it streams."""

    calls: int
    talk_seconds: int
    billable_seconds: int
    billable_units: int
    amount: Decimal

    @classmethod
    def empty(cls, currency: str) -> TalkTotal:
        return cls(0, 0, 0, 0, zero(currency))

    def add(self, row: CallCharge) -> TalkTotal:
        return TalkTotal(
            self.calls + 1,
            self.talk_seconds + row.talk_seconds,
            self.billable_seconds + row.billable_seconds,
            self.billable_units + row.billable_units,
            self.amount + row.amount,
        )

    @property
    def billable_minutes(self) -> Fraction:
        """Billable time in minutes, exact (for reports)."""
        return Fraction(self.billable_seconds, 60)


def total_of(rows: Iterable[CallCharge], currency: str) -> TalkTotal:
    """Sum rows already priced: the totals line of an export."""
    total = TalkTotal.empty(currency)
    for row in rows:
        total = total.add(row)
    return total


def charge_calls(talks: Iterable[int], tariff: TalkTariff) -> tuple[list[CallCharge], TalkTotal]:
    """Price every call and total the rows (for small sets; stream with ``charge_call`` + ``add``)."""
    rows = [charge_call(talk, tariff) for talk in talks]
    return rows, total_of(rows, tariff.currency)
