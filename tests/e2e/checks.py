"""What the rules say a finished campaign leaves: each check returns the problems it found."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from dialer.calls.models import Call, CallOutcome
from dialer.compliance import is_within_calling_hours
from dialer.contacts.models import Contact, ContactStatus

FAILED_AS = {
    "busy": CallOutcome.BUSY,
    "noanswer": CallOutcome.NO_ANSWER,
    "unreachable": CallOutcome.UNREACHABLE,
    "congestion": CallOutcome.CONGESTION,
    "machine": CallOutcome.MACHINE,
}
PERSON_END = {ContactStatus.DONE, ContactStatus.DO_NOT_CALL, ContactStatus.CALLBACK, ContactStatus.EXHAUSTED}


def record_problems(calls: list[Call]) -> list[str]:
    """Every call ended, with an outcome, times in order, an operator when connected."""
    problems = []
    for c in calls:
        steps = [c.placed_at, c.ringing_at, c.answered_at, c.connected_at, c.ended_at]
        known = [s for s in steps if s is not None]
        if c.ended_at is None or c.outcome is None:
            problems.append(f"call {c.call_uid} not closed ({c.state})")
        elif known != sorted(known):
            problems.append(f"call {c.call_uid} times out of order: {steps}")
        if c.outcome is CallOutcome.HUMAN_CONNECTED and (c.operator_id is None or c.connected_at is None):
            problems.append(f"call {c.call_uid} connected without operator or time")
        if c.outcome is CallOutcome.HUMAN_CONNECTED and c.disposition_code is None:
            problems.append(f"call {c.call_uid} connected but never disposed")
        if c.outcome is CallOutcome.ABANDONED and c.abandoned_at is None:
            problems.append(f"call {c.call_uid} abandoned without its time")
    return problems


def overlap_problems(calls: list[Call]) -> list[str]:
    """No contact in two calls at once."""
    by_contact: dict[int, list[Call]] = defaultdict(list)
    for c in calls:
        by_contact[c.contact_id].append(c)
    problems = []
    for contact_id, its in by_contact.items():
        its.sort(key=lambda c: c.placed_at)
        for a, b in itertools.pairwise(its):
            if a.ended_at is None or b.placed_at < a.ended_at:
                problems.append(f"contact {contact_id}: call {b.call_uid} placed while {a.call_uid} was live")
    return problems


def hours_problems(calls: list[Call], contacts: Mapping[int, Contact], hours: Mapping[str, Any]) -> list[str]:
    return [
        f"call {c.call_uid} placed at {c.placed_at} outside the hours of {contacts[c.contact_id].timezone}"
        for c in calls
        if not is_within_calling_hours(hours, contacts[c.contact_id].timezone or "UTC", c.placed_at)
    ]


def attempt_problems(
    calls: list[Call],
    contacts: Mapping[int, Contact],
    kinds: Mapping[str, str],
    max_attempts: int,
    retry_s: int,
) -> list[str]:
    """Attempts counted, outcomes as scripted, retries after their delay, final states by the rules."""
    by_contact: dict[int, list[Call]] = defaultdict(list)
    for c in calls:
        by_contact[c.contact_id].append(c)
    problems = []
    for contact in contacts.values():
        its = sorted(by_contact.get(contact.id, []), key=lambda c: c.placed_at)
        kind = kinds.get(contact.phone)
        if kind is None:
            continue
        if contact.attempts != len(its):
            problems.append(f"{contact.phone}: {contact.attempts} attempts counted, {len(its)} calls")
        if len(its) > max_attempts and contact.status is not ContactStatus.CALLBACK:
            problems.append(f"{contact.phone}: {len(its)} calls, over the {max_attempts} allowed")
        for a, b in itertools.pairwise(its):
            waited = b.placed_at - a.ended_at if a.ended_at is not None else timedelta(0)
            if a.disposition_code is None and waited < timedelta(seconds=retry_s - 1):
                problems.append(f"{contact.phone}: retried {waited} after {a.outcome}")
        if kind in FAILED_AS:
            outcomes = {c.outcome for c in its}
            if outcomes != {FAILED_AS[kind]}:
                problems.append(f"{contact.phone} ({kind}): outcomes {outcomes}")
            if (contact.status, len(its)) != (ContactStatus.EXHAUSTED, max_attempts):
                problems.append(f"{contact.phone} ({kind}): {contact.status} after {len(its)} call(s)")
        elif contact.status not in PERSON_END:
            problems.append(f"{contact.phone} ({kind}): left {contact.status} after {len(its)} call(s)")
    return problems
