""" "A call ended": announced by ``dialer.calls`` after the commit, to whoever subscribed.

``service.ended`` marks its session when a call first ends; once that session commits, each
subscriber runs with the ended calls' campaign ids (the volume watcher of ``dialer.metering``
subscribes when it starts, so it checks that campaign's contract at once). ``calls`` knows nothing
of its subscribers. Other processes find the calls at their next poll. The signal itself is
``dialer.db.commit_signals``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from dialer.db.commit_signals import CommitSignal

CALLS_ENDED: CommitSignal[int] = CommitSignal("calls.ended")  # ids: the calls' campaigns


def mark_call_ended(session: Session, campaign_id: int) -> None:
    """A call of ``campaign_id`` ended in this session's transaction."""
    CALLS_ENDED.mark(session, (campaign_id,))


def subscribe(callback: Callable[[frozenset[int]], None]) -> Callable[[], None]:
    """Call ``callback(campaign_ids)`` after each commit that ended calls; answers the unsubscribe."""
    return CALLS_ENDED.subscribe(callback)
