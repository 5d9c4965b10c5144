"""When a campaign may call: windows of ``["HH:MM", "HH:MM"]`` per weekday, in the contact's local time.

Stored exactly as ``dialer.compliance.calling_windows`` reads it:
``{"mon": [["09:00", "21:00"]], "sun": []}``.
A day left empty has no calls; ``"24:00"`` ends a window at midnight (``["00:00", "24:00"]`` is the
whole day); a window whose end is before
its start runs past midnight into the next day (``["22:00", "02:00"]``). Here the windows are checked
strictly (two-digit times, no empty or overlapping windows) before a campaign is stored.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from dialer.compliance.calling_windows import parse_calling_hours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 24 * 60
WEEK = 7 * DAY
_START = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
_END = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)\Z")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _window(pair: list[str]) -> list[str]:
    start, end = pair
    if not _START.match(start):
        raise ValueError(f"start {start!r} is not a time HH:MM from 00:00 to 23:59")
    if not _END.match(end):
        raise ValueError(f"end {end!r} is not a time HH:MM from 00:01 to 24:00")
    if _minutes(start) == _minutes(end):  # 00:00-24:00 is the whole day, 09:00-09:00 nothing
        raise ValueError(f"window {start}-{end} is empty")
    return [start, end]


Window = Annotated[
    list[str],
    Field(min_length=2, max_length=2, examples=[["09:00", "21:00"]]),
    AfterValidator(_window),
]
DayWindows = Annotated[list[Window], Field(max_length=12)]

WEEKDAY_DEFAULT = [["09:00", "21:00"]]
WEEKEND_DEFAULT = [["10:00", "18:00"]]


def _intervals(day: int, start: str, end: str) -> list[tuple[int, int]]:
    """A window as minute intervals of the week, split where it wraps from Sunday into Monday."""
    begin = day * DAY + _minutes(start)
    length = (_minutes(end) - _minutes(start)) % DAY or DAY
    finish = begin + length
    if finish <= WEEK:
        return [(begin, finish)]
    return [(begin, WEEK), (0, finish - WEEK)]


class CallingHours(BaseModel):
    """Per weekday, the windows when calls may be placed; a day left empty is a day without calls."""

    model_config = ConfigDict(extra="forbid")

    mon: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKDAY_DEFAULT])
    tue: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKDAY_DEFAULT])
    wed: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKDAY_DEFAULT])
    thu: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKDAY_DEFAULT])
    fri: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKDAY_DEFAULT])
    sat: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKEND_DEFAULT])
    sun: DayWindows = Field(default_factory=lambda: [list(w) for w in WEEKEND_DEFAULT])

    @model_validator(mode="after")
    def _no_overlaps(self) -> CallingHours:
        spans = sorted(
            (interval, f"{name} {start}-{end}")
            for day, name in enumerate(WEEKDAYS)
            for start, end in getattr(self, name)
            for interval in _intervals(day, start, end)
        )
        for (previous, previous_name), (current, current_name) in itertools.pairwise(spans):
            if current[0] < previous[1]:
                raise ValueError(f"windows {previous_name} and {current_name} overlap")
        parse_calling_hours(self.model_dump())  # what the engine will read must parse there too
        return self
