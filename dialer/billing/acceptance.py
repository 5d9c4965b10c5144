"""The acceptance act (акт сдачи-приемки) and its timeline, as a pure state machine.

The contract (4.1): the centre hands over the act no later than 5 days after the monthly report;
the client signs it within 5 business days of receiving it, or objects in writing within that time;
otherwise the act, signed by the centre alone, stands as accepted.

States: ``issued`` -> ``signed`` | ``disputed`` (with the objection) | ``deemed_accepted`` (the
deadline passed with neither). The three outcomes are final: a disputed act is settled by issuing a
corrected act, which starts its own timeline. Dates are the client's local dates.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dialer.business_days import BusinessCalendar, add_business_days
from dialer.errors import Conflict

ACCEPTANCE_BUSINESS_DAYS = 5
ACT_AFTER_REPORT_DAYS = 5


class ActState(enum.StrEnum):
    ISSUED = "issued"
    SIGNED = "signed"
    DISPUTED = "disputed"
    DEEMED_ACCEPTED = "deemed_accepted"


class IllegalActTransition(Conflict):
    """The event cannot happen to the act in its state or at that date."""


@dataclass(frozen=True, slots=True)
class Act:
    """An act's timeline: received on ``issued_on``, answer due by ``deadline`` (inclusive)."""

    issued_on: date
    deadline: date
    state: ActState = ActState.ISSUED
    decided_on: date | None = None
    objection: str | None = None

    @property
    def final(self) -> bool:
        return self.state is not ActState.ISSUED


@dataclass(frozen=True, slots=True)
class Sign:
    on: date


@dataclass(frozen=True, slots=True)
class Dispute:
    on: date
    objection: str


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passes: ``today`` is the current local date."""

    today: date


ActEvent = Sign | Dispute | Tick


def act_issue_deadline(report_delivered_on: date, days: int = ACT_AFTER_REPORT_DAYS) -> date:
    """The last day to hand over the act: ``days`` calendar days after the report (4.1)."""
    return report_delivered_on + timedelta(days=days)


def issue_act(
    issued_on: date, calendar: BusinessCalendar, business_days: int = ACCEPTANCE_BUSINESS_DAYS
) -> Act:
    """A new act received by the client on ``issued_on``; it must answer within ``business_days``."""
    return Act(issued_on, add_business_days(issued_on, business_days, calendar))


def transition(act: Act, event: ActEvent) -> Act:
    """The act after ``event``; :class:`IllegalActTransition` says why an event is refused.

    A ``Tick`` after the deadline deems an issued act accepted on the day after the deadline; it
    leaves a final act as it is. Signing or objecting must happen within ``[issued_on, deadline]``.
    """
    if isinstance(event, Tick):
        if act.state is ActState.ISSUED and event.today > act.deadline:
            return replace(act, state=ActState.DEEMED_ACCEPTED, decided_on=act.deadline + timedelta(days=1))
        return act
    action = "signed" if isinstance(event, Sign) else "disputed"
    if act.final:
        raise IllegalActTransition(
            f"the act is already {act.state.value} (on {act.decided_on}); it cannot be {action}"
        )
    if event.on < act.issued_on:
        raise IllegalActTransition(
            f"the act issued on {act.issued_on} cannot be {action} earlier, on {event.on}"
        )
    if event.on > act.deadline:
        raise IllegalActTransition(
            f"the deadline was {act.deadline}: the act stands as accepted since"
            f" {act.deadline + timedelta(days=1)} and cannot be {action} on {event.on}"
        )
    if isinstance(event, Sign):
        return replace(act, state=ActState.SIGNED, decided_on=event.on)
    objection = event.objection.strip()
    if not objection:
        raise IllegalActTransition("an objection to the act needs its text")
    return replace(act, state=ActState.DISPUTED, decided_on=event.on, objection=objection)
