"""Whether a campaign may start (or resume) in the IVR survey mode: a rule of campaigns, read by
``campaigns.service`` when a supervisor starts one."""

from __future__ import annotations

from dialer.compliance import ComplianceProfile
from dialer.dialing_modes import DialMode, traits


def survey_start_problem(
    mode: DialMode, profile: ComplianceProfile, *, has_survey: bool, campaign_id: int
) -> str | None:
    """Why a campaign cannot start (or resume) in its dialing mode (None when it can)."""
    if not traits(mode).ivr_survey:
        return None
    if not profile.dial_ahead:
        return (
            f"campaign {campaign_id}: the IVR survey mode dials without operators, which compliance "
            f"profile {profile.name!r} forbids (no call without an operator ready); choose another "
            "dialing mode or profile"
        )
    if not has_survey:
        return (
            f"campaign {campaign_id}: the survey mode needs the campaign's survey; define it first "
            f"(PUT /campaigns/{campaign_id}/survey)"
        )
    return None
