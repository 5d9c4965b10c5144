"""The calendar the service works in: days and months from 2000 to 2100.

Reports, statements, exports and contract periods turn a day or a month into UTC instants in some
time zone; at the edges of Python's calendar (year 1, year 9999) that overflows and answered 500.
Nothing here has calls outside these years, so a day or month outside them is refused as input.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AwareDatetime

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

Day = Annotated[date, Ge(FIRST_DAY), Le(LAST_DAY)]
"""A calendar day from 2000-01-01 to 2100-12-31."""

Moment = Annotated[
    AwareDatetime, Ge(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)), Le(datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC))
]
"""An instant with its time zone, from 2000 to the end of 2100 (UTC)."""


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR
