"""Occupancy per slot from operators' state changes, and the charts' SVG (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api import i18n
from dialer.reports.daily import StateChange
from dialer.supervision.charts import CallSlot, OccupancySlot, occupancy_of, slot_starts
from dialer.supervision.svg import WORDS, calls_svg, occupancy_svg

DAY = date(2026, 12, 7)


def texts_for(lang: str) -> dict[str, str]:
    return {word: i18n.messages(lang)[f"sv.chart.{word}"] for word in WORDS}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=UTC)


def test_occupancy_is_busy_over_available_per_slot_and_none_before_the_slot_begins() -> None:
    starts, width = slot_starts(DAY, "UTC", 60)
    changes = [
        StateChange(1, at(8, 50) - timedelta(days=1), "logged_out", ()),  # the day begins logged out
        StateChange(1, at(9), "ready", (7,)),
        StateChange(1, at(9, 15), "on_call", (7,)),
        StateChange(1, at(9, 45), "wrap_up", (7,)),
        StateChange(1, at(10), "paused", (7,)),  # paused: not available, not counted
        StateChange(1, at(10, 30), "ready", (7,)),
        StateChange(2, at(9), "ready", (8,)),  # another campaign's operator
    ]
    slots = occupancy_of(changes, 7, starts, width, now=at(11))
    by_hour = {s.start.hour: s for s in slots}
    assert (by_hour[9].available_seconds, by_hour[9].busy_seconds, by_hour[9].occupancy) == (3600, 2700, 0.75)
    assert (by_hour[10].available_seconds, by_hour[10].occupancy) == (1800, 0.0)
    assert by_hour[8].occupancy is None and by_hour[11].occupancy is None  # nobody yet / not begun
    floor = occupancy_of(changes, None, starts, width, now=at(11))
    assert {s.start.hour: s.available_seconds for s in floor}[9] == 7200  # both operators


def test_a_day_of_15_minute_slots_follows_the_local_clock() -> None:
    starts, width = slot_starts(DAY, "Europe/Moscow", 15)
    assert len(starts) == 96 and width == timedelta(minutes=15)
    assert starts[0] == datetime(2026, 12, 6, 21, 0, tzinfo=UTC)


def test_the_svg_charts_are_small_readable_images_in_the_pages_language() -> None:
    starts, _ = slot_starts(DAY, "UTC", 60)
    calls = [CallSlot(s, placed=10 * (s.hour == 9), answered=4 * (s.hour == 9)) for s in starts]
    image = calls_svg(calls, texts_for("ru"), 60)
    assert image.startswith("<svg") and image.endswith("</svg>")
    assert "Звонки и ответы за 60 минут" in image and "09:00 звонки: 10" in image
    assert len(image) < 20_000
    busy = [OccupancySlot(s, 3600, 1800, 0.5 if s.hour in (9, 10) else None) for s in starts]
    image = occupancy_svg(busy, texts_for("en"), 60)
    assert "<polyline" in image and "09:00 occupancy: 50%" in image
    empty = occupancy_svg([OccupancySlot(s, 0, 0, None) for s in starts], texts_for("en"), 60)
    assert "nothing yet" in empty and "<polyline" not in empty
