"""The wallboard: each operator's state, and each campaign's figures, per campaign and for the floor.

Assembled from what the domain already answers: operators' current status (``operator_status``),
the campaign's dialing status and its reasons (``dialer.supervision.dialing_status``), its pacing
(the last dial level with its reason, the abandon rate over the compliance window against the cap:
``dialer.calls.pacing_log``), and the contract's volume (``dialer.metering.volume``, cached for
``VOLUME_TTL``: it reads the month's calls). The day's figures are one aggregate query each and
follow the daily report's definitions (``dialer.reports.daily``): calls placed in the local day of
``tz``; answered (a person or a machine); connected to an operator; abandoned (a person answered,
no operator was free); answer rate answered / placed; contacts processed: distinct contacts called
in the day whose disposition counts as processed for the contract.

Interface::

    campaign_board(session, principal, campaign_id, now, *, tz, owner_ttl, volumes, boards) -> CampaignBoard
    floor_board(session, principal, now, *, tz, owner_ttl, volumes) -> FloorBoard
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.bounded import put_bounded
from dialer.calls.models import Call, CallOutcome
from dialer.calls.pacing_log import pacing_status
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.campaigns.service import get_campaign, list_campaigns
from dialer.clients.models import Contract
from dialer.metering.volume import volume_report
from dialer.operators.models import Operator, OperatorState, OperatorStatus, campaign_operators
from dialer.reports.daily import day_bounds, ratio, zone
from dialer.supervision.dialing_status import Blocker, dialing_status

VOLUME_TTL = timedelta(seconds=60)
BOARD_TTL = timedelta(seconds=1)
BOARDS_KEPT = 1000
ON_THE_FLOOR = (CampaignState.RUNNING, CampaignState.PAUSED)
STATE_ORDER = {
    OperatorState.ON_CALL: 0,
    OperatorState.WRAP_UP: 1,
    OperatorState.READY: 2,
    OperatorState.PAUSED: 3,
    OperatorState.LOGGED_OUT: 4,
}


@dataclass(frozen=True, slots=True)
class OperatorBoard:
    operator_id: int
    name: str
    login: str
    endpoint: str
    state: OperatorState
    reason: str | None
    since: datetime | None
    seconds_in_state: float | None
    registered: bool
    campaign_ids: list[int]
    call_uid: str | None
    calls_today: int
    talk_seconds_today: float


@dataclass(frozen=True, slots=True)
class DialLevel:
    """The last change of the campaign's dial level, with its reason and figures."""

    level: float
    mode: str
    calls_to_place: int
    reason: str
    limited_by: str
    answer_rate: float | None
    at: datetime


@dataclass(frozen=True, slots=True)
class AbandonBoard:
    answered: int
    abandoned: int
    rate: float
    cap: float
    window_hours: float
    within_cap: bool


@dataclass(frozen=True, slots=True)
class Today:
    day: date
    placed: int
    answered: int
    connected: int
    abandoned: int
    contacts_dialed: int
    contacts_processed: int
    answer_rate: float
    talk_seconds: float


@dataclass(frozen=True, slots=True)
class VolumeBoard:
    contract_id: int
    unit: str
    committed: Decimal | None
    used: Decimal
    left: Decimal | None
    runs_out_on: date | None


@dataclass(frozen=True, slots=True)
class CampaignBoard:
    campaign_id: int
    name: str
    state: CampaignState
    mode: str
    dialing: bool
    blockers: list[Blocker]
    calls_in_progress: int
    operators: list[OperatorBoard]
    dial_level: DialLevel | None
    abandon: AbandonBoard
    today: Today
    volume: VolumeBoard | None


@dataclass(frozen=True, slots=True)
class FloorBoard:
    at: datetime
    timezone: str
    operators: list[OperatorBoard]
    campaigns: list[CampaignBoard]
    calls_in_progress: int
    placed_today: int
    connected_today: int

    @property
    def states(self) -> dict[str, int]:
        """How many operators are in each state."""
        counts = {s.value: 0 for s in STATE_ORDER}
        for operator in self.operators:
            counts[operator.state.value] += 1
        return counts


@dataclass
class VolumeCache:
    """Contracts' volumes read at most every ``ttl`` (one per API process)."""

    ttl: timedelta = VOLUME_TTL
    entries: dict[int, tuple[datetime, VolumeBoard]] = field(default_factory=dict)

    async def get(self, session: AsyncSession, contract_id: int, now: datetime) -> VolumeBoard | None:
        cached = self.entries.get(contract_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        contract = await session.get(Contract, contract_id)
        if contract is None:
            return None
        report = await volume_report(session, contract, now)
        board = VolumeBoard(
            contract_id=contract.id,
            unit=report.unit.value,
            committed=report.committed,
            used=report.used_rounded,
            left=report.left,
            runs_out_on=report.runs_out_on,
        )
        self.entries[contract_id] = (now, board)
        return board


@dataclass
class BoardCache:
    """Campaign boards worked out at most once per ``ttl`` per campaign and zone (one per API
    process): every supervisor's screen refreshing the same board costs one set of queries, not one
    each. Whether the caller may see the campaign is checked on every request, before the cache."""

    ttl: timedelta = BOARD_TTL
    entries: dict[tuple[int, str], tuple[datetime, CampaignBoard]] = field(default_factory=dict)

    def get(self, campaign_id: int, tz: str, now: datetime) -> CampaignBoard | None:
        cached = self.entries.get((campaign_id, tz))
        if cached is not None and timedelta(0) <= now - cached[0] < self.ttl:
            return cached[1]
        return None

    def put(self, campaign_id: int, tz: str, now: datetime, board: CampaignBoard) -> None:
        def stale(entry: tuple[datetime, CampaignBoard]) -> bool:
            return now - entry[0] >= self.ttl

        put_bounded(self.entries, (campaign_id, tz), (now, board), kept=BOARDS_KEPT, expired=stale)


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


async def _assigned(session: AsyncSession, campaign_id: int) -> set[int]:
    query = select(campaign_operators.c.operator_id).where(campaign_operators.c.campaign_id == campaign_id)
    return set(await session.scalars(query))


async def operator_boards(
    session: AsyncSession, now: datetime, tz: str, campaign_id: int | None = None
) -> list[OperatorBoard]:
    """Active operators (of the campaign: those assigned to it or logged in to it), busiest first."""
    result = await session.execute(
        select(Operator, OperatorStatus)
        .outerjoin(OperatorStatus, OperatorStatus.operator_id == Operator.id)
        .where(Operator.active.is_(True))
    )
    rows: list[tuple[Operator, OperatorStatus | None]] = [(o, s) for o, s in result.all()]
    if campaign_id is not None:
        assigned = await _assigned(session, campaign_id)
        rows = [
            (o, s) for o, s in rows if o.id in assigned or (s is not None and campaign_id in s.campaign_ids)
        ]
    start, end = day_bounds(now.astimezone(zone(tz)).date(), tz)
    taken = {
        operator_id: (int(calls), float(talk or 0))
        for operator_id, calls, talk in (
            await session.execute(
                select(Call.operator_id, func.count(Call.id), func.sum(Call.talk_seconds))
                .where(
                    Call.connected_at.is_not(None),
                    Call.placed_at >= start,
                    Call.placed_at < end,
                    Call.operator_id.is_not(None),
                    *([Call.campaign_id == campaign_id] if campaign_id is not None else []),
                )
                .group_by(Call.operator_id)
            )
        ).all()
    }
    boards = []
    for operator, status in rows:
        state = status.state if status is not None else OperatorState.LOGGED_OUT
        since = _aware(status.since) if status is not None else None
        calls, talk = taken.get(operator.id, (0, 0.0))
        boards.append(
            OperatorBoard(
                operator_id=operator.id,
                name=operator.name,
                login=operator.login,
                endpoint=operator.sip_endpoint,
                state=state,
                reason=status.reason if status is not None else None,
                since=since,
                seconds_in_state=max(0.0, (now - since).total_seconds()) if since else None,
                registered=bool(status.registered) if status is not None else False,
                campaign_ids=list(status.campaign_ids or []) if status is not None else [],
                call_uid=status.call_uid if status is not None else None,
                calls_today=calls,
                talk_seconds_today=round(talk, 1),
            )
        )
    boards.sort(key=lambda b: (STATE_ORDER[b.state], b.since or now, b.name))
    return boards


async def today_figures(session: AsyncSession, campaign: Campaign, now: datetime, tz: str) -> Today:
    day = now.astimezone(zone(tz)).date()
    start, end = day_bounds(day, tz)
    in_day = and_(Call.campaign_id == campaign.id, Call.placed_at >= start, Call.placed_at < end)
    gave_up = or_(Call.abandoned_at.is_not(None), Call.outcome == CallOutcome.ABANDONED)
    abandoned = and_(Call.connected_at.is_(None), gave_up)
    placed, answered, connected, lost, dialed, talk = (
        await session.execute(
            select(
                func.count(Call.id),
                func.count(Call.answered_at),
                func.count(Call.connected_at),
                func.sum(case((abandoned, 1), else_=0)),
                func.count(distinct(Call.contact_id)),
                func.sum(Call.talk_seconds),
            ).where(in_day)
        )
    ).one()
    processing = select(DispositionCode.code).where(
        DispositionCode.campaign_id == campaign.id, DispositionCode.counts_as_processed.is_(True)
    )
    processed = await session.scalar(
        select(func.count(distinct(Call.contact_id))).where(in_day, Call.disposition_code.in_(processing))
    )
    return Today(
        day=day,
        placed=int(placed),
        answered=int(answered),
        connected=int(connected),
        abandoned=int(lost or 0),
        contacts_dialed=int(dialed),
        contacts_processed=int(processed or 0),
        answer_rate=ratio(int(answered), int(placed)),
        talk_seconds=round(float(talk or 0), 1),
    )


async def calls_in_progress(session: AsyncSession, campaign_id: int | None = None) -> int:
    query = select(func.count(Call.id)).where(Call.ended_at.is_(None))
    if campaign_id is not None:
        query = query.where(Call.campaign_id == campaign_id)
    return int(await session.scalar(query) or 0)


def _dial_level(level: float, mode: str, calls: int, inputs: dict[str, object], at: datetime) -> DialLevel:
    rate = inputs.get("answer_rate")
    return DialLevel(
        level=round(level, 2),
        mode=mode,
        calls_to_place=calls,
        reason=str(inputs.get("reason", "")),
        limited_by=str(inputs.get("limited_by", "")),
        answer_rate=round(float(rate), 4) if isinstance(rate, int | float) else None,
        at=at,
    )


async def campaign_board(
    session: AsyncSession,
    principal: Principal,
    campaign_id: int,
    now: datetime,
    *,
    tz: str,
    owner_ttl: timedelta,
    volumes: VolumeCache,
    operators: list[OperatorBoard] | None = None,
    boards: BoardCache | None = None,
) -> CampaignBoard:
    """One campaign's wallboard (``operators``: the floor's, already read, to pick from; ``boards``:
    where a board worked out less than a second ago is taken from)."""
    principal.require(Permission.WALLBOARD_READ)
    zone(tz)
    campaign = await get_campaign(session, principal, campaign_id)
    if boards is not None and (cached := boards.get(campaign.id, tz, now)) is not None:
        return cached
    board = await _campaign_board(session, principal, campaign, now, tz, owner_ttl, volumes, operators)
    if boards is not None:
        boards.put(campaign.id, tz, now, board)
    return board


async def _campaign_board(
    session: AsyncSession,
    principal: Principal,
    campaign: Campaign,
    now: datetime,
    tz: str,
    owner_ttl: timedelta,
    volumes: VolumeCache,
    operators: list[OperatorBoard] | None,
) -> CampaignBoard:
    status = await dialing_status(session, principal, campaign.id, now, owner_ttl=owner_ttl)
    pacing = await pacing_status(session, principal, campaign.id, now, limit=1)
    last = pacing.decisions[0] if pacing.decisions else None
    if operators is None:
        own = await operator_boards(session, now, tz, campaign.id)
    else:
        assigned = await _assigned(session, campaign.id)
        own = [o for o in operators if o.operator_id in assigned or campaign.id in o.campaign_ids]
    return CampaignBoard(
        campaign_id=campaign.id,
        name=campaign.name,
        state=campaign.state,
        mode=campaign.dialing_mode.value,
        dialing=status.dialing,
        blockers=status.blockers,
        calls_in_progress=await calls_in_progress(session, campaign.id),
        operators=own,
        dial_level=(
            _dial_level(last.level, last.mode_used, last.calls_to_place, last.inputs or {}, last.at)
            if last is not None
            else None
        ),
        abandon=AbandonBoard(
            answered=pacing.abandon.answered,
            abandoned=pacing.abandon.abandoned,
            rate=round(pacing.abandon.rate, 4),
            cap=pacing.abandon_cap,
            window_hours=pacing.abandon_window.total_seconds() / 3600,
            within_cap=pacing.within_cap,
        ),
        today=await today_figures(session, campaign, now, tz),
        volume=await volumes.get(session, campaign.contract_id, now),
    )


async def floor_board(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    tz: str,
    owner_ttl: timedelta,
    volumes: VolumeCache,
    boards: BoardCache | None = None,
) -> FloorBoard:
    """Every active operator, and every running or paused campaign the caller may see."""
    principal.require(Permission.WALLBOARD_READ)
    zone(tz)
    operators = await operator_boards(session, now, tz)
    campaigns = []
    for state in ON_THE_FLOOR:
        found, _ = await list_campaigns(session, principal, state=state, limit=100)
        campaigns.extend(found)
    on_floor = [
        await campaign_board(
            session, principal, c.id, now,
            tz=tz, owner_ttl=owner_ttl, volumes=volumes, operators=operators, boards=boards,
        )
        for c in sorted(campaigns, key=lambda c: c.id)
    ]
    return FloorBoard(
        at=now,
        timezone=tz,
        operators=operators,
        campaigns=on_floor,
        calls_in_progress=await calls_in_progress(session),
        placed_today=sum(b.today.placed for b in on_floor),
        connected_today=sum(b.today.connected for b in on_floor),
    )
