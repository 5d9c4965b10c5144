"""The campaign's life: draft → running ⇄ paused → finished, by the supervisor's four commands."""

from __future__ import annotations

import enum

from dialer.campaigns.models import CampaignState


class Command(enum.StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


DRAFT, RUNNING, PAUSED, FINISHED = (
    CampaignState.DRAFT,
    CampaignState.RUNNING,
    CampaignState.PAUSED,
    CampaignState.FINISHED,
)

TRANSITIONS: dict[Command, tuple[frozenset[CampaignState], CampaignState]] = {
    Command.START: (frozenset({DRAFT}), RUNNING),
    Command.PAUSE: (frozenset({RUNNING}), PAUSED),
    Command.RESUME: (frozenset({PAUSED}), RUNNING),
    Command.STOP: (frozenset({RUNNING, PAUSED}), FINISHED),
}


class TransitionRefused(Exception):
    pass


def next_state(current: CampaignState, command: Command) -> CampaignState:
    """The state after ``command``, or TransitionRefused saying why and what would work instead."""
    sources, target = TRANSITIONS[command]
    if current in sources:
        return target
    allowed = sorted(c.value for c, (s, _) in TRANSITIONS.items() if current in s)
    needs = " or ".join(sorted(s.value for s in sources))
    hint = f"; from {current.value} you may {' or '.join(allowed)}" if allowed else "; it is over"
    raise TransitionRefused(f"cannot {command.value} a {current.value} campaign (needs {needs}){hint}")
