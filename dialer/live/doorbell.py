"""Wakes every event stream of this process: after a local commit that published events, and (on
PostgreSQL) on each notification from any process (``dialer.live.listener``).

Callbacks run in whatever thread rang (a commit's, the listener's): they should only hand the news
on, e.g. ``loop.call_soon_threadsafe(event.set)``.
"""

from __future__ import annotations

from collections.abc import Callable

from dialer.live import publish

_callbacks: set[Callable[[], None]] = set()


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` at each ring; answers the unsubscribe function."""
    _callbacks.add(callback)
    return lambda: _callbacks.discard(callback)


def ring() -> None:
    for callback in list(_callbacks):
        callback()


publish.subscribe(ring)
