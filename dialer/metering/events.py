"""Wakes listeners in this process after a commit: alerts raised (the event stream), calls ended
(the volume watcher).

``check_volume`` marks its session when it raises an alert, ``mark_ended`` when a call first ends;
once that session commits, the subscribed callbacks run, so ``GET /events`` sends a new alert at
once and the watcher checks the contract of a call that just ended. Other processes poll. The
signals themselves are ``dialer.db.commit_signals``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from dialer.db.commit_signals import CommitSignal

ALERT_RAISED: CommitSignal[int] = CommitSignal("metering.alert_raised")
CALLS_ENDED: CommitSignal[int] = CommitSignal("metering.calls_ended")  # ids: the calls' campaigns


def mark_call_ended(session: Session, campaign_id: int) -> None:
    """A call of ``campaign_id`` ended in this session's transaction."""
    CALLS_ENDED.mark(session, (campaign_id,))


def subscribe_call_ends(callback: Callable[[frozenset[int]], None]) -> Callable[[], None]:
    """Call ``callback(campaign_ids)`` after each commit that ended calls; answers the unsubscribe."""
    return CALLS_ENDED.subscribe(callback)


def mark_raised(session: Session) -> None:
    ALERT_RAISED.mark(session)


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that raised an alert; answers the unsubscribe function."""
    return ALERT_RAISED.subscribe(lambda _ids: callback())
