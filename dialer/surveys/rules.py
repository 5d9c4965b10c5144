"""The rules a survey and a survey campaign must keep: pure functions, no I/O.

A question's prompt is an Asterisk sound name (``dialer.campaigns.sounds``); its answers are DTMF
keys (``0``-``9``, ``*``; ``#`` ends input at ``GET DATA`` and cannot be an answer), each with what
it means; a ``transfer_digit`` among them ("press 1 to talk to us") puts the caller through to an
operator. A survey campaign dials without operators, so a compliance profile that forbids dialing
without an operator ready (Russia's ``ru``: ``dial_ahead`` off) cannot run one: that rule is
``dialer.campaigns.survey_start``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

ANSWER_KEYS = re.compile(r"^[0-9*]{1,6}\Z")
QUESTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}\Z")


def check_answer_digits(value: str) -> str:
    """``value`` if it is a valid answer: 1 to 6 keys of ``0``-``9`` and ``*``."""
    if not ANSWER_KEYS.match(value):
        raise ValueError(
            f"{value!r}: an answer is 1 to 6 DTMF keys, each 0-9 or * (# ends input and cannot be one)"
        )
    return value


def check_question_key(value: str) -> str:
    """``value`` if it names a question: lower-case letters, digits, ``_`` and ``-``, at most 50."""
    if not QUESTION_KEY.match(value):
        raise ValueError(
            f"{value!r}: a question key is 1 to 50 lower-case letters, digits, '_' or '-', "
            "starting with a letter or digit"
        )
    return value


def duplicates(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    twice: list[str] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def transfer_problem(choices: Mapping[str, str], transfer_digit: str | None) -> str | None:
    """Why a question's transfer digit does not fit its choices (None when it does)."""
    if transfer_digit is not None and transfer_digit not in choices:
        known = ", ".join(choices) or "none"
        return f"transfer_digit {transfer_digit!r} is not one of the question's choices ({known})"
    return None


def meaning_of(choices: Mapping[str, str], digits: str | None) -> str | None:
    """What the digits pressed mean for a question (None: no valid answer, or not a choice)."""
    return choices.get(digits) if digits is not None else None
