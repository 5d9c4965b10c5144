"""Which changes of an operator's state are allowed (pure).

::

    logged_out --login--> paused("login") --ready--> ready --start_call--> on_call
    on_call --end_call--> wrap_up --end_wrap / ready--> ready
    ready / wrap_up / paused --pause(reason)--> paused
    any --logout--> logged_out

A customer is put through only from ``ready``; a pause always has a reason code; logging out is
always allowed (an operator can always leave; the engine closes what is left). Logging in again
while logged in keeps the state (the campaigns change).
"""

from __future__ import annotations

import enum
import re

from dialer.operators.models import OperatorState

LOGGED_OUT, READY, ON_CALL, WRAP_UP, PAUSED = (
    OperatorState.LOGGED_OUT,
    OperatorState.READY,
    OperatorState.ON_CALL,
    OperatorState.WRAP_UP,
    OperatorState.PAUSED,
)
REASON = re.compile(r"^[a-z0-9_]{1,50}\Z")
LOGGED_IN = frozenset({READY, ON_CALL, WRAP_UP, PAUSED})


class Action(enum.StrEnum):
    LOGIN = "login"
    READY = "ready"
    PAUSE = "pause"
    START_CALL = "start_call"
    END_CALL = "end_call"
    END_WRAP = "end_wrap"
    LOGOUT = "logout"


TRANSITIONS: dict[Action, tuple[frozenset[OperatorState], OperatorState | None]] = {
    # target None: the state stays as it is
    Action.LOGIN: (frozenset(OperatorState), None),
    Action.READY: (frozenset({PAUSED, WRAP_UP, READY}), READY),
    Action.PAUSE: (frozenset({READY, WRAP_UP, PAUSED}), PAUSED),
    Action.START_CALL: (frozenset({READY}), ON_CALL),
    Action.END_CALL: (frozenset({ON_CALL}), WRAP_UP),
    Action.END_WRAP: (frozenset({WRAP_UP}), READY),
    Action.LOGOUT: (frozenset(OperatorState), LOGGED_OUT),
}


class TransitionRefused(Exception):
    pass


def next_state(current: OperatorState, action: Action, reason: str | None = None) -> OperatorState:
    """The state after ``action``, or ``TransitionRefused`` saying why."""
    if action is Action.PAUSE and (reason is None or not REASON.match(reason)):
        raise TransitionRefused("a pause needs a reason code: 1 to 50 of a-z, 0-9 and _")
    sources, target = TRANSITIONS[action]
    if current not in sources:
        needs = " or ".join(sorted(s.value for s in sources))
        raise TransitionRefused(
            f"cannot {action.value.replace('_', ' ')} when {current.value} (needs {needs})"
        )
    if action is Action.LOGIN:
        return PAUSED if current is LOGGED_OUT else current
    assert target is not None
    return target
