"""The compliance profile a campaign dials under: its named profile, tightened by its own settings.

A campaign names a profile (``us``, ``uk``, ``ru``, ``custom``). Its own abandon cap may be stricter
than the profile's, never looser; its ring timeout is never shorter than the profile's minimum. The
``custom`` profile takes the campaign's figures as they are.
"""

from __future__ import annotations

from dataclasses import replace

from dialer.campaigns.models import Campaign
from dialer.compliance import ComplianceProfile, get_profile


def campaign_profile(campaign: Campaign) -> ComplianceProfile:
    """The rules for ``campaign`` (``KeyError`` for an unknown profile name)."""
    base = get_profile(campaign.compliance_profile)
    cap = float(campaign.abandon_cap)
    connect_s = campaign.connect_limit_ms / 1000.0
    if base.name == "custom":
        return replace(base, abandon_cap=cap, connect_limit_s=connect_s)
    return replace(
        base,
        abandon_cap=min(base.abandon_cap, cap),
        connect_limit_s=min(base.connect_limit_s, connect_s),
    )


def ring_timeout_s(campaign: Campaign, profile: ComplianceProfile) -> float:
    """How long the engine lets a number ring: the campaign's setting, at least the profile's minimum."""
    return max(float(campaign.ring_timeout_s), profile.min_ring_s)
