"""A contact's calling window, across every zone its number may be in.

A contact whose zone is known is checked in that zone. When the import left the zone unknown (a
Russian mobile number may be anywhere from Kaliningrad to Kamchatka), the contact may be called only
when it is inside the calling hours in *every* zone the number's prefix allows: never a guess that
could wake someone nine hours away. A number with no zone at all is checked in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

import phonenumbers
from phonenumbers import timezone as pn_timezone

from dialer.compliance import is_within_calling_hours, next_calling_window_start
from dialer.compliance.calling_windows import CallingHours

V = TypeVar("V")
UNKNOWN_ZONE = "Etc/Unknown"
MAX_ROUNDS = 64


@lru_cache(maxsize=4096)
def _zones_of_number(phone: str) -> tuple[str, ...]:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in pn_timezone.time_zones_for_number(number) if z != UNKNOWN_ZONE)


def contact_zones(timezone: str | None, phone: str) -> tuple[str, ...]:
    """The zones a contact may be in: its own, else every zone of its number, else UTC."""
    if timezone:
        return (timezone,)
    return _zones_of_number(phone) or ("UTC",)


def callable_now(calling_hours: CallingHours, zones: tuple[str, ...], now: datetime) -> bool:
    """Inside the calling hours in every one of ``zones`` at ``now``?"""
    return all(is_within_calling_hours(calling_hours, zone, now) for zone in zones)


@dataclass
class CallingVerdicts:
    """``callable_now`` and ``next_callable`` of one campaign at one instant, worked out once per set
    of zones: a batch of contacts (a lease, a wallboard's sample) shares a handful of zones."""

    calling_hours: CallingHours
    now: datetime
    _now: dict[tuple[str, ...], bool] = field(default_factory=dict)
    _next: dict[tuple[str, ...], datetime | None] = field(default_factory=dict)

    def callable_now(self, zones: tuple[str, ...]) -> bool:
        return _remembered(self._now, zones, lambda: callable_now(self.calling_hours, zones, self.now))

    def next_callable(self, zones: tuple[str, ...]) -> datetime | None:
        return _remembered(self._next, zones, lambda: next_callable(self.calling_hours, zones, self.now))


def _remembered(memo: dict[tuple[str, ...], V], zones: tuple[str, ...], work: Callable[[], V]) -> V:
    if zones not in memo:
        memo[zones] = work()
    return memo[zones]


def next_callable(calling_hours: CallingHours, zones: tuple[str, ...], now: datetime) -> datetime | None:
    """``now`` if callable now, else the first later instant inside the hours of every zone (None: never).

    Each round moves to the latest of the zones' next window starts (always later than the round
    before unless every zone is open); weekly windows meet within a few rounds if they meet at all.
    """
    moment = now
    for _ in range(MAX_ROUNDS):
        starts = [next_calling_window_start(calling_hours, zone, moment) for zone in zones]
        if any(start is None for start in starts):
            return None
        latest = max(s for s in starts if s is not None)
        if callable_now(calling_hours, zones, latest):
            return latest
        moment = latest
    return None
