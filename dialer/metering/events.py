"""Wakes listeners in this process after a commit that raised a volume alert (the event stream).

``check_volume`` marks its session when it raises an alert; once that session commits, the
subscribed callbacks run, so ``GET /events`` sends a new alert at once. Other processes poll. (A
call that ended is ``dialer.calls.ended``'s signal.) The signal itself is ``dialer.db.commit_signals``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from dialer.db.commit_signals import CommitSignal

ALERT_RAISED: CommitSignal[int] = CommitSignal("metering.alert_raised")


def mark_raised(session: Session) -> None:
    ALERT_RAISED.mark(session)


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that raised an alert; answers the unsubscribe function."""
    return ALERT_RAISED.subscribe(lambda _ids: callback())
