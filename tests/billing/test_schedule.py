"""Monthly report: generated on the first business day after the month, due by the 5th."""

from datetime import date

import pytest

from dialer.billing.schedule import monthly_report_schedule
from dialer.business_days import RUSSIA, WeekendCalendar


@pytest.mark.parametrize(
    ("year", "month", "generate_on", "due_by"),
    [
        # After the New Year holidays of 2026 (1-11 January): 12, 13, 14, 15, 16 January.
        (2025, 12, date(2026, 1, 12), date(2026, 1, 16)),
        # May 2025: 1-4 off, 8 May off (moved from 23 February), 9-11 off: 5, 6, 7, 12, 13 May.
        (2025, 4, date(2025, 5, 5), date(2025, 5, 13)),
        # November 2026: 4 November is a holiday: 2, 3, 5, 6, 9 November.
        (2026, 10, date(2026, 11, 2), date(2026, 11, 9)),
        # June 2026: 12 June is a holiday: 1, 2, 3, 4, 5 June.
        (2026, 5, date(2026, 6, 1), date(2026, 6, 5)),
    ],
)
def test_russian_months(year, month, generate_on, due_by):
    schedule = monthly_report_schedule(year, month, RUSSIA)
    assert (schedule.generate_on, schedule.due_by) == (generate_on, due_by)


def test_weekend_only_country():
    schedule = monthly_report_schedule(2026, 10, WeekendCalendar("KZ"))
    assert (schedule.generate_on, schedule.due_by) == (date(2026, 11, 2), date(2026, 11, 6))
