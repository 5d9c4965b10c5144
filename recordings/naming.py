"""How recordings are named in a store: by client, UTC day and call, so a client's or a day's
recordings share a key prefix (for listing, daily packs and per-client buckets)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from recordings.store import validate_key

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_part(value: object) -> str:
    """One key segment from an id: anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``_``."""
    part = _SAFE.sub("_", str(value)).strip(".")
    if not part:
        raise ValueError(f"{value!r} gives an empty key segment")
    return part


def recording_key(client_id: object, started_at: datetime, call_id: object, suffix: str = ".wav") -> str:
    """``<client>/<YYYY>/<MM>/<DD>/call-<call id><suffix>``, the day taken in UTC."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    day = started_at.astimezone(UTC)
    key = f"{safe_part(client_id)}/{day:%Y/%m/%d}/call-{safe_part(call_id)}{suffix}"
    return validate_key(key)


def day_prefix(client_id: object, day: datetime) -> str:
    """The key prefix of one client's recordings on one UTC day (ends with ``/``)."""
    if day.tzinfo is None:
        raise ValueError("day must be timezone-aware")
    return f"{safe_part(client_id)}/{day.astimezone(UTC):%Y/%m/%d}/"
