"""Wakes listeners in this process after a commit: alerts raised (the event stream), calls ended
(the volume watcher).

``check_volume`` marks its session when it raises an alert, ``mark_ended`` when a call first ends;
once that session commits, the subscribed callbacks run, so ``GET /events`` sends a new alert at
once and the watcher checks the contract of a call that just ended. Other processes poll.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "metering.alert_raised"
_ENDED = "metering.calls_ended"
_subscribers: set[Callable[[], None]] = set()
_call_end_subscribers: set[Callable[[frozenset[int]], None]] = set()


def mark_call_ended(session: Session, campaign_id: int) -> None:
    """A call of ``campaign_id`` ended in this session's transaction."""
    session.info.setdefault(_ENDED, set()).add(campaign_id)


def subscribe_call_ends(callback: Callable[[frozenset[int]], None]) -> Callable[[], None]:
    """Call ``callback(campaign_ids)`` after each commit that ended calls; answers the unsubscribe."""
    _call_end_subscribers.add(callback)
    return lambda: _call_end_subscribers.discard(callback)


def mark_raised(session: Session) -> None:
    session.info[_KEY] = True


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that raised an alert; answers the unsubscribe function."""
    _subscribers.add(callback)
    return lambda: _subscribers.discard(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_KEY, False):
        for callback in list(_subscribers):
            callback()
    ended = session.info.pop(_ENDED, None)
    if ended:
        for on_end in list(_call_end_subscribers):
            on_end(frozenset(ended))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_ENDED, None)
