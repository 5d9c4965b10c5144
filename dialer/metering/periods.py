"""Which call records a contract's billing month holds, as a query others can build on.

A month is the calendar month in the contract's billing zone (``[start, end)`` in UTC). A call is
placed in a month by its ``placed_at``; it is billed there when it was recorded (``recorded_at``,
when its end was stored) before the month was closed. A call recorded at or after its month's
closing is a late call: billed in the next month that was still open when it was recorded, and
marked late there. Months are closed in order (``dialer.metering.statement.close_period``), so a
month's late calls are exactly those placed before it and recorded after the previous month's
closing (and before its own). This is :func:`dialer.billing.periods.assign_period` in SQL; the
property tests check that the two agree.

A call not yet ended (``recorded_at`` empty) is in no month yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, or_, select

from dialer.billing.periods import BillingPeriod, monthly_period
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.clients.models import Contract
from dialer.dates import FIRST_YEAR, LAST_YEAR, year_in_range
from dialer.errors import InvalidInput
from dialer.metering.models import ClosedPeriod
from dialer.metering.tariffs import billing_zone

_MONTH = re.compile(r"^(\d{4})-(\d{2})\Z")


def parse_month(value: str, what: str = "month") -> tuple[int, int]:
    """``"2026-11"`` -> ``(2026, 11)``; :class:`InvalidInput` names ``what`` when it is not a month."""
    match = _MONTH.match(value)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"{what}: {value!r} is not a month as YYYY-MM")
    if not year_in_range(int(match.group(1))):
        raise InvalidInput(f"{what}: {value!r} is not between {FIRST_YEAR}-01 and {LAST_YEAR}-12")
    return int(match.group(1)), int(match.group(2))


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def period_for(contract: Contract, year: int, month: int, closed_at: datetime | None = None) -> BillingPeriod:
    """The contract's billing month ``year-month`` in its billing zone (``closed_at`` if known)."""
    period = monthly_period(year, month, billing_zone(contract))
    return period.close(closed_at) if closed_at is not None else period


def contract_calls(contract_id: int) -> ColumnElement[bool]:
    """Calls of the contract's campaigns."""
    return Call.campaign_id.in_(select(Campaign.id).where(Campaign.contract_id == contract_id))


def _closing_time(contract_id: int, key: str) -> ColumnElement[datetime]:
    query = select(ClosedPeriod.closed_at).where(
        ClosedPeriod.contract_id == contract_id, ClosedPeriod.period_key == key
    )
    return query.scalar_subquery()


@dataclass(frozen=True, slots=True)
class Membership:
    """The SQL for "billed in this month": ``where`` selects the calls, ``late`` marks the late ones."""

    where: ColumnElement[bool]
    late: ColumnElement[bool]


def membership(contract_id: int, period: BillingPeriod) -> Membership:
    """Which calls the contract's month ``period`` bills (closing times read from ``billing_periods``).

    For queries of other shapes (columns instead of whole calls, aggregates): add ``where`` to them
    and select ``late`` as a column.
    """
    year, month = parse_month(period.key, "period")
    own_closed = _closing_time(contract_id, period.key)
    previous_closed = _closing_time(contract_id, month_key(*previous_month(year, month)))
    where = and_(
        contract_calls(contract_id),
        Call.recorded_at.is_not(None),
        Call.placed_at < period.end,
        or_(own_closed.is_(None), Call.recorded_at < own_closed),
        or_(Call.placed_at >= period.start, Call.recorded_at >= previous_closed),
    )
    return Membership(where, Call.placed_at < period.start)


def calls_in_period(contract_id: int, period: BillingPeriod) -> Select[Call, bool]:
    """``(call, late)`` for every call billed in the contract's month ``period``, in placing order."""
    member = membership(contract_id, period)
    return select(Call, member.late.label("late")).where(member.where).order_by(Call.placed_at, Call.id)
