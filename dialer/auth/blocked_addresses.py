"""Addresses over their sign-in limit, remembered by the process until their window ends.

Once the database's counter says an address is past its limit, every attempt from it answers 429
until that window ends, whatever it sends: nothing it can do before then changes the verdict (a
right password is never checked while it is blocked). So the process keeps the verdict and answers
the rest of a flood without a transaction each; the counters in the database stay the truth shared by
every process, each of which learns the block at its own first attempt past the limit. Kept per
database (a sessionmaker), bounded in size.
"""

from __future__ import annotations

import math
import weakref
from datetime import datetime

from dialer.bounded import put_bounded

KEPT = 10_000

_until: weakref.WeakKeyDictionary[object, dict[str, datetime]] = weakref.WeakKeyDictionary()


def wait_s(database: object, address: str | None, now: datetime) -> int:
    """Whole seconds ``address`` is still blocked for on ``database`` (0: not blocked here)."""
    if not address:
        return 0
    until = _until.get(database, {}).get(address)
    if until is None or until <= now:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


def block(database: object, address: str, until: datetime, now: datetime) -> None:
    """Remember that ``address`` is over its limit on ``database`` until ``until``."""
    put_bounded(_until.setdefault(database, {}), address, until, kept=KEPT, expired=lambda ends: ends <= now)
