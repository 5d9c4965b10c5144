"""Seat time: operators' logged-in intervals clipped to a period, and the period's seat count.

An interval is ``(start, end, state)`` in aware UTC times, half-open ``[start, end)``, one operator's
state over that span (``ready``, ``on_call``, ``wrap_up``, ``paused``...). The contract says whether
pauses count: :data:`WITH_PAUSES` or :data:`WITHOUT_PAUSES` name the states left out. An operator's
overlapping intervals (two campaigns of the same client at once) count once.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from typing import TypeVar

Interval = tuple[datetime, datetime, str]
K = TypeVar("K", bound=Hashable)

WITH_PAUSES: frozenset[str] = frozenset({"logged_out"})
"""Excluded states when the contract pays for every logged-in second, pauses included."""
WITHOUT_PAUSES: frozenset[str] = frozenset({"logged_out", "paused"})
"""Excluded states when the contract pays for logged-in time minus pauses."""


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime refused for {what}: pass timezone-aware (UTC) times")
    return moment


def counted_spans(
    intervals: Iterable[Interval],
    period_start: datetime,
    period_end: datetime,
    excluded_states: Collection[str] = WITH_PAUSES,
) -> list[tuple[datetime, datetime]]:
    """One operator's counted time in ``[period_start, period_end)`` as sorted disjoint spans."""
    _aware(period_start, "period start")
    _aware(period_end, "period end")
    spans = []
    for start, end, state in intervals:
        _aware(start, "interval start")
        _aware(end, "interval end")
        if end < start:
            raise ValueError(f"interval ends ({end}) before it starts ({start})")
        if state in excluded_states:
            continue
        lo, hi = max(start, period_start), min(end, period_end)
        if lo < hi:
            spans.append((lo, hi))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def seat_time(
    intervals: Iterable[Interval],
    period_start: datetime,
    period_end: datetime,
    excluded_states: Collection[str] = WITH_PAUSES,
) -> timedelta:
    """One operator's counted time inside the period (exact to the microsecond)."""
    spans = counted_spans(intervals, period_start, period_end, excluded_states)
    return sum((hi - lo for lo, hi in spans), timedelta())


def seat_time_by_operator(
    intervals: Mapping[K, Iterable[Interval]],
    period_start: datetime,
    period_end: datetime,
    excluded_states: Collection[str] = WITH_PAUSES,
) -> dict[K, timedelta]:
    """Counted time per operator; operators with none are left out."""
    times = {op: seat_time(s, period_start, period_end, excluded_states) for op, s in intervals.items()}
    return {op: length for op, length in times.items() if length > timedelta()}


def seconds_of(length: timedelta) -> Fraction:
    """A duration in seconds, exact."""
    return Fraction(length // timedelta(microseconds=1), 1_000_000)


class SeatCount(enum.StrEnum):
    """How a per-seat-per-month contract counts the month's seats."""

    MAX_CONCURRENT = "max_concurrent"
    """The most operators counted at the same instant."""
    DISTINCT_OPERATORS = "distinct_operators"
    """Every operator with any counted time in the period."""
    AVERAGE_DAILY = "average_daily"
    """Mean over the period's days of the operators with counted time that day."""


def period_days(period_start: datetime, period_end: datetime, tz: tzinfo = UTC) -> list[date]:
    """Local calendar days that overlap ``[period_start, period_end)`` in ``tz``."""
    first = period_start.astimezone(tz).date()
    last = (period_end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    return start, end


def count_seats(
    intervals: Mapping[K, Iterable[Interval]],
    period_start: datetime,
    period_end: datetime,
    method: SeatCount,
    *,
    excluded_states: Collection[str] = WITH_PAUSES,
    tz: tzinfo = UTC,
    days: Sequence[date] | None = None,
) -> Fraction:
    """The period's seats as the contract counts them (a Fraction only for ``AVERAGE_DAILY``).

    ``tz`` and ``days`` matter for ``AVERAGE_DAILY`` only: days are local to ``tz``, and the mean is
    over ``days`` (e.g. the month's business days) or, by default, every calendar day of the period.
    """
    spans = {
        op: counted_spans(items, period_start, period_end, excluded_states) for op, items in intervals.items()
    }
    spans = {op: s for op, s in spans.items() if s}
    match method:
        case SeatCount.DISTINCT_OPERATORS:
            return Fraction(len(spans))
        case SeatCount.MAX_CONCURRENT:
            # Ends sort before starts at the same instant: touching half-open spans do not overlap.
            edges = sorted(edge for s in spans.values() for lo, hi in s for edge in ((lo, 1), (hi, -1)))
            current = peak = 0
            for _, delta in edges:
                current += delta
                peak = max(peak, current)
            return Fraction(peak)
        case SeatCount.AVERAGE_DAILY:
            chosen = list(days) if days is not None else period_days(period_start, period_end, tz)
            if not chosen:
                return Fraction(0)
            seated = 0
            for day in chosen:
                lo, hi = _day_bounds(day, tz)
                seated += sum(1 for s in spans.values() if any(a < hi and b > lo for a, b in s))
            return Fraction(seated, len(chosen))
