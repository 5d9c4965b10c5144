"""Per-seat pricing: per seat-hour (one row per operator), per seat per month, and hourly plans.

Seat time comes from :mod:`dialer.billing.seat_time`. Each operator's time is turned into whole
``increment``-second units (up by default: a started minute is a minute) and priced as one row
rounded to minor units; the total is the sum of rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from dialer.billing.money import Exact, Rounding, exact, minor_unit, round_to_places, to_minor, zero
from dialer.billing.seat_time import seconds_of

K = TypeVar("K", bound=Hashable)


def billable_seat_seconds(
    length: timedelta | Fraction, increment: int = 60, rounding: Rounding = Rounding.CEILING
) -> int:
    """Seconds billed for seat time (a duration or exact seconds): whole ``increment``-second units."""
    if increment < 1:
        raise ValueError(f"increment must be at least 1 second, not {increment}")
    seconds = seconds_of(length) if isinstance(length, timedelta) else length
    if seconds < 0:
        raise ValueError(f"seat time must be non-negative, not {length}")
    return int(round_to_places(seconds / increment, 0, rounding)) * increment


def _per_hour(seconds: int, rate: Decimal, currency: str, rounding: Rounding) -> Decimal:
    return to_minor(Fraction(seconds, 3600) * exact(rate), currency, rounding)


@dataclass(frozen=True, slots=True)
class SeatHourTariff:
    """Price per seat-hour; each operator's time rounded to ``increment`` seconds per period."""

    rate_per_hour: Decimal
    currency: str = "RUB"
    increment: int = 60
    time_rounding: Rounding = Rounding.CEILING
    money_rounding: Rounding = Rounding.HALF_UP

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        if exact(self.rate_per_hour) < 0:
            raise ValueError("rate per hour must be non-negative")


@dataclass(frozen=True, slots=True)
class SeatHourRow(Generic[K]):
    """One operator's seat time, billed seconds and amount."""

    operator: K
    seat_seconds: Fraction
    billable_seconds: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SeatHourBill(Generic[K]):
    rows: tuple[SeatHourRow[K], ...]
    billable_seconds: int
    amount: Decimal

    @property
    def billable_hours(self) -> Fraction:
        return Fraction(self.billable_seconds, 3600)


def charge_seat_hours(times: Mapping[K, timedelta], tariff: SeatHourTariff) -> SeatHourBill[K]:
    """One row per operator (in the mapping's order) and their sum."""
    rows = []
    for operator, length in times.items():
        seconds = billable_seat_seconds(length, tariff.increment, tariff.time_rounding)
        amount = _per_hour(seconds, tariff.rate_per_hour, tariff.currency, tariff.money_rounding)
        rows.append(SeatHourRow(operator, seconds_of(length), seconds, amount))
    total = sum((row.amount for row in rows), zero(tariff.currency))
    return SeatHourBill(tuple(rows), sum(row.billable_seconds for row in rows), total)


def charge_seat_month(
    seats: Exact, rate_per_seat: Decimal, currency: str = "RUB", rounding: Rounding = Rounding.HALF_UP
) -> Decimal:
    """A month's seats (as :func:`~dialer.billing.seat_time.count_seats` counted them) at a rate per seat."""
    if exact(seats) < 0 or exact(rate_per_seat) < 0:
        raise ValueError("seats and rate per seat must be non-negative")
    return to_minor(exact(seats) * exact(rate_per_seat), currency, rounding)


@dataclass(frozen=True, slots=True)
class HourlyPlan:
    """A block of hours at a fixed price; time beyond it at ``overage_rate_per_hour``."""

    block_hours: Decimal
    block_price: Decimal
    overage_rate_per_hour: Decimal
    currency: str = "RUB"
    increment: int = 60
    time_rounding: Rounding = Rounding.CEILING
    money_rounding: Rounding = Rounding.HALF_UP

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        if min(exact(self.block_hours), exact(self.block_price), exact(self.overage_rate_per_hour)) < 0:
            raise ValueError("an hourly plan's hours, price and rate must be non-negative")


@dataclass(frozen=True, slots=True)
class HourlyPlanCharge:
    """The block, the overage beyond it (billed seconds), and their amounts."""

    used_seconds: Fraction
    included_seconds: Fraction
    overage_seconds: int
    block_amount: Decimal
    overage_amount: Decimal

    @property
    def amount(self) -> Decimal:
        return self.block_amount + self.overage_amount


def charge_hourly_plan(used: timedelta, plan: HourlyPlan) -> HourlyPlanCharge:
    """The block price always; overage = time beyond the block, rounded to ``increment`` seconds."""
    used_s = seconds_of(used)
    included = exact(plan.block_hours) * 3600
    beyond = max(used_s - included, Fraction(0))
    overage = billable_seat_seconds(beyond, plan.increment, plan.time_rounding)
    block = to_minor(plan.block_price, plan.currency, plan.money_rounding)
    extra = _per_hour(overage, plan.overage_rate_per_hour, plan.currency, plan.money_rounding)
    return HourlyPlanCharge(used_s, included, overage, block, extra)
