"""When the monthly report is generated and due, in the client's business days (contract 2.1.3).

The report on a month is generated on the first business day after the month and is due within
5 business days after it, i.e. by the 5th business day of the following month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dialer.business_days import BusinessCalendar, nth_business_day

REPORT_DUE_BUSINESS_DAYS = 5


@dataclass(frozen=True, slots=True)
class ReportSchedule:
    """The month reported on, when its report is generated, and when it is due (inclusive)."""

    year: int
    month: int
    generate_on: date
    due_by: date


def monthly_report_schedule(
    year: int, month: int, calendar: BusinessCalendar, due_business_days: int = REPORT_DUE_BUSINESS_DAYS
) -> ReportSchedule:
    """The report on ``year-month``: generated on the next month's first business day, due by its
    ``due_business_days``-th."""
    next_year, next_month = year + month // 12, month % 12 + 1
    return ReportSchedule(
        year,
        month,
        nth_business_day(next_year, next_month, 1, calendar),
        nth_business_day(next_year, next_month, due_business_days, calendar),
    )
