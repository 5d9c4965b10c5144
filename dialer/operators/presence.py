"""Operators through their shift: the engine's and the API's state changes, each stored with its time.

Plain values in (operator id, times in UTC), the current ``OperatorStatus`` out; a change the rules
refuse (``dialer.operators.states``) raises ``dialer.errors.Conflict``. Every change of state,
reason or campaigns adds an ``OperatorStateEvent`` (seat-hours and operator reports come from
them); repeating the current state adds nothing. Late engine facts are harmless: ``end_call`` for a
call the operator is not on, or ``end_wrap`` outside wrap-up, change nothing.

Interface (the runtime depends on these signatures)::

    login(session, operator_id, campaign_ids, at) -> OperatorStatus          # -> paused("login")
    set_ready(session, operator_id, at) -> OperatorStatus
    set_paused(session, operator_id, reason, at) -> OperatorStatus
    start_call(session, operator_id, call_uid, at) -> OperatorStatus          # ready -> on_call
    end_call(session, operator_id, call_uid, at, *, wrap_for) -> OperatorStatus  # -> wrap_up
    end_wrap(session, operator_id, at) -> OperatorStatus                      # wrap_up -> ready
    end_overdue_wraps(session, now) -> list[OperatorStatus]                   # every wrap_until passed
    logout(session, operator_id, at) -> OperatorStatus
    set_registered(session, operator_id_or_endpoint, registered, at) -> OperatorStatus
    set_registrations(session, reachable_endpoints, at) -> list[OperatorStatus]  # a full listing
    set_held_channel(session, operator_id, channel_uid, at) -> OperatorStatus
    ready_operators(session, campaign_id, *, require_held_channel=False) -> list[OperatorStatus]
    get_status(session, operator_id) -> OperatorStatus

An unregistered softphone, or a nailed-up channel that dropped (``set_held_channel(..., None, at)``),
turns a ready operator to ``paused`` with reason ``unregistered`` / ``channel_lost``; registering
again, or a new held channel, makes them ready again if that was why they were paused.
``ready_operators`` answers only registered, ready operators logged into the campaign, longest
waiting first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls import service as call_records
from dialer.desk import events as live
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.live.engine_wake import Topic, tell_engine
from dialer.operators.models import (
    Operator,
    OperatorState,
    OperatorStateEvent,
    OperatorStatus,
    campaign_operators,
)
from dialer.operators.states import LOGGED_IN, Action, TransitionRefused, next_state

LOGIN_REASON = "login"
UNREGISTERED = "unregistered"
CHANNEL_LOST = "channel_lost"
DEFAULT_WRAP = timedelta(seconds=10)


def _aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("naive datetime refused: pass a timezone-aware (UTC) time")


async def _operator(session: AsyncSession, operator_id: int) -> Operator:
    operator = await session.get(Operator, operator_id)
    if operator is None:
        raise NotFound(f"operator {operator_id} not found")
    return operator


async def lock(session: AsyncSession, operator_id: int, at: datetime) -> None:
    """Lock the operator's state row for this transaction (before any call row it will write)."""
    await _status(session, operator_id, at)


async def _status(session: AsyncSession, operator_id: int, at: datetime) -> OperatorStatus:
    """The operator's status row, locked; created (logged out) on first use."""
    _aware(at)
    query = select(OperatorStatus).where(OperatorStatus.operator_id == operator_id).with_for_update()
    status = await session.scalar(query.execution_options(populate_existing=True))
    if status is None:
        await _operator(session, operator_id)
        status = OperatorStatus(
            operator_id=operator_id,
            state=OperatorState.LOGGED_OUT,
            since=at,
            campaign_ids=[],
            registered=False,
        )
        session.add(status)
        await session.flush()
    return status


async def _apply(
    session: AsyncSession,
    status: OperatorStatus,
    action: Action,
    at: datetime,
    *,
    reason: str | None = None,
    call_uid: str | None = None,
) -> OperatorStatus:
    try:
        target = next_state(status.state, action, reason)
    except TransitionRefused as exc:
        raise Conflict(f"operator {status.operator_id}: {exc}") from None
    new_reason = reason if target is OperatorState.PAUSED else None
    if target is status.state and new_reason == status.reason and call_uid in (None, status.call_uid):
        return status
    session.add(
        OperatorStateEvent(
            operator_id=status.operator_id,
            state=target,
            previous=status.state,
            reason=new_reason,
            campaign_ids=list(status.campaign_ids),
            call_uid=call_uid
            or (status.call_uid if target in (OperatorState.ON_CALL, OperatorState.WRAP_UP) else None),
            at=at,
        )
    )
    previous = status.state
    if target is not status.state:
        status.since = at
    status.state, status.reason = target, new_reason
    if call_uid is not None:
        status.call_uid = call_uid
    if target is not OperatorState.WRAP_UP:
        status.wrap_until = None
    await session.flush()
    await live.operator_state(session, status, at, previous)
    return status


async def get_status(session: AsyncSession, operator_id: int) -> OperatorStatus:
    """The operator's current status (logged out if never logged in)."""
    status = await session.get(OperatorStatus, operator_id)
    if status is not None:
        return status
    operator = await _operator(session, operator_id)
    return OperatorStatus(
        operator_id=operator.id,
        state=OperatorState.LOGGED_OUT,
        since=operator.created_at,
        campaign_ids=[],
        registered=False,
    )


async def login(
    session: AsyncSession, operator_id: int, campaign_ids: list[int], at: datetime
) -> OperatorStatus:
    """Log in to campaigns the operator is assigned to (paused until ready); again: change campaigns."""
    wanted = sorted(set(campaign_ids))
    if not wanted:
        raise InvalidInput("campaign_ids: log in to at least one campaign")
    operator = await _operator(session, operator_id)
    if not operator.active:
        raise Conflict(f"operator {operator_id} is not active")
    assigned = set(
        await session.scalars(
            select(campaign_operators.c.campaign_id).where(campaign_operators.c.operator_id == operator_id)
        )
    )
    missing = [c for c in wanted if c not in assigned]
    if missing:
        raise InvalidInput(f"campaign_ids: operator {operator_id} is not assigned to campaign(s) {missing}")
    status = await _status(session, operator_id, at)
    changed = status.campaign_ids != wanted
    status.campaign_ids = wanted
    await tell_engine(session, Topic.OPERATORS)
    if status.state is OperatorState.LOGGED_OUT:
        return await _apply(session, status, Action.LOGIN, at, reason=LOGIN_REASON)
    if changed:
        session.add(
            OperatorStateEvent(
                operator_id=operator_id,
                state=status.state,
                previous=status.state,
                reason=status.reason,
                campaign_ids=wanted,
                call_uid=status.call_uid,
                at=at,
            )
        )
        await session.flush()
        await live.operator_state(session, status, at, status.state)
    return status


async def set_ready(session: AsyncSession, operator_id: int, at: datetime) -> OperatorStatus:
    status = await _status(session, operator_id, at)
    if status.state is OperatorState.WRAP_UP:
        await _close_wrap(session, status, at)
    await tell_engine(session, Topic.OPERATORS)
    return await _apply(session, status, Action.READY, at)


async def set_paused(session: AsyncSession, operator_id: int, reason: str, at: datetime) -> OperatorStatus:
    status = await _status(session, operator_id, at)
    if status.state is OperatorState.WRAP_UP:
        await _close_wrap(session, status, at)
    await tell_engine(session, Topic.OPERATORS)
    return await _apply(session, status, Action.PAUSE, at, reason=reason)


async def start_call(session: AsyncSession, operator_id: int, call_uid: str, at: datetime) -> OperatorStatus:
    """A customer put through to a ready operator (the same call again changes nothing)."""
    status = await _status(session, operator_id, at)
    if status.state is OperatorState.ON_CALL and status.call_uid == call_uid:
        return status
    return await _apply(session, status, Action.START_CALL, at, call_uid=call_uid)


async def end_call(
    session: AsyncSession,
    operator_id: int,
    call_uid: str,
    at: datetime,
    *,
    wrap_for: timedelta = DEFAULT_WRAP,
) -> OperatorStatus:
    """The call hung up: wrap-up until ``at + wrap_for``. A call the operator is not on changes nothing."""
    status = await _status(session, operator_id, at)
    if status.state is not OperatorState.ON_CALL or status.call_uid != call_uid:
        return status
    status.wrap_until = at + wrap_for  # before the change: its event carries it
    await _apply(session, status, Action.END_CALL, at)
    return status


async def end_wrap(session: AsyncSession, operator_id: int, at: datetime) -> OperatorStatus:
    """Wrap-up over (timer or disposition): ready again, or paused as ``unregistered`` when the
    softphone went away during the call (it was registered when the call was put through).
    Outside wrap-up nothing changes."""
    status = await _status(session, operator_id, at)
    if status.state is not OperatorState.WRAP_UP:
        return status
    await _close_wrap(session, status, at)
    await tell_engine(session, Topic.OPERATORS)  # e.g. disposed through the API before the timer
    ready = await _apply(session, status, Action.END_WRAP, at)
    return await _not_ready_unless(session, ready, ready.registered, UNREGISTERED, at)


async def end_wrap_for_call(
    session: AsyncSession, operator_id: int, call_uid: str, at: datetime
) -> OperatorStatus:
    """End the wrap-up only if it is this call's (a disposition of an older call changes nothing)."""
    status = await _status(session, operator_id, at)
    if status.state is not OperatorState.WRAP_UP or status.call_uid != call_uid:
        return status
    return await end_wrap(session, operator_id, at)


async def _close_wrap(session: AsyncSession, status: OperatorStatus, at: datetime) -> None:
    """The call wrapped up keeps the end of its wrap-up (written by the calls package, its one writer)."""
    if status.call_uid is not None:
        await call_records.close_wrap(session, status.call_uid, at)


async def logout(session: AsyncSession, operator_id: int, at: datetime) -> OperatorStatus:
    status = await _status(session, operator_id, at)
    if status.state is OperatorState.WRAP_UP:
        await _close_wrap(session, status, at)
    result = await _apply(session, status, Action.LOGOUT, at)
    await tell_engine(session, Topic.OPERATORS)
    result.campaign_ids, result.held_channel, result.call_uid = [], None, None
    await session.flush()
    return result


async def _resolve(session: AsyncSession, operator_id_or_endpoint: int | str) -> int:
    if isinstance(operator_id_or_endpoint, int):
        return operator_id_or_endpoint
    found = await session.scalar(select(Operator.id).where(Operator.sip_endpoint == operator_id_or_endpoint))
    if found is None:
        raise NotFound(f"no operator has the SIP endpoint {operator_id_or_endpoint!r}")
    return found


async def set_registered(
    session: AsyncSession, operator_id_or_endpoint: int | str, registered: bool, at: datetime
) -> OperatorStatus:
    """The softphone (un)registered, by operator id or PJSIP endpoint name."""
    status = await _status(session, await _resolve(session, operator_id_or_endpoint), at)
    was, before = status.registered, (status.state, status.reason)
    status.registered = registered
    result = await _not_ready_unless(session, status, registered, UNREGISTERED, at)
    if was != registered and (result.state, result.reason) == before:  # else the change published it
        await live.operator_state(session, result, at, result.state)
    return result


async def set_registrations(
    session: AsyncSession, reachable: frozenset[str], at: datetime
) -> list[OperatorStatus]:
    """Every operator's softphone from Asterisk's listing: registered iff its endpoint is in
    ``reachable``; the operators whose flag changed. Only operators with a status row (those who
    ever logged in) are written: a login takes the engine's knowledge when it comes."""
    rows = await session.execute(
        select(Operator.id, Operator.sip_endpoint, OperatorStatus.registered).join(
            OperatorStatus, OperatorStatus.operator_id == Operator.id
        )
    )
    changed = []
    for operator_id, endpoint, registered in rows.all():
        now_registered = endpoint in reachable
        if bool(registered) != now_registered:
            changed.append(await set_registered(session, operator_id, now_registered, at))
    return changed


async def set_held_channel(
    session: AsyncSession, operator_id: int, channel_uid: str | None, at: datetime
) -> OperatorStatus:
    """The nailed-up leg held for the operator (None: it dropped)."""
    status = await _status(session, operator_id, at)
    status.held_channel = channel_uid
    return await _not_ready_unless(session, status, channel_uid is not None, CHANNEL_LOST, at)


async def _not_ready_unless(
    session: AsyncSession, status: OperatorStatus, fine: bool, reason: str, at: datetime
) -> OperatorStatus:
    if not fine and status.state is OperatorState.READY:
        return await _apply(session, status, Action.PAUSE, at, reason=reason)
    if fine and status.state is OperatorState.PAUSED and status.reason == reason:
        return await _apply(session, status, Action.READY, at)
    await session.flush()
    return status


async def ready_operators(
    session: AsyncSession, campaign_id: int, *, require_held_channel: bool = False
) -> list[OperatorStatus]:
    """Registered, ready operators logged into the campaign, longest waiting first.

    ``require_held_channel``: only those whose nailed-up leg is up (a nailed-up campaign).
    """
    query = select(OperatorStatus).where(
        OperatorStatus.state == OperatorState.READY, OperatorStatus.registered.is_(True)
    )
    if require_held_channel:
        query = query.where(OperatorStatus.held_channel.is_not(None))
    rows = await session.scalars(query.order_by(OperatorStatus.since, OperatorStatus.operator_id))
    return [row for row in rows if campaign_id in row.campaign_ids]


def is_logged_in(status: OperatorStatus) -> bool:
    return status.state in LOGGED_IN


async def end_overdue_wraps(session: AsyncSession, now: datetime) -> list[OperatorStatus]:
    """End every wrap-up whose time is up (the engine's timer): those operators are ready again."""
    due = list(
        await session.scalars(
            select(OperatorStatus.operator_id).where(
                OperatorStatus.state == OperatorState.WRAP_UP, OperatorStatus.wrap_until <= now
            )
        )
    )
    return [await end_wrap(session, operator_id, now) for operator_id in due]
