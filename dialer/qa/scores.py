"""Scores of recorded calls: given by QA staff or a client's controller while listening, one per
scorer per call, changed only by their author; each given or changed score is audited.

A call is scored with its campaign's current scorecard; a score keeps that card (version) for good,
so changing a score later checks its values against the card it was given with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit.models import AuditAction
from dialer.audit.service import Remote, record
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.call_recordings.access import recorded_call
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.db.paging import page_of, where_given, where_within
from dialer.errors import Conflict, Forbidden, InvalidInput, NotFound
from dialer.qa.models import QueueItem, QueueStatus, Score, Scorecard, ScoreValue
from dialer.qa.schemas import MomentIn, ScoreIn
from dialer.qa.scorecards import latest, rules
from dialer.qa.scoring import stored_percent, weighted_percent

MOMENT_SLACK_S = Decimal(1)  # a recording's length and the call's talk time agree within a second


@dataclass(frozen=True, slots=True)
class ScoreFilter:
    campaign_id: int | None = None
    operator_id: int | None = None
    call_id: int | None = None
    scorer: str | None = None
    since: datetime | None = None  # call placed at or after
    until: datetime | None = None  # call placed before


def visible_scores(principal: Principal) -> Select[Score]:
    """Scores of calls in campaigns the caller may see."""
    campaigns = select(Campaign.id).where(campaign_filter(principal))
    return select(Score).where(Score.campaign_id.in_(campaigns))


def recording_length(call: Call) -> float | None:
    """The recording's length as filed, else the call's talk time, else unknown."""
    return call.recording_seconds if call.recording_seconds is not None else call.talk_seconds


def _moments(moments: list[MomentIn], length: float | None) -> list[dict[str, Any]]:
    if length is not None:
        end = Decimal(str(length)) + MOMENT_SLACK_S
        late = [
            f"moments[{i}].at_s: {m.at_s} s is past the recording's end ({length} s)"
            for i, m in enumerate(moments)
            if m.at_s > end
        ]
        if late:
            raise InvalidInput("; ".join(late))
    ordered = sorted(moments, key=lambda m: m.at_s)
    return [{"at_s": format(m.at_s.normalize(), "f"), "text": m.text} for m in ordered]


def _mark(score: Score, card: Scorecard, data: ScoreIn, length: float | None, now: datetime) -> None:
    """Put ``data`` on ``score``, checked against ``card``."""
    percent = weighted_percent(rules(card), data.values)
    by_key = {c.key: c for c in card.criteria}
    score.percent = stored_percent(percent)
    score.comment = data.comment
    score.moments = _moments(data.moments, length)
    score.updated_at = now
    have = {mark.criterion_id: mark for mark in score.marks}
    for key, value in sorted(data.values.items()):
        criterion_id = by_key[key].id
        if criterion_id in have:
            have[criterion_id].value = value
        else:
            score.marks.append(ScoreValue(criterion_id=criterion_id, value=value))


async def _audit(
    session: AsyncSession,
    principal: Principal,
    score: Score,
    client_id: int,
    remote: Remote | None,
    *,
    edit: bool,
) -> None:
    await record(
        session,
        principal,
        AuditAction.SCORE,
        "call",
        score.call_id,
        client_id=client_id,
        detail={
            "score_id": score.id,
            "scorecard_id": score.scorecard_id,
            "percent": format(score.percent.normalize(), "f"),
            "edit": edit,
        },
        remote=remote,
        at=score.updated_at,
    )


async def give_score(
    session: AsyncSession,
    principal: Principal,
    call_id: int,
    data: ScoreIn,
    now: datetime,
    remote: Remote | None = None,
) -> Score:
    """The caller's score of a recorded call it may reach, with the campaign's current scorecard."""
    row = await recorded_call(session, principal, call_id, Permission.SCORES_WRITE, lock=True)
    call = row.call
    card = await latest(session, call.campaign_id)
    if card is None:
        raise Conflict(f"campaign {call.campaign_id} has no scorecard to score call {call_id} with")
    mine = await session.scalar(
        select(Score.id).where(Score.call_id == call_id, Score.scorer == principal.actor)
    )
    if mine is not None:
        raise Conflict(
            f"you have scored call {call_id} already (score {mine}); change it with PUT /qa/scores/{mine}"
        )
    score = Score(
        call_id=call_id,
        scorecard_id=card.id,
        campaign_id=call.campaign_id,
        operator_id=call.operator_id,
        call_at=call.placed_at,
        scorer=principal.actor,
        scorer_role=principal.role.value,
        created_at=now,
    )
    _mark(score, card, data, recording_length(call), now)
    session.add(score)
    await session.flush()
    await session.execute(
        update(QueueItem)
        .where(QueueItem.call_id == call_id, QueueItem.status != QueueStatus.DONE)
        .values(status=QueueStatus.DONE, score_id=score.id, done_at=now)
    )
    await _audit(session, principal, score, row.client_id, remote, edit=False)
    return score


async def get_score(session: AsyncSession, principal: Principal, score_id: int) -> Score:
    principal.require(Permission.SCORES_READ)
    score = await session.scalar(visible_scores(principal).where(Score.id == score_id))
    if score is None:
        raise NotFound(f"score {score_id} not found")
    return score


async def change_score(
    session: AsyncSession,
    principal: Principal,
    score_id: int,
    data: ScoreIn,
    now: datetime,
    remote: Remote | None = None,
) -> Score:
    """The author's new values, comments and overall comment for its score, on the score's own card."""
    principal.require(Permission.SCORES_WRITE)
    score = await get_score(session, principal, score_id)
    if score.scorer != principal.actor:
        raise Forbidden(f"score {score_id} is {score.scorer}'s; only its author may change it")
    card = await session.get_one(Scorecard, score.scorecard_id)
    call = await session.get_one(Call, score.call_id)
    campaign = await session.get_one(Campaign, score.campaign_id)
    _mark(score, card, data, recording_length(call), now)
    await session.flush()
    await _audit(session, principal, score, campaign.client_id, remote, edit=True)
    return score


async def list_scores(
    session: AsyncSession, principal: Principal, f: ScoreFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[Score], int]:
    """Scores matching ``f``, the newest call first, and how many match."""
    principal.require(Permission.SCORES_READ)
    query = where_given(
        visible_scores(principal),
        (Score.campaign_id, f.campaign_id),
        (Score.operator_id, f.operator_id),
        (Score.call_id, f.call_id),
        (Score.scorer, f.scorer),
    )
    query = where_within(query, Score.call_at, f.since, f.until)
    return await page_of(session, query, Score.call_at.desc(), Score.id.desc(), limit=limit, offset=offset)


async def cards_of(session: AsyncSession, scores: list[Score]) -> dict[int, Scorecard]:
    """The scorecard each score was given with, by id."""
    ids = {score.scorecard_id for score in scores}
    if not ids:
        return {}
    return {card.id: card for card in await session.scalars(select(Scorecard).where(Scorecard.id.in_(ids)))}
