"""The floor: this process's live calls and operators, in memory, for decisions within milliseconds.

Storage keeps the record; the floor is what pacing and the 2-second connect decision read. It is
changed synchronously by the tracker's facts (``dialer.engine.fact_handler``), by the AGI decisions
(``dialer.engine.agi``) and by the operators' sessions as storage shows them
(``dialer.engine.operators``). Pure: no I/O, times passed in.

An operator is sent a customer only when available: ready (not paused, not on a call, not wrapping
up), the softphone not known unregistered, and for nailed-up campaigns the held leg sitting in its
bridge (which proves the softphone answered); a ringing campaign, whose call is the first thing to
reach the phone, needs the softphone known registered (a contact listed or a ContactStatus seen).
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialer.pacing import CallOutcome as PacingOutcome

STATS_WINDOW = 300  # recent finished calls per campaign feeding the pacing estimates


class Seat(enum.StrEnum):
    """An operator's seat as the engine runs it (storage has the same states, less ``reserved``)."""

    READY = "ready"
    RESERVED = "reserved"  # chosen for an answered customer being put through
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


@dataclass(eq=False)
class LiveCall:
    call_uid: str
    campaign_id: int
    contact_id: int
    trunk: str
    server: str
    placed_at: datetime
    answered_at: datetime | None = None
    human_at: datetime | None = None  # the AMD verdict said a person (or not sure): waiting for an operator
    amd_status: str | None = None
    amd_s: float | None = None  # seconds from the answer to AMD's verdict of a person
    operator: str | None = None  # endpoint reserved or connected
    preferred_operator: int | None = None  # a callback for this operator: they take it if they can
    preview: bool = False  # a preview call: its operator was reserved when it was placed
    connected_at: datetime | None = None
    abandoned: bool = False
    surveyed: bool = False  # the IVR survey began: the call ends as ``surveyed`` unless put through
    seen_alive_at: datetime | None = None  # the last moment a connected tracker followed it (proven alive)
    hangup_sent: bool = False  # hung up as asked from a page (not asked again)

    @property
    def waiting(self) -> bool:
        return self.human_at is not None and self.connected_at is None and not self.abandoned


@dataclass(eq=False)
class LiveOperator:
    operator_id: int
    endpoint: str
    campaigns: frozenset[int]
    seat: Seat = Seat.PAUSED
    paused_wanted: bool = False  # storage says paused: after the current call, pause
    pause_reason: str | None = None
    registered: bool | None = None  # None: no registration event seen yet
    held: bool = False  # the nailed-up leg is in the operator's bridge
    session_id: str | None = None  # the nailed-up leg's call id
    login_sent_at: datetime | None = None
    call_uid: str | None = None
    since: datetime | None = None  # when the current seat began
    wrap_until: datetime | None = None
    wrap_s: float = 0.0

    def available(self, *, nailed_up: bool) -> bool:
        if self.seat is not Seat.READY or self.registered is False:
            return False
        return self.held if nailed_up else self.registered is True


@dataclass
class CampaignTally:
    """Per campaign: recent outcomes for the pacing estimates, and the abandon budget's counts."""

    recent: deque[PacingOutcome] = field(default_factory=lambda: deque(maxlen=STATS_WINDOW))
    answered: int = 0
    abandoned: int = 0


class Floor:
    def __init__(self) -> None:
        self.calls: dict[str, LiveCall] = {}
        self.operators: dict[str, LiveOperator] = {}  # by endpoint
        self.tallies: dict[int, CampaignTally] = {}
        self.changed = asyncio.Event()  # set when an operator may have become available
        self.call_ended = asyncio.Event()
        self.softphones: dict[str, bool] = {}  # endpoint -> registered, as last listed or heard
        self.softphones_listed = False  # a full listing came: an endpoint missing from it is not registered

    def softphone(self, endpoint: str) -> bool | None:
        """Is the endpoint's softphone registered (None: nothing known of it yet)?"""
        known = self.softphones.get(endpoint)
        if known is None and self.softphones_listed:
            return False
        return known

    # ---- calls ----------------------------------------------------------------------------------

    def add_call(self, call: LiveCall) -> None:
        self.calls[call.call_uid] = call

    def campaign_calls(self, campaign_id: int) -> list[LiveCall]:
        return [c for c in self.calls.values() if c.campaign_id == campaign_id]

    def lines_in_use(self, trunk: str) -> int:
        return sum(1 for c in self.calls.values() if c.trunk == trunk)

    def tally(self, campaign_id: int) -> CampaignTally:
        return self.tallies.setdefault(campaign_id, CampaignTally())

    def end_call(self, call_uid: str, now: datetime) -> LiveCall | None:
        """Forget an ended call; a reserved operator it never reached is free again from ``now``."""
        call = self.calls.pop(call_uid, None)
        if call is None:
            return None
        self.call_ended.set()
        for op in self.operators.values():
            if op.call_uid == call_uid and op.seat is Seat.RESERVED:
                self._free(op, now)
        return call

    # ---- operators ------------------------------------------------------------------------------

    def operator(self, endpoint: str) -> LiveOperator | None:
        return self.operators.get(endpoint)

    def operator_by_id(self, operator_id: int) -> LiveOperator | None:
        return next((o for o in self.operators.values() if o.operator_id == operator_id), None)

    def campaign_operators(self, campaign_id: int) -> list[LiveOperator]:
        return [o for o in self.operators.values() if campaign_id in o.campaigns]

    def pick_operator(
        self, campaign_id: int, *, nailed_up: bool, preferred: int | None = None
    ) -> LiveOperator | None:
        """The ``preferred`` operator if available, else the campaign's available one idle the longest."""
        free = [o for o in self.campaign_operators(campaign_id) if o.available(nailed_up=nailed_up)]
        if not free:
            return None
        mine = [o for o in free if o.operator_id == preferred]
        if mine:
            return mine[0]
        return min(free, key=lambda o: (o.since is not None, o.since or datetime.min, o.endpoint))

    def available_ids(self, campaign_id: int, *, nailed_up: bool) -> list[int]:
        return [
            o.operator_id for o in self.campaign_operators(campaign_id) if o.available(nailed_up=nailed_up)
        ]

    def reserve(self, op: LiveOperator, call: LiveCall, now: datetime) -> None:
        op.seat, op.call_uid, op.since = Seat.RESERVED, call.call_uid, now
        call.operator = op.endpoint

    def connect(self, op: LiveOperator, call: LiveCall, now: datetime) -> None:
        op.seat, op.call_uid, op.since = Seat.ON_CALL, call.call_uid, now
        call.operator = op.endpoint
        call.connected_at = call.connected_at or now

    def start_wrap(self, op: LiveOperator, now: datetime, wrap_s: float) -> None:
        op.seat, op.since, op.wrap_s = Seat.WRAP_UP, now, wrap_s
        op.wrap_until = now + timedelta(seconds=wrap_s)

    def end_wrap(self, op: LiveOperator, now: datetime) -> None:
        """Wrap-up over: ready again (or paused, if storage asked for it meanwhile)."""
        op.call_uid, op.wrap_until = None, None
        self._free(op, now)

    def wraps_due(self, now: datetime) -> list[LiveOperator]:
        return [
            o
            for o in self.operators.values()
            if o.seat is Seat.WRAP_UP and o.wrap_until is not None and o.wrap_until <= now
        ]

    def lose_leg(self, op: LiveOperator, at: datetime) -> None:
        """The held leg dropped (or never came up) at ``at``: no customer until a new one is held;
        the next login is counted from ``at``."""
        op.held, op.session_id, op.login_sent_at = False, None, at

    def _free(self, op: LiveOperator, now: datetime) -> None:
        op.call_uid = None
        op.seat = Seat.PAUSED if op.paused_wanted else Seat.READY
        op.since = now
        self.changed.set()

    def set_intent(self, op: LiveOperator, *, paused: bool, now: datetime) -> None:
        """Storage says the operator is ready or paused: a seat between calls follows at once."""
        op.paused_wanted = paused
        if op.seat is Seat.READY and paused:
            op.seat, op.since = Seat.PAUSED, now
        elif op.seat is Seat.PAUSED and not paused:
            op.seat, op.since = Seat.READY, now
            self.changed.set()

    def remove_operators(self, endpoints: Iterable[str]) -> list[LiveOperator]:
        return [op for e in list(endpoints) if (op := self.operators.pop(e, None)) is not None]
