"""The wallboard's charts as figures: calls and answers per slot of the day, operators' occupancy.

Slots are ``slot_minutes`` long (15 by default) across the local day of ``tz``. Calls count by the
time they were placed, answers by the time they were answered (a person or a machine). Occupancy
follows the daily report's definition (``dialer.reports.daily``): busy (on a call or wrapping up)
over available (logged in and not paused), from operators' state changes (while logged in to the
campaign, when one is given); a slot not begun yet has none.

Interface::

    call_slots(session, day, tz, now, *, campaign_id=None, slot_minutes=15) -> list[CallSlot]
    occupancy_slots(session, day, tz, now, *, campaign_id=None, slot_minutes=15) -> list[OccupancySlot]
    occupancy_of(changes, campaign_id, starts, width, now) -> list[OccupancySlot]   # pure
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call
from dialer.errors import InvalidInput
from dialer.reports.daily import StateChange, day_bounds, ratio
from dialer.reports.daily_source import state_changes

SLOT_MINUTES = (15, 30, 60)
BUSY = ("on_call", "wrap_up")
RING_MAX = timedelta(hours=1)  # a call answered in the day was placed at most this long before it


@dataclass(frozen=True, slots=True)
class CallSlot:
    start: datetime
    placed: int
    answered: int


@dataclass(frozen=True, slots=True)
class OccupancySlot:
    start: datetime
    available_seconds: float  # logged in and not paused
    busy_seconds: float
    occupancy: float | None  # busy / available; None before the slot begins or with nobody available


def slot_starts(day: date, tz: str, slot_minutes: int) -> tuple[list[datetime], timedelta]:
    """The day's slot starts (local wall-clock slots; a DST day has more or fewer) and their width."""
    if slot_minutes not in SLOT_MINUTES:
        raise InvalidInput(f"slot_minutes: one of {', '.join(map(str, SLOT_MINUTES))}")
    start, end = day_bounds(day, tz)
    width = timedelta(minutes=slot_minutes)
    starts, moment = [], start
    while moment < end:
        starts.append(moment)
        moment = (moment + width).astimezone(start.tzinfo)
    return starts, width


def _index(moment: datetime, starts: Sequence[datetime], width: timedelta) -> int | None:
    if not starts or moment < starts[0] or moment >= starts[-1] + width:
        return None
    return min(int((moment - starts[0]) / width), len(starts) - 1)


async def call_slots(
    session: AsyncSession,
    day: date,
    tz: str,
    now: datetime,
    *,
    campaign_id: int | None = None,
    slot_minutes: int = 15,
) -> list[CallSlot]:
    starts, width = slot_starts(day, tz, slot_minutes)
    lo, hi = starts[0], starts[-1] + width
    # by placing time only (the indexes' column): an answer comes within the ring time of the placing
    query = select(Call.placed_at, Call.answered_at).where(
        Call.placed_at >= lo - RING_MAX, Call.placed_at < hi
    )
    if campaign_id is not None:
        query = query.where(Call.campaign_id == campaign_id)
    placed: defaultdict[int, int] = defaultdict(int)
    answered: defaultdict[int, int] = defaultdict(int)
    for placed_at, answered_at in (await session.execute(query)).all():
        i = _index(placed_at, starts, width)
        if i is not None:
            placed[i] += 1
        j = _index(answered_at, starts, width) if answered_at is not None else None
        if j is not None:
            answered[j] += 1
    return [CallSlot(start, placed[i], answered[i]) for i, start in enumerate(starts)]


def occupancy_of(
    changes: Iterable[StateChange],
    campaign_id: int | None,
    starts: Sequence[datetime],
    width: timedelta,
    now: datetime,
) -> list[OccupancySlot]:
    """Per slot: available and busy seconds summed over operators, and their ratio (pure).

    ``changes`` hold, per operator, every change in the day and the last one before it; each state
    lasts until the operator's next change, the last one until ``now``.
    """
    by_operator: defaultdict[int, list[StateChange]] = defaultdict(list)
    for change in changes:
        by_operator[change.operator_id].append(change)
    available = [0.0] * len(starts)
    busy = [0.0] * len(starts)
    for own in by_operator.values():
        own.sort(key=lambda c: c.at)
        for change, following in zip(own, [*own[1:], None], strict=True):
            if change.state in ("logged_out", "paused"):
                continue
            if campaign_id is not None and campaign_id not in change.campaign_ids:
                continue
            begin, finish = change.at, following.at if following is not None else now
            for i, start in enumerate(starts):
                lo, hi = max(begin, start), min(finish, start + width, now)
                if lo < hi:
                    seconds = (hi - lo).total_seconds()
                    available[i] += seconds
                    if change.state in BUSY:
                        busy[i] += seconds
    return [
        OccupancySlot(
            start,
            round(available[i], 1),
            round(busy[i], 1),
            ratio(busy[i], available[i]) if start < now and available[i] > 0 else None,
        )
        for i, start in enumerate(starts)
    ]


async def occupancy_slots(
    session: AsyncSession,
    day: date,
    tz: str,
    now: datetime,
    *,
    campaign_id: int | None = None,
    slot_minutes: int = 15,
) -> list[OccupancySlot]:
    starts, width = slot_starts(day, tz, slot_minutes)
    changes = await state_changes(session, day, tz)
    return occupancy_of(changes, campaign_id, starts, width, now)
