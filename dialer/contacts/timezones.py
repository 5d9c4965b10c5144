"""A contact's time zone as written in a base: an IANA name, ``UTC+3``, ``+03:00``, ``МСК+2``."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

_OFFSET = re.compile(r"^(utc|gmt|msk|мск)?\s*(?:([+\-−])\s*(\d{1,2})(?::?(\d{2}))?)?\Z")
_MOSCOW_OFFSET = 3


@lru_cache(maxsize=1)
def _iana_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


@lru_cache(maxsize=4096)
def parse_timezone(text: str) -> str | None:
    """The IANA zone a cell names, or ``None`` if it names none we know.

    Whole-hour offsets become ``Etc/GMT±N`` zones (whose sign is inverted by POSIX convention);
    ``МСК+N`` / ``MSK+N`` is Moscow time plus N hours, and plain ``МСК`` is ``Europe/Moscow``.
    """
    value = text.strip()
    if not value:
        return None
    name = _iana_names().get(value.lower())
    if name is not None:
        return name
    match = _OFFSET.match(value.lower())
    if match is None:
        return None
    base, sign, hours, minutes = match.groups()
    moscow = base in ("msk", "мск")
    if sign is None:
        if base is None:
            return None
        return "Europe/Moscow" if moscow else "UTC"
    if minutes not in (None, "00"):
        return None
    offset = int(hours) * (-1 if sign in "-−" else 1) + (_MOSCOW_OFFSET if moscow else 0)
    if moscow and offset == _MOSCOW_OFFSET:
        return "Europe/Moscow"
    if offset == 0:
        return "UTC"
    if not -12 <= offset <= 14:
        return None
    return f"Etc/GMT{-offset:+d}"
