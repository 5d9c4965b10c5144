"""What normalising a written phone number gives: an E.164 number with its zone, or a problem."""

from __future__ import annotations

import enum

UNKNOWN_ZONE = "Etc/Unknown"


class PhoneProblem(enum.Enum):
    """Why a written number was refused; the value is the reason shown in the import report."""

    EMPTY = "empty phone"
    NOT_A_NUMBER = "not a number"
    INVALID = "invalid number"


Phone = tuple[str, str | None]
"""A normalised number: its E.164 form and its time zone (``None`` when not known for certain)."""


def zone_from_candidates(zones: tuple[str, ...] | list[str]) -> str | None:
    """The single zone ``phonenumbers`` names for a number, or ``None`` if it names none or several."""
    if len(zones) != 1 or zones[0] == UNKNOWN_ZONE:
        return None
    return zones[0]
