"""Billing periods: which period a call record is billed in, and why a reported period never changes.

A period is ``[start, end)`` in aware times (a calendar month in the contract's zone by default).
Once reported it is closed at ``closed_at`` and frozen. A record belongs to the period its time falls
in, unless it was recorded at or after that period was closed: then it is a late record, billed in
the next period that was still open when it was recorded. The assignment depends only on the
record's two times and the periods' closing times, never on when it is computed, so re-running a
closed period gives the same records and the same totals.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

T = TypeVar("T")


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime refused for {what}: pass a timezone-aware (UTC) time")
    return moment


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """A billing period: key (``"2026-11"``), its span, its local first and last day, when closed."""

    key: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        _aware(self.start, "period start")
        _aware(self.end, "period end")
        if self.closed_at is not None:
            _aware(self.closed_at, "closing time")
        if self.end <= self.start:
            raise ValueError(f"period {self.key} ends before it starts")

    def contains(self, moment: datetime) -> bool:
        return self.start <= _aware(moment, "record time") < self.end

    def closed_for(self, recorded_at: datetime) -> bool:
        """Whether a record recorded at ``recorded_at`` comes too late for this period."""
        return self.closed_at is not None and _aware(recorded_at, "recorded time") >= self.closed_at

    def close(self, at: datetime) -> BillingPeriod:
        """This period, reported and frozen at ``at``; closing twice keeps the first time."""
        if self.closed_at is not None:
            return self
        return replace(self, closed_at=_aware(at, "closing time"))


def monthly_period(year: int, month: int, tz: tzinfo = UTC) -> BillingPeriod:
    """The calendar month in ``tz`` (e.g. ``ZoneInfo("Europe/Moscow")``), its bounds in UTC."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    start = datetime.combine(first, time(), tz).astimezone(UTC)
    end = datetime.combine(following, time(), tz).astimezone(UTC)
    return BillingPeriod(f"{year:04d}-{month:02d}", start, end, first, following - timedelta(days=1))


def monthly_periods(year: int, month: int, count: int, tz: tzinfo = UTC) -> tuple[BillingPeriod, ...]:
    """``count`` consecutive months starting at ``year-month``."""
    index = year * 12 + month - 1
    return tuple(monthly_period((index + i) // 12, (index + i) % 12 + 1, tz) for i in range(count))


@dataclass(frozen=True, slots=True)
class PeriodAssignment:
    """The period a record is billed in; ``late`` when its own period was already closed."""

    period: BillingPeriod
    late: bool
    own_period: BillingPeriod


class NoOpenPeriod(ValueError):
    """No period holds the record's time, or none after it was open when it was recorded."""


def assign_period(
    event_at: datetime, recorded_at: datetime, periods: Sequence[BillingPeriod]
) -> PeriodAssignment:
    """Bill a record with time ``event_at``, recorded at ``recorded_at``, in one of ``periods``.

    ``periods`` are in time order and do not overlap.
    """
    for earlier, later in itertools.pairwise(periods):
        if later.start < earlier.end:
            raise ValueError(f"periods {earlier.key} and {later.key} overlap or are out of order")
    for index, own in enumerate(periods):
        if not own.contains(event_at):
            continue
        if not own.closed_for(recorded_at):
            return PeriodAssignment(own, False, own)
        for later in periods[index + 1 :]:
            if not later.closed_for(recorded_at):
                return PeriodAssignment(later, True, own)
        raise NoOpenPeriod(
            f"record of {event_at.isoformat()} is late for {own.key} and no later period is open"
        )
    raise NoOpenPeriod(f"no billing period holds {event_at.isoformat()}")


def billed_in(
    period: BillingPeriod, records: Iterable[tuple[datetime, datetime, T]], periods: Sequence[BillingPeriod]
) -> Iterator[tuple[T, bool]]:
    """The records ``(event_at, recorded_at, item)`` billed in ``period``, each with its late flag."""
    for event_at, recorded_at, item in records:
        assignment = assign_period(event_at, recorded_at, periods)
        if assignment.period.key == period.key:
            yield item, assignment.late
