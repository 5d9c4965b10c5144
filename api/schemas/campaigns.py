"""Campaigns as the API shows them, with their disposition codes inline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.schemas.common import DecimalStr, Out
from dialer.campaigns.models import (
    CampaignState,
    DispositionKind,
    OperatorConnection,
    RecordingPolicy,
)
from dialer.dialing_modes import DialMode


class DispositionOut(Out):
    id: int
    code: str
    label: str
    kind: DispositionKind
    hot_lead: bool
    counts_as_processed: bool
    adds_to_dnc: bool


class CampaignOut(Out):
    id: int
    client_id: int
    contract_id: int
    name: str
    brief: dict[str, Any]
    script: str
    dialing_mode: DialMode
    caller_id: str | None
    default_country: str
    calling_hours: dict[str, list[list[str]]]
    abandon_cap: DecimalStr
    max_attempts: int
    retry_delays: dict[str, int | list[int]]
    compliance_profile: str
    advertising: bool
    ring_timeout_s: int
    connect_limit_ms: int
    wrap_up_s: int
    operator_connection: OperatorConnection
    dial_ratio: DecimalStr | None
    abandon_message: str
    machine_message: str
    recording_policy: RecordingPolicy
    recording_split_legs: bool
    state: CampaignState
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    dispositions: list[DispositionOut]


class BlockerOut(Out):
    code: str
    message: str


class DialingStatusOut(Out):
    """Whether a campaign places calls now and, if it does not while running, every reason why."""

    campaign_id: int
    state: CampaignState
    dialing: bool
    blockers: list[BlockerOut]
    engine: str | None
    operators_logged_in: int
    operators_ready: int
    contacts_open: int
    contacts_due_now: int
    next_due_at: datetime | None
