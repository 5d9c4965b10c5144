"""What the engine needs from the PBX and from storage: two small interfaces and their plain values.

``PbxPort`` is implemented over AMI by ``dialer.engine.ami_pbx`` (and by fakes in the tests);
``CallStore`` over the database by ``dialer.engine.sql_store``. Facts about calls come back from the
PBX side to ``dialer.engine.fact_handler.FactHandler`` (the tracker's listener).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from dialer.calls.early import EarlyFact
from dialer.calls.models import CallOutcome, HangupSide
from dialer.campaigns.models import RecordingPolicy
from dialer.engine.plan import Plan
from dialer.engine.settle import Settled
from dialer.pacing import PacingDecision

Early = tuple[EarlyFact, ...]  # a call's early facts, in the order they happened


class PbxUnavailable(Exception):
    """The PBX refused the action or is not connected; the call or login did not happen."""


@dataclass(frozen=True, slots=True)
class CustomerCall:
    """One customer call to originate."""

    call_uid: str
    number: str
    trunk: str
    campaign_id: int
    contact_id: int
    ring_timeout_s: float
    caller_id: str | None = None
    recording: RecordingPolicy = RecordingPolicy.CONNECTED  # the dialplan's MixMonitor
    recording_legs: bool = False  # each leg also apart (MixMonitor r()/t())
    amd: bool = True  # False: the dialplan skips AMD (a preview call: the operator is reserved)


class PbxPort(Protocol):
    @property
    def ready(self) -> bool:
        """At least one server is connected and resynchronised: actions may be sent."""
        ...

    def server_ready(self, server: str) -> bool:
        """This server is connected and resynchronised."""
        ...

    def server_of(self, trunk: str) -> str:
        """The name of the Asterisk server that carries ``trunk``."""
        ...

    async def originate(self, call: CustomerCall) -> None:
        """Place a customer call (async: its fate comes back as facts); ``PbxUnavailable`` if refused."""
        ...

    async def login_operator(self, session_id: str, endpoint: str) -> None:
        """Call the operator's softphone into its own bridge (nailed-up); ``PbxUnavailable`` if refused."""
        ...

    async def hangup(self, call_id: str) -> None:
        """Hang up a call or an operator's leg the engine placed (no error if it is already gone)."""
        ...

    def follow(self, call_uid: str, server: str) -> None:
        """Follow a call placed before this process started (reconciled at the next resync)."""
        ...

    def follow_operator(self, session_id: str, endpoint: str) -> None:
        """Follow an operator's login leg placed before this process started."""
        ...

    async def adopt(self, calls: Mapping[str, str]) -> None:
        """Follow live calls (uid -> server) another engine placed and left when it died: found
        again in the servers' listing, or ended as lost at once."""
        ...


@dataclass(frozen=True, slots=True)
class Lease:
    """A contact leased for one call."""

    contact_id: int
    phone: str
    attempt: int
    operator_id: int | None = None  # a callback the operator asked to take themselves


@dataclass(frozen=True, slots=True)
class PreviewAsk:
    """An operator's click to call a contact of a preview campaign, as storage holds it."""

    request_id: int
    campaign_id: int
    operator_id: int
    contact_id: int
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class OperatorSession:
    """An operator logged in, as storage shows them."""

    operator_id: int
    endpoint: str
    campaign_ids: frozenset[int]
    paused: bool
    reason: str | None
    held_channel: str | None = None
    state: str = "ready"  # as stored: ready, paused, on_call, wrap_up
    call_uid: str | None = None


@dataclass(frozen=True, slots=True)
class WrapUp:
    """The operator who talked on an ended call wraps it up from ``at`` for ``wrap_s`` seconds."""

    operator_id: int
    at: datetime
    wrap_s: float


@dataclass(frozen=True, slots=True)
class OpenCall:
    """A call storage shows as not ended (placed by this or an earlier engine process)."""

    call_uid: str
    campaign_id: int
    contact_id: int
    trunk: str
    server: str
    placed_at: datetime
    answered_at: datetime | None
    connected_at: datetime | None
    operator_id: int | None
    amd_status: str | None = None
    abandoned: bool = False
    seen_alive_at: datetime | None = None


class CallStore(Protocol):
    async def running_campaigns(self, now: datetime) -> list[Plan]:
        """The running campaigns this engine drives (claimed for it, heartbeat renewed)."""
        ...

    async def lease(
        self, plan: Plan, limit: int, now: datetime, ready_operator_ids: list[int]
    ) -> list[Lease]:
        """Up to ``limit`` contacts due now; a callback reserved for an operator only if they are ready."""
        ...

    async def release_contacts(self, contact_ids: list[int]) -> None:
        """Give back leased contacts that were not dialed (their attempts unchanged)."""
        ...

    async def release_campaigns(self, campaign_ids: list[int]) -> None:
        """Give up driving these campaigns (another engine may take them at once)."""
        ...

    async def renew_leases(self, contact_ids: list[int], now: datetime) -> None: ...

    async def expire_leases(self, now: datetime, *, holds: bool = True) -> int:
        """Return leases that ran out; ``holds=False`` keeps contacts held for a disposition."""
        ...

    async def release_orphans(self, keep: list[int]) -> int:
        """At start: give back this engine id's leases of contacts with no open call (never dialed)."""
        ...

    async def create_call(
        self,
        call_uid: str,
        campaign_id: int,
        lease: Lease,
        trunk: str,
        server: str,
        at: datetime,
        *,
        recording_policy: RecordingPolicy,
    ) -> None:
        """Record a call about to be placed, with the recording policy its Originate carries."""

    async def mark_early(self, call_uid: str, facts: Early) -> None:
        """Early facts (ringing, answered, AMD) no durable write of the call took in time."""

    # ``early``: the call's early facts held by the writer, written first in the same transaction.

    async def mark_connected(self, call_uid: str, operator_id: int, at: datetime, early: Early = ()) -> None:
        """The call put through and its operator on it, written together (one never shows without
        the other)."""

    async def mark_abandoned(self, call_uid: str, at: datetime, early: Early = ()) -> None: ...

    async def mark_ended(
        self,
        call_uid: str,
        outcome: CallOutcome,
        cause: int | None,
        side: HangupSide | None,
        at: datetime,
        early: Early = (),
        wrap_up: WrapUp | None = None,
    ) -> None:
        """The call's end, and its operator's wrap-up (if it was put through) in the same transaction."""

    async def mark_wrap_ended(self, call_uid: str, at: datetime, operator_id: int | None = None) -> None:
        """The call's wrap-up over; its operator (if given) ready again, in the same transaction."""

    async def settle(
        self, call_uid: str, settled: Settled, early: Early = (), wrap_up: WrapUp | None = None
    ) -> None:
        """Close a call lost while nobody watched with what Asterisk's record (or the proof) says."""
        ...

    async def seen_alive(self, call_uids: list[str], at: datetime) -> None:
        """These live calls were followed by a connected tracker at ``at``."""
        ...

    async def open_calls(self, now: datetime, campaign_id: int | None = None) -> list[OpenCall]:
        """Calls not ended, of the campaigns this engine may drive (another live engine's own calls
        are its to follow), or of that one campaign."""

    async def abandon_counts(self, plan: Plan, now: datetime) -> tuple[int, int]:
        """(answered by a person, abandoned) over the campaign's compliance window up to ``now``."""
        ...

    async def log_pacing(
        self, campaign_id: int, decision: PacingDecision, at: datetime, extra: dict[str, Any]
    ) -> None:
        """Store a change of the dial level with its figures (``extra``: more inputs to keep)."""
        ...

    async def finish_if_exhausted(self, plan: Plan, now: datetime) -> str | None:
        """Finish the running campaign if nothing of it can ever be dialed again; why, if it did."""
        ...

    async def preview_requests(self, campaign_ids: list[int]) -> list[PreviewAsk]:
        """Preview dial requests of these campaigns not taken yet, oldest first."""
        ...

    async def take_preview(self, ask: PreviewAsk, call_uid: str, now: datetime) -> Lease | None:
        """Claim the request and lease its contact to this engine; None if it is gone."""
        ...

    async def fail_preview(self, request_id: int, reason: str) -> None: ...

    async def hangup_requests(self, call_uids: list[str]) -> list[str]:
        """Those of these live calls someone asked from a page to hang up."""
        ...

    async def operator_sessions(self) -> list[OperatorSession]: ...

    async def operator_held(self, operator_id: int, session_id: str | None, at: datetime) -> None:
        """The nailed-up leg is held (``session_id``) or dropped (None): storage pauses or readies."""
        ...

    async def operator_registered(self, endpoint: str, registered: bool, at: datetime) -> None: ...

    async def operators_registered(self, reachable: frozenset[str], at: datetime) -> None:
        """Every operator's softphone from a listing: registered iff its endpoint is ``reachable``."""
        ...
