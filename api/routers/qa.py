"""Quality control: campaigns' scorecards, scores of recorded calls, scores over time, the QA queue.

A controller reaches only its client's campaigns and calls; anything else answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.auth import PrincipalDep, get_principal, requires
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.routers.recordings import RemoteDep
from api.schemas.common import Page
from api.schemas.qa import QueueItemOut, ScorecardOut, ScoreOut, TrendOut, TrendsOut
from dialer.auth.permissions import Permission
from dialer.dates import Moment
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.qa import queue, scorecards, scores, statistics
from dialer.qa.models import QueueItem, QueueStatus
from dialer.qa.schemas import NewScoreIn, ScorecardIn, ScoreIn
from dialer.qa.trends import GroupBy, Period

router = APIRouter(tags=["quality control"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES)

READ_CARDS = [Depends(requires(Permission.SCORECARDS_READ))]
WRITE_CARDS = [Depends(requires(Permission.SCORECARDS_WRITE))]
READ_SCORES = [Depends(requires(Permission.SCORES_READ))]
WRITE_SCORES = [Depends(requires(Permission.SCORES_WRITE))]


@router.get("/campaigns/{campaign_id}/scorecards", response_model=list[ScorecardOut], dependencies=READ_CARDS)
async def list_scorecards(
    campaign_id: IntId, session: SessionDep, principal: PrincipalDep
) -> list[ScorecardOut]:
    """Every version of the campaign's scorecard, newest first."""
    cards = await scorecards.list_scorecards(session, principal, campaign_id)
    return [ScorecardOut.model_validate(card) for card in cards]


@router.post(
    "/campaigns/{campaign_id}/scorecards",
    response_model=ScorecardOut,
    status_code=201,
    dependencies=WRITE_CARDS,
    responses={409: {"description": "The campaign has a scorecard already: replace it with PUT"}},
)
async def create_scorecard(
    campaign_id: IntId, body: ScorecardIn, session: SessionDep, principal: PrincipalDep
) -> ScorecardOut:
    """The campaign's first scorecard (version 1)."""
    card = await scorecards.create_scorecard(session, principal, campaign_id, body, datetime.now(UTC))
    return ScorecardOut.model_validate(card)


@router.get("/campaigns/{campaign_id}/scorecard", response_model=ScorecardOut, dependencies=READ_CARDS)
async def current_scorecard(campaign_id: IntId, session: SessionDep, principal: PrincipalDep) -> ScorecardOut:
    """The scorecard new scores of this campaign's calls are given with."""
    return ScorecardOut.model_validate(await scorecards.current_scorecard(session, principal, campaign_id))


@router.put("/campaigns/{campaign_id}/scorecard", response_model=ScorecardOut, dependencies=WRITE_CARDS)
async def replace_scorecard(
    campaign_id: IntId, body: ScorecardIn, session: SessionDep, principal: PrincipalDep
) -> ScorecardOut:
    """Replace the scorecard: in place while no score uses it, else as a new version (the old one
    stays with the scores given with it)."""
    card = await scorecards.replace_scorecard(session, principal, campaign_id, body, datetime.now(UTC))
    return ScorecardOut.model_validate(card)


@router.get("/scorecards/{scorecard_id}", response_model=ScorecardOut, dependencies=READ_CARDS)
async def get_scorecard(scorecard_id: IntId, session: SessionDep, principal: PrincipalDep) -> ScorecardOut:
    """One version of a scorecard, current or not."""
    return ScorecardOut.model_validate(await scorecards.get_scorecard(session, principal, scorecard_id))


@router.post(
    "/qa/scores",
    response_model=ScoreOut,
    status_code=201,
    dependencies=WRITE_SCORES,
    responses={
        404: {"description": "No recorded call the caller may reach"},
        409: {"description": "The caller scored this call already, or its campaign has no scorecard"},
        422: {"description": "A value outside its criterion's scale, a criterion missing or unknown"},
    },
)
async def give_score(
    body: NewScoreIn, session: SessionDep, principal: PrincipalDep, remote: RemoteDep
) -> ScoreOut:
    """Score a recorded call with its campaign's current scorecard (audited); one score per scorer."""
    score = await scores.give_score(session, principal, body.call_id, body, datetime.now(UTC), remote)
    cards = await scores.cards_of(session, [score])
    return ScoreOut.of(score, cards[score.scorecard_id])


@router.get("/qa/scores", response_model=Page[ScoreOut], dependencies=READ_SCORES)
async def list_scores(
    session: SessionDep,
    principal: PrincipalDep,
    campaign_id: IntId | None = None,
    operator_id: IntId | None = None,
    call_id: BigIntId | None = None,
    scorer: Annotated[str | None, Query(max_length=100, description="user:<id> or key:<id>")] = None,
    since: Annotated[Moment | None, Query(description="call placed at or after")] = None,
    until: Annotated[Moment | None, Query(description="call placed before")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> Page[ScoreOut]:
    """Scores of calls the caller may see, the newest call first."""
    f = scores.ScoreFilter(campaign_id, operator_id, call_id, scorer, since, until)
    found, total = await scores.list_scores(session, principal, f, limit=limit, offset=offset)
    cards = await scores.cards_of(session, found)
    items = [ScoreOut.of(score, cards[score.scorecard_id]) for score in found]
    return Page[ScoreOut](items=items, total=total, limit=limit, offset=offset)


@router.get("/qa/scores/{score_id}", response_model=ScoreOut, dependencies=READ_SCORES)
async def get_score(score_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> ScoreOut:
    score = await scores.get_score(session, principal, score_id)
    cards = await scores.cards_of(session, [score])
    return ScoreOut.of(score, cards[score.scorecard_id])


@router.put(
    "/qa/scores/{score_id}",
    response_model=ScoreOut,
    dependencies=WRITE_SCORES,
    responses={403: {"description": "The score is someone else's"}},
)
async def change_score(
    score_id: BigIntId, body: ScoreIn, session: SessionDep, principal: PrincipalDep, remote: RemoteDep
) -> ScoreOut:
    """Change one's own score (values, moments, comment) on the scorecard it was given with (audited)."""
    score = await scores.change_score(session, principal, score_id, body, datetime.now(UTC), remote)
    cards = await scores.cards_of(session, [score])
    return ScoreOut.of(score, cards[score.scorecard_id])


@router.get("/qa/statistics", response_model=TrendsOut, dependencies=READ_SCORES)
async def score_statistics(
    session: SessionDep,
    principal: PrincipalDep,
    date_from: Annotated[date, Query(description="first day (UTC) of calls placed, inclusive")],
    date_to: Annotated[date, Query(description="last day (UTC) of calls placed, inclusive")],
    group_by: GroupBy = GroupBy.OPERATOR,
    period: Period = Period.WEEK,
    campaign_id: IntId | None = None,
    operator_id: IntId | None = None,
) -> TrendsOut:
    """Average scores per operator or campaign by day, ISO week or month, with each criterion's
    average; a controller sees its client's campaigns only."""
    q = statistics.TrendQuery(group_by, period, date_from, date_to, campaign_id, operator_id)
    found = await statistics.trends(session, principal, q)
    named = await statistics.names(session, group_by, {t.key for t in found if t.key is not None})
    groups = [TrendOut.of(t, named.get(t.key) if t.key is not None else None) for t in found]
    return TrendsOut(group_by=group_by, period=period, date_from=date_from, date_to=date_to, groups=groups)


def _queue_out(request: Request, item: QueueItem) -> QueueItemOut:
    out = QueueItemOut.model_validate(item)
    out.audio_url = str(request.url_for("play_recording", call_id=str(item.call_id)))
    return out


@router.get("/qa/queue", response_model=Page[QueueItemOut], dependencies=READ_SCORES)
async def list_queue(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    campaign_id: IntId | None = None,
    operator_id: IntId | None = None,
    status: QueueStatus | None = None,
    day: Annotated[date | None, Query(description="the UTC day the calls were placed")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> Page[QueueItemOut]:
    """Calls sampled for QA (oldest day first) with a link to hear each; done once scored."""
    f = queue.QueueFilter(campaign_id, operator_id, status, day)
    items, total = await queue.list_queue(session, principal, f, limit=limit, offset=offset)
    return Page[QueueItemOut](
        items=[_queue_out(request, item) for item in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/qa/queue/{item_id}/claim",
    response_model=QueueItemOut,
    dependencies=WRITE_SCORES,
    responses={409: {"description": "Someone else claimed it, or it is scored already"}},
)
async def claim_queue_item(
    item_id: BigIntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> QueueItemOut:
    """Take a queued call to score it, so nobody else does the same work."""
    item = await queue.claim(session, principal, item_id, datetime.now(UTC))
    return _queue_out(request, item)


@router.post(
    "/qa/queue/{item_id}/release",
    response_model=QueueItemOut,
    dependencies=WRITE_SCORES,
    responses={
        403: {"description": "Someone else's claim, and the caller is no supervisor"},
        409: {"description": "The call is scored already"},
    },
)
async def release_queue_item(
    item_id: BigIntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> QueueItemOut:
    """Put a claimed call back in the queue for someone else to score."""
    return _queue_out(request, await queue.release(session, principal, item_id))
