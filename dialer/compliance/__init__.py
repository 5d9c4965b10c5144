"""Compliance: calling hours, retry rules, abandon-rate windows and per-jurisdiction profiles.

Pure functions and frozen values; the engine and the contact leasing query apply them.
"""

from dialer.compliance.abandon import AbandonFact, AbandonTally, abandon_rate, abandon_tally
from dialer.compliance.attempts import (
    DEFAULT_RETRY_DELAYS,
    AttemptOutcome,
    comes_back_first,
    next_attempt_time,
    retry_delay,
)
from dialer.compliance.calling_windows import (
    is_within_calling_hours,
    next_calling_window_start,
    parse_calling_hours,
)
from dialer.compliance.profiles import (
    PROFILES,
    ComplianceProfile,
    ProfileRegistry,
    custom_profile,
    get_profile,
)

__all__ = [
    "DEFAULT_RETRY_DELAYS",
    "PROFILES",
    "AbandonFact",
    "AbandonTally",
    "AttemptOutcome",
    "ComplianceProfile",
    "ProfileRegistry",
    "abandon_rate",
    "abandon_tally",
    "comes_back_first",
    "custom_profile",
    "get_profile",
    "is_within_calling_hours",
    "next_attempt_time",
    "next_calling_window_start",
    "parse_calling_hours",
    "retry_delay",
]
