"""Volume tracking against the contract's committed volume: left, burn rate, run-out date, alerts.

Volumes are exact quantities in the contract's unit (minutes, contacts, seat-hours). Threshold
alerts are a pure function of the usage before and after an update, so an alert fires exactly once
as usage grows past a threshold, however the growth is split into updates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from dialer.billing.money import Exact, exact

DEFAULT_THRESHOLDS: tuple[Decimal, ...] = (Decimal("0.8"), Decimal("1"))


@dataclass(frozen=True, slots=True)
class VolumeStatus:
    """Committed, used, left (never negative) and the overrun beyond the commitment."""

    committed: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.committed - self.used, Decimal(0))

    @property
    def overrun(self) -> Decimal:
        return max(self.used - self.committed, Decimal(0))

    @property
    def used_fraction(self) -> Fraction | None:
        """Used / committed, exact; None when nothing is committed."""
        return Fraction(self.used) / Fraction(self.committed) if self.committed else None

    @property
    def exhausted(self) -> bool:
        return self.used >= self.committed


@dataclass(frozen=True, slots=True)
class BurnRate:
    """Usage over a trailing window of ``days`` ending on ``until`` (inclusive)."""

    used: Fraction
    days: int
    until: date

    @property
    def per_day(self) -> Fraction:
        return self.used / self.days


def burn_rate(usage: Iterable[tuple[date, Exact]], until: date, days: int = 7) -> BurnRate:
    """Usage per day over the ``days`` days ending on ``until``, from ``(day, amount)`` entries."""
    if days < 1:
        raise ValueError(f"the burn-rate window is at least one day, not {days}")
    since = until - timedelta(days=days)
    used = sum((exact(amount) for day, amount in usage if since < day <= until), Fraction(0))
    return BurnRate(used, days, until)


def runs_out_on(status: VolumeStatus, rate: BurnRate) -> date | None:
    """The day the volume is used up at the current pace; None if nothing is being used.

    Usage through ``rate.until`` is already in ``status.used``; each following day uses
    ``rate.per_day``, so the volume runs out ``ceil(left / per_day)`` days later. Already used up:
    ``rate.until``.
    """
    left = Fraction(status.left)
    if left == 0:
        return rate.until
    if rate.per_day <= 0:
        return None
    days = -(-left // rate.per_day)
    return rate.until + timedelta(days=int(days))


def crossed_thresholds(
    previous_used: Exact,
    new_used: Exact,
    committed: Exact | None,
    thresholds: Iterable[Exact] = DEFAULT_THRESHOLDS,
) -> tuple[Exact, ...]:
    """Thresholds (fractions of ``committed``) crossed by going from ``previous_used`` to ``new_used``.

    A threshold ``t`` is crossed when ``previous_used < t * committed <= new_used``; the result is
    ascending, as given. Nothing is crossed without a commitment or when usage does not grow.
    """
    if committed is None or exact(committed) <= 0:
        return ()
    before, after, volume = exact(previous_used), exact(new_used), exact(committed)
    crossed = {exact(t): t for t in thresholds if before < exact(t) * volume <= after}
    return tuple(crossed[key] for key in sorted(crossed))
