"""When a campaign may call: ranges of "HH:MM-HH:MM" per weekday, in the contact's local time."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def parse_range(text: str) -> tuple[int, int]:
    """``"09:00-21:00"`` as minutes since midnight, ``(540, 1260)``; the end is exclusive."""
    if not _RANGE.match(text):
        raise ValueError(f"{text!r} is not a range of the form HH:MM-HH:MM (00:00 to 24:00)")
    start, end = (_minutes(part) for part in text.split("-"))
    if start >= end:
        raise ValueError(f"{text!r} ends before it starts; split a range that crosses midnight in two")
    return start, end


def _day(ranges: list[str]) -> list[str]:
    parsed = sorted((parse_range(r), r) for r in ranges)
    for (previous, previous_text), (current, current_text) in itertools.pairwise(parsed):
        if current[0] < previous[1]:
            raise ValueError(f"{previous_text!r} and {current_text!r} overlap")
    return [text for _, text in parsed]


DayRanges = Annotated[list[str], Field(max_length=12), AfterValidator(_day)]


class CallingHours(BaseModel):
    """Per weekday, the ranges when calls may be placed; a day left empty is a day without calls."""

    model_config = ConfigDict(extra="forbid")

    mon: DayRanges = Field(default_factory=lambda: ["09:00-21:00"])
    tue: DayRanges = Field(default_factory=lambda: ["09:00-21:00"])
    wed: DayRanges = Field(default_factory=lambda: ["09:00-21:00"])
    thu: DayRanges = Field(default_factory=lambda: ["09:00-21:00"])
    fri: DayRanges = Field(default_factory=lambda: ["09:00-21:00"])
    sat: DayRanges = Field(default_factory=lambda: ["10:00-18:00"])
    sun: DayRanges = Field(default_factory=lambda: ["10:00-18:00"])

    def is_open(self, local: datetime | time, weekday: int | None = None) -> bool:
        """Whether a call may be placed at this local time (a datetime, or a time and a weekday 0-6)."""
        if isinstance(local, datetime):
            weekday, local = local.weekday(), local.time()
        if weekday is None:
            raise ValueError("a weekday is needed with a bare time")
        minute = local.hour * 60 + local.minute
        ranges: list[str] = getattr(self, WEEKDAYS[weekday])
        return any(start <= minute < end for start, end in map(parse_range, ranges))
