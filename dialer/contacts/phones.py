"""Phone numbers to E.164, with the number's time zone, exactly as the ``phonenumbers`` library says.

``phonenumbers`` parses about 15,000 numbers a second, too slow for million-row bases, so
:class:`PhoneNormaliser` first tries :mod:`dialer.contacts.phone_fastpath`, which handles the common
written shapes of the default country's numbers with the library's own metadata and gives identical
answers (proved on a generated corpus in ``tests/contacts/test_phone_fastpath.py``); anything it is
not certain of goes to the library.

Time zone policy: the zone is the one ``phonenumbers.timezone`` names for the number when it names
exactly one. When it names several (Russian mobile and toll-free numbers get all sixteen zones of
calling code 7, the first being ``Asia/Almaty``) the zone is left unknown (``None``) rather than
guessed: a guessed zone would move calling hours by up to nine hours.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import timezone as pn_timezone

from dialer.contacts.phone_fastpath import FastPath, fast_path_for
from dialer.contacts.phone_types import Phone, PhoneProblem, zone_from_candidates

__all__ = ["Phone", "PhoneNormaliser", "PhoneProblem", "reference_normalise"]

if hasattr(phonenumbers, "re_util") and hasattr(phonenumbers.re_util, "enable_pattern_cache"):
    phonenumbers.re_util.enable_pattern_cache()

MAX_INPUT_LENGTH = 250


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def reference_normalise(raw: str, region: str) -> Phone | PhoneProblem:
    """The definition of the result, through ``phonenumbers`` alone (the slow path)."""
    text = raw.strip()
    if not text:
        return PhoneProblem.EMPTY
    if has_letters(text):
        return PhoneProblem.NOT_A_NUMBER
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.NOT_A_NUMBER:
            return PhoneProblem.NOT_A_NUMBER
        return PhoneProblem.INVALID
    if not phonenumbers.is_valid_number(number):
        return PhoneProblem.INVALID
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, zone_from_candidates(pn_timezone.time_zones_for_number(number))


class PhoneNormaliser:
    """Normalises the numbers of one base, whose numbers without a country code are in ``region``."""

    def __init__(self, region: str) -> None:
        self.region = region.upper()
        self._fast: FastPath | None = fast_path_for(self.region)
        self.fast_hits = 0
        self.slow_hits = 0

    def normalise(self, raw: str) -> Phone | PhoneProblem:
        fast = self._fast
        if fast is not None:
            result = fast.normalise(raw)
            if result is not None:
                self.fast_hits += 1
                return result
        self.slow_hits += 1
        return reference_normalise(raw, self.region)
