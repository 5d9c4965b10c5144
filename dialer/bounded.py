"""Maps a process keeps in memory for a while (recent wallboards, blocked addresses), bounded in size.

Interface::

    put_bounded(entries, key, value, kept=N, expired=predicate)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def put_bounded(entries: dict[K, V], key: K, value: V, *, kept: int, expired: Callable[[V], bool]) -> None:
    """Set ``entries[key]``; at ``kept`` entries the expired ones go first, and if none had, all of
    them: callers sending ever new keys (zones, addresses) cannot make the map grow without bound."""
    if len(entries) >= kept:
        for old in [k for k, v in entries.items() if expired(v)]:
            del entries[old]
        if len(entries) >= kept:
            entries.clear()
    entries[key] = value
