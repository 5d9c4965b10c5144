"""What an export covers: a billing month (``2026-11``) or a span of days, and for each contract
which calls that is.

A month is the contract's billing month as metering defines it (``dialer.metering.periods``: the
calendar month in the contract's billing zone, with late records moved to the next open month and
marked), so the export's totals are the statement's. A span of days (``from``/``to``, both included,
in the contract's billing zone) is a plain look at the calls placed in it: no month is closed on
days, so nothing there is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false

from dialer.billing.periods import BillingPeriod
from dialer.calls.models import Call
from dialer.clients.models import Contract
from dialer.errors import InvalidInput
from dialer.metering.periods import Membership, contract_calls, membership, parse_month, period_for
from dialer.metering.tariffs import billing_zone


@dataclass(frozen=True, slots=True)
class ExportSpan:
    """A month ``(year, month)`` or days ``first``..``last``; ``key`` names it in file names."""

    key: str
    first_day: date
    last_day: date
    month: tuple[int, int] | None = None

    def period(self, contract: Contract) -> BillingPeriod:
        """The span as the contract's period (its zone's days)."""
        if self.month is not None:
            return period_for(contract, *self.month)
        zone = billing_zone(contract)
        start = datetime.combine(self.first_day, time(), zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), zone)
        return BillingPeriod(self.key, start, end, self.first_day, self.last_day)

    def calls(self, contract: Contract, period: BillingPeriod) -> Membership:
        """Which of the contract's calls the span holds, and which of them are late."""
        if self.month is not None:
            return membership(contract.id, period)
        where = and_(
            contract_calls(contract.id),
            Call.recorded_at.is_not(None),
            Call.placed_at >= period.start,
            Call.placed_at < period.end,
        )
        return Membership(where, false())


def month_span(text: str) -> ExportSpan:
    year, month = parse_month(text.strip())
    following = date(year + month // 12, month % 12 + 1, 1)
    return ExportSpan(
        f"{year:04d}-{month:02d}", date(year, month, 1), following - timedelta(days=1), (year, month)
    )


def days_span(first: date, last: date) -> ExportSpan:
    if last < first:
        raise InvalidInput(f"to: {last} is before from: {first}")
    return ExportSpan(f"{first.isoformat()}_{last.isoformat()}", first, last)


def export_span(month: str | None, first: date | None, last: date | None) -> ExportSpan:
    """The span from a month, or from two dates; exactly one of the two ways."""
    if month is not None and (first is not None or last is not None):
        raise InvalidInput("give either month or from/to, not both")
    if month is not None:
        return month_span(month)
    if first is None or last is None:
        raise InvalidInput("give month=YYYY-MM, or both from and to (dates, both included)")
    return days_span(first, last)
