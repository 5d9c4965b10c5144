"""The QA queue: each day's sample of calls (filled by the daily job), listed, claimed, and done
once scored (``dialer.qa.scores`` marks it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.db.paging import page_of, where_given
from dialer.errors import Conflict, Forbidden, NotFound
from dialer.qa.models import QueueItem, QueueStatus, Score, Scorecard
from dialer.qa.sampling import Candidate, draw

MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})  # may release anyone's claim


@dataclass(frozen=True, slots=True)
class Filled:
    day: date
    queued: int
    operators: int
    campaigns: int

    def summary(self) -> str:
        return (
            f"QA sample of {self.day}: {self.queued} calls queued "
            f"for {self.operators} operators in {self.campaigns} campaigns"
        )


@dataclass(frozen=True, slots=True)
class QueueFilter:
    campaign_id: int | None = None
    operator_id: int | None = None
    status: QueueStatus | None = None
    day: date | None = None


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def _candidates(session: AsyncSession, day: date) -> list[Candidate]:
    start, end = _day_bounds(day)
    rows = await session.execute(
        select(Call.id, Call.campaign_id, Call.operator_id, Call.placed_at).where(
            Call.placed_at >= start,
            Call.placed_at < end,
            Call.connected_at.is_not(None),
            Call.recording_key.is_not(None),
            Call.operator_id.is_not(None),
        )
    )
    return [
        Candidate(call_id, campaign_id, operator_id, placed_at)
        for call_id, campaign_id, operator_id, placed_at in rows
        if operator_id is not None
    ]


async def _taken(session: AsyncSession, day: date) -> set[int]:
    """Calls placed on ``day`` that are queued or scored already (no id list: a day may be large)."""
    start, end = _day_bounds(day)
    on_day = (Call.placed_at >= start, Call.placed_at < end)
    queued = select(QueueItem.call_id).join(Call, Call.id == QueueItem.call_id).where(*on_day)
    scored = select(Score.call_id).join(Call, Call.id == Score.call_id).where(*on_day)
    return set(await session.scalars(union(queued, scored)))


async def _sizes(session: AsyncSession, campaign_ids: set[int], default: int) -> dict[int, int]:
    """Each campaign's sample size: its current scorecard's, else ``default``."""
    newest = (
        select(Scorecard.campaign_id, func.max(Scorecard.version).label("version"))
        .where(Scorecard.campaign_id.in_(campaign_ids))
        .group_by(Scorecard.campaign_id)
        .subquery()
    )
    rows = await session.execute(
        select(Scorecard.campaign_id, Scorecard.sample_per_operator).join(
            newest, (newest.c.campaign_id == Scorecard.campaign_id) & (newest.c.version == Scorecard.version)
        )
    )
    sizes = dict.fromkeys(campaign_ids, default)
    for campaign_id, size in rows:
        if size is not None:
            sizes[campaign_id] = size
    return sizes


async def fill_queue(session: AsyncSession, day: date, default_size: int, seed: str, now: datetime) -> Filled:
    """Queue ``day``'s sample of connected, recorded calls per operator and campaign."""
    candidates = await _candidates(session, day)
    taken = await _taken(session, day)
    sizes = await _sizes(session, {c.campaign_id for c in candidates}, default_size)
    chosen = draw(candidates, day, lambda campaign_id: sizes[campaign_id], seed, taken)
    for c in chosen:
        session.add(
            QueueItem(
                call_id=c.call_id,
                campaign_id=c.campaign_id,
                operator_id=c.operator_id,
                day=day,
                status=QueueStatus.QUEUED,
                created_at=now,
            )
        )
    await session.flush()
    pairs = Counter((c.campaign_id, c.operator_id) for c in chosen)
    return Filled(
        day=day,
        queued=len(chosen),
        operators=len({operator for _, operator in pairs}),
        campaigns=len({campaign for campaign, _ in pairs}),
    )


def _visible(principal: Principal) -> Select[QueueItem]:
    return select(QueueItem).where(
        QueueItem.campaign_id.in_(select(Campaign.id).where(campaign_filter(principal)))
    )


async def list_queue(
    session: AsyncSession, principal: Principal, f: QueueFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[QueueItem], int]:
    """Queue items the caller may see, oldest day first, and how many match."""
    principal.require(Permission.SCORES_READ)
    query = where_given(
        _visible(principal),
        (QueueItem.campaign_id, f.campaign_id),
        (QueueItem.operator_id, f.operator_id),
        (QueueItem.status, f.status),
        (QueueItem.day, f.day),
    )
    return await page_of(session, query, QueueItem.day, QueueItem.id, limit=limit, offset=offset)


async def claim(session: AsyncSession, principal: Principal, item_id: int, now: datetime) -> QueueItem:
    """Take a queued call to score it; claiming one's own claim again changes nothing."""
    principal.require(Permission.SCORES_WRITE)
    item = await session.scalar(_visible(principal).where(QueueItem.id == item_id))
    if item is None:
        raise NotFound(f"QA queue item {item_id} not found")
    await session.execute(
        update(QueueItem)
        .where(QueueItem.id == item_id, QueueItem.status == QueueStatus.QUEUED)
        .values(status=QueueStatus.CLAIMED, claimed_by=principal.actor, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(item)
    if item.status is QueueStatus.CLAIMED and item.claimed_by == principal.actor:
        return item  # claimed now, or by the caller before
    if item.status is QueueStatus.DONE:
        raise Conflict(f"QA queue item {item_id} is done: call {item.call_id} has been scored")
    raise Conflict(f"QA queue item {item_id} was claimed by {item.claimed_by} at {item.claimed_at}")


async def release(session: AsyncSession, principal: Principal, item_id: int) -> QueueItem:
    """Put a claimed call back in the queue: its claimer may, and a supervisor for anyone."""
    principal.require(Permission.SCORES_WRITE)
    item = await session.scalar(_visible(principal).where(QueueItem.id == item_id).with_for_update())
    if item is None:
        raise NotFound(f"QA queue item {item_id} not found")
    if item.status is QueueStatus.DONE:
        raise Conflict(f"QA queue item {item_id} is done: call {item.call_id} has been scored")
    if item.status is QueueStatus.QUEUED:
        return item
    if item.claimed_by != principal.actor and principal.role not in MANAGERS:
        raise Forbidden(
            f"QA queue item {item_id} is claimed by {item.claimed_by}; only they or a supervisor may free it"
        )
    item.status = QueueStatus.QUEUED
    item.claimed_by = None
    item.claimed_at = None
    await session.flush()
    return item
