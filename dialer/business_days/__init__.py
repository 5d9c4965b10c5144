"""Business days per country: Russia's production calendar (holidays and transfers), weekends
elsewhere, and the arithmetic the contract's deadlines need (report by the 5th business day,
acceptance within 5 business days). Pure functions; no I/O."""

from dialer.business_days.arithmetic import (
    add_business_days,
    business_days_between,
    business_days_in_month,
    first_business_day_on_or_after,
    is_business_day,
    next_business_day,
    nth_business_day,
)
from dialer.business_days.calendars import (
    RUSSIA,
    BusinessCalendar,
    RussianCalendar,
    WeekendCalendar,
    calendar_for,
)
from dialer.business_days.russia import DECREES, RussianYear, russian_year

__all__ = [
    "DECREES",
    "RUSSIA",
    "BusinessCalendar",
    "RussianCalendar",
    "RussianYear",
    "WeekendCalendar",
    "add_business_days",
    "business_days_between",
    "business_days_in_month",
    "calendar_for",
    "first_business_day_on_or_after",
    "is_business_day",
    "next_business_day",
    "nth_business_day",
    "russian_year",
]
