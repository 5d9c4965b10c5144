"""Calling hours: may a contact be called now, in its own local time, and when may it next be?

Calling hours are a campaign's weekly windows in the contact's local wall-clock time, as stored on
the campaign: ``{"mon": [["09:00", "21:00"]], "sat": [["10:00", "14:00"]]}``. A day without an entry
has no calls. A window whose end is before its start runs past midnight into the next day
(``["22:00", "02:00"]``); ``"24:00"`` ends a window at midnight. Wall-clock times follow the contact's
zone through daylight-saving changes (zoneinfo); a window starting inside a spring-forward gap opens
at the first instant after the gap. Times in and out are timezone-aware; naive ones are refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CallingHours = Mapping[str, Sequence[Sequence[str]]]


@dataclass(frozen=True, slots=True)
class Window:
    """One window of a weekday; ``end`` None means midnight at the end of the day."""

    start: time
    end: time | None

    @property
    def crosses_midnight(self) -> bool:
        return self.end is not None and self.end < self.start

    def contains_same_day(self, wall: time) -> bool:
        """Is ``wall`` inside the part of this window that lies on its own day?"""
        if wall < self.start:
            return False
        return self.end is None or self.crosses_midnight or wall < self.end

    def contains_next_day(self, wall: time) -> bool:
        """Is ``wall`` inside the part of this window that spills into the next day?"""
        return self.crosses_midnight and self.end is not None and wall < self.end


def _parse_time(text: str, *, end: bool) -> time | None:
    hours, _, minutes = text.partition(":")
    h, m = int(hours), int(minutes or 0)
    if end and (h, m) in ((24, 0), (0, 0)):
        return None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"not a time of day: {text!r}")
    return time(h, m)


def parse_calling_hours(calling_hours: CallingHours) -> dict[int, tuple[Window, ...]]:
    """Validate calling hours; windows per weekday number (Monday 0). Raises ``ValueError``."""
    parsed: dict[int, tuple[Window, ...]] = {}
    for day, windows in calling_hours.items():
        key = day.lower()[:3]
        if key not in DAYS:
            raise ValueError(f"unknown weekday: {day!r}")
        out = []
        for pair in windows:
            if len(pair) != 2:
                raise ValueError(f"a window is [start, end]: {pair!r}")
            start = _parse_time(pair[0], end=False)
            assert start is not None
            window = Window(start, _parse_time(pair[1], end=True))
            if window.end == window.start:
                raise ValueError(f"empty window: {pair!r}")
            out.append(window)
        parsed[DAYS.index(key)] = tuple(out)
    return parsed


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime refused: pass a timezone-aware (UTC) time")


def is_within_calling_hours(calling_hours: CallingHours, contact_tz: str, now_utc: datetime) -> bool:
    """May a contact in ``contact_tz`` be called at ``now_utc``, by its local wall-clock time?"""
    _require_aware(now_utc)
    windows = parse_calling_hours(calling_hours)
    local = now_utc.astimezone(ZoneInfo(contact_tz))
    wall = local.time().replace(tzinfo=None)
    today = local.weekday()
    yesterday = (today - 1) % 7
    return any(w.contains_same_day(wall) for w in windows.get(today, ())) or any(
        w.contains_next_day(wall) for w in windows.get(yesterday, ())
    )


def _first_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first UTC instant at or after ``wall`` on ``day`` in ``zone`` (past a DST gap if needed)."""
    naive = datetime.combine(day, wall)
    early = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    late = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if early == late or early > late:  # no gap: fold only matters in the repeated hour
        return min(early, late)

    def reached(moment: datetime) -> bool:
        local = moment.astimezone(zone)
        return (local.date(), local.time()) >= (day, wall)

    lo, hi = int(early.timestamp()), int(late.timestamp())  # in a gap: find the transition second
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if reached(datetime.fromtimestamp(mid, UTC)):
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def next_calling_window_start(
    calling_hours: CallingHours, contact_tz: str, now_utc: datetime
) -> datetime | None:
    """``now_utc`` if calls are allowed now, else the UTC start of the next window; None if none."""
    _require_aware(now_utc)
    if is_within_calling_hours(calling_hours, contact_tz, now_utc):
        return now_utc.astimezone(UTC)
    windows = parse_calling_hours(calling_hours)
    zone = ZoneInfo(contact_tz)
    today = now_utc.astimezone(zone).date()
    starts = [
        _first_instant(day, w.start, zone)
        for offset in range(8)
        for day in [today + timedelta(days=offset)]
        for w in windows.get(day.weekday(), ())
    ]
    later = [s for s in starts if s > now_utc]
    return min(later) if later else None
