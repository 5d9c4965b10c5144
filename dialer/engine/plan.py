"""A running campaign as the engine dials it: the figures it needs, read once per tick from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dialer.campaigns.models import Campaign, OperatorConnection, RecordingPolicy
from dialer.campaigns.profile import campaign_profile, ring_timeout_s
from dialer.compliance import ComplianceProfile
from dialer.dialing_modes import MODES, DialMode, ModeTraits


@dataclass(frozen=True, slots=True)
class Plan:
    campaign_id: int
    mode: DialMode
    nailed_up: bool
    ring_timeout_s: float
    connect_limit_s: float
    wrap_up_s: float
    abandon_cap: float
    abandon_window: timedelta
    dial_ahead: bool
    caller_id: str | None
    profile: ComplianceProfile
    dial_ratio: float = 1.0  # fixed_ratio mode: lines per ready operator
    abandon_message: str = ""  # the campaign's own sounds; empty: the engine's global ones
    machine_message: str = ""
    recording_policy: RecordingPolicy = RecordingPolicy.CONNECTED
    recording_split_legs: bool = False

    @property
    def traits(self) -> ModeTraits:
        """What the campaign's dialing mode does (``dialer.dialing_modes``)."""
        return MODES[self.mode]

    @classmethod
    def of(cls, campaign: Campaign, *, connect_limit_cap_s: float | None = None) -> Plan:
        """The campaign's plan; ``connect_limit_cap_s`` bounds its connect limit from above."""
        profile = campaign_profile(campaign)
        connect = profile.connect_limit_s
        if connect_limit_cap_s is not None:
            connect = min(connect, connect_limit_cap_s)
        return cls(
            campaign_id=campaign.id,
            mode=campaign.dialing_mode,
            nailed_up=campaign.operator_connection is OperatorConnection.NAILED_UP,
            ring_timeout_s=ring_timeout_s(campaign, profile),
            connect_limit_s=connect,
            wrap_up_s=float(campaign.wrap_up_s),
            abandon_cap=profile.abandon_cap,
            abandon_window=profile.abandon_window,
            dial_ahead=profile.dial_ahead,
            caller_id=campaign.caller_id,
            profile=profile,
            dial_ratio=float(campaign.dial_ratio) if campaign.dial_ratio is not None else 1.0,
            abandon_message=campaign.abandon_message or "",
            machine_message=campaign.machine_message or "",
            recording_policy=campaign.recording_policy,
            recording_split_legs=campaign.recording_split_legs,
        )


def bridge_of(endpoint: str) -> str:
    """The operator's held conference, as ``dialer-operator-login`` names it: ``op<endpoint>``."""
    return f"op{endpoint}"
