"""The supervisor's side: the wallboard (the floor and each campaign), its charts (JSON and SVG),
forcing an operator to pause or log out, and listening, whispering or barging into a call.

Starting, pausing and stopping a campaign are the campaign's own routes (``/campaigns/{id}/start``,
``pause``, ``resume``, ``stop``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api import i18n
from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SettingsDep, remote_of
from api.errors import ERROR_RESPONSES
from api.schemas.calls import OperatorSessionOut
from api.schemas.supervision import (
    CallSlotOut,
    CampaignBoardOut,
    FloorBoardOut,
    ForcePauseBody,
    OccupancySlotOut,
    SpyBody,
    SpyRequestOut,
)
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.campaigns.service import get_campaign
from dialer.db.bounds import BigIntId, IntId
from dialer.operators.models import OperatorStatus
from dialer.reports.daily import zone
from dialer.settings import Settings
from dialer.supervision import charts, control, spy, svg
from dialer.supervision.models import SpyRequest
from dialer.supervision.wallboard import BoardCache, VolumeCache, campaign_board, floor_board

router = APIRouter(
    prefix="/supervision",
    tags=["supervision"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES | {409: {"description": "The operator's state does not allow this"}},
)

VOLUMES = VolumeCache()  # contracts' volumes, read again at most once a minute per process
SVG = "image/svg+xml"

Tz = Annotated[str, Query(description="IANA zone whose local day the figures are of")]
Day = Annotated[date | None, Query(description="local day (default: today in ``tz``)")]
Slot = Annotated[int, Query(description="slot length in minutes: 15, 30 or 60")]
Lang = Annotated[str, Query(pattern="^(en|ru)$", description="the chart's words: en or ru")]
CampaignFilter = Annotated[IntId | None, Query(description="one campaign (default: the whole floor)")]


async def _boards(request: Request) -> BoardCache:
    """This app's campaign boards of the last second (one cache per API process, made with the app)."""
    boards: BoardCache = request.app.state.wallboards
    return boards


BoardsDep = Annotated[BoardCache, Depends(_boards)]


def _now() -> datetime:
    return datetime.now(UTC)


def _ttl(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.campaign_owner_ttl_s)


@router.get("/wallboard", response_model=FloorBoardOut)
async def get_floor(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep, boards: BoardsDep, tz: Tz = "UTC"
) -> FloorBoardOut:
    """Every active operator (state, time in state, softphone registered, calls today) and every
    running or paused campaign with its figures (as ``/supervision/wallboard/{campaign_id}``)."""
    board = await floor_board(
        session, principal, _now(), tz=tz, owner_ttl=_ttl(settings), volumes=VOLUMES, boards=boards
    )
    return FloorBoardOut.model_validate(board)


@router.get("/wallboard/{campaign_id}", response_model=CampaignBoardOut)
async def get_campaign_board(
    campaign_id: IntId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    boards: BoardsDep,
    tz: Tz = "UTC",
) -> CampaignBoardOut:
    """A campaign's operators; whether it dials and why not (``blockers``); calls in progress; the
    dial level with its reason; the abandon rate over the compliance window against the cap; the
    day's calls, answers, answer rate and contacts processed; the contract's volume left."""
    board = await campaign_board(
        session, principal, campaign_id, _now(),
        tz=tz, owner_ttl=_ttl(settings), volumes=VOLUMES, boards=boards,
    )  # fmt: skip
    return CampaignBoardOut.model_validate(board)


@dataclass(frozen=True, slots=True)
class ChartQuery:
    """What every chart route is asked: whose calls, which local day, in which zone, in what slots."""

    campaign_id: int | None
    day: date | None
    tz: str
    slot_minutes: int


async def chart_query(
    campaign_id: CampaignFilter = None, day: Day = None, tz: Tz = "UTC", slot_minutes: Slot = 15
) -> ChartQuery:
    return ChartQuery(campaign_id, day, tz, slot_minutes)


ChartDep = Annotated[ChartQuery, Depends(chart_query)]


async def _chart_day(session: AsyncSession, principal: Principal, query: ChartQuery) -> date:
    """The chart's day; the caller may read wallboards (and, if one is named, see the campaign)."""
    principal.require(Permission.WALLBOARD_READ)
    if query.campaign_id is not None:
        await get_campaign(session, principal, query.campaign_id)
    return query.day or _now().astimezone(zone(query.tz)).date()


async def _call_slots(
    session: AsyncSession, principal: Principal, query: ChartQuery
) -> list[charts.CallSlot]:
    when = await _chart_day(session, principal, query)
    return await charts.call_slots(
        session, when, query.tz, _now(), campaign_id=query.campaign_id, slot_minutes=query.slot_minutes
    )


async def _occupancy_slots(
    session: AsyncSession, principal: Principal, query: ChartQuery
) -> list[charts.OccupancySlot]:
    when = await _chart_day(session, principal, query)
    return await charts.occupancy_slots(
        session, when, query.tz, _now(), campaign_id=query.campaign_id, slot_minutes=query.slot_minutes
    )


@router.get("/charts/calls", response_model=list[CallSlotOut])
async def get_call_chart(
    session: SessionDep, principal: PrincipalDep, query: ChartDep
) -> list[charts.CallSlot]:
    """Calls placed and answered per slot of the day (of one campaign, or the floor)."""
    return await _call_slots(session, principal, query)


@router.get("/charts/occupancy", response_model=list[OccupancySlotOut])
async def get_occupancy_chart(
    session: SessionDep, principal: PrincipalDep, query: ChartDep
) -> list[charts.OccupancySlot]:
    """Operators' occupancy per slot: busy (on a call, wrap-up) over available (logged in, not paused)."""
    return await _occupancy_slots(session, principal, query)


def _chart_words(lang: str) -> dict[str, str]:
    """The charts' words in ``lang``, from the pages' catalogue."""
    texts = i18n.messages(lang)
    return {word: texts[f"sv.chart.{word}"] for word in svg.WORDS}


def _svg(image: str) -> Response:
    return Response(image, media_type=SVG, headers={"Cache-Control": "no-store"})


_SVG_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {SVG: {}}, "description": "an SVG image"}}


@router.get("/charts/calls.svg", response_class=Response, responses=_SVG_RESPONSE)
async def get_call_chart_svg(
    session: SessionDep, principal: PrincipalDep, query: ChartDep, lang: Lang = "en"
) -> Response:
    """The calls chart as an SVG image (words in ``lang``)."""
    slots = await _call_slots(session, principal, query)
    return _svg(svg.calls_svg(slots, _chart_words(lang), query.slot_minutes))


@router.get("/charts/occupancy.svg", response_class=Response, responses=_SVG_RESPONSE)
async def get_occupancy_chart_svg(
    session: SessionDep, principal: PrincipalDep, query: ChartDep, lang: Lang = "en"
) -> Response:
    """The occupancy chart as an SVG image (words in ``lang``)."""
    slots = await _occupancy_slots(session, principal, query)
    return _svg(svg.occupancy_svg(slots, _chart_words(lang), query.slot_minutes))


@router.post("/operators/{operator_id}/pause", response_model=OperatorSessionOut)
async def force_pause(
    operator_id: IntId,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    body: ForcePauseBody | None = None,
) -> OperatorStatus:
    """Pause an operator who is ready, wrapping up or paused (409 while on a call); audited."""
    reason = body.reason if body is not None else None
    remote = remote_of(request)
    return await control.force_pause(session, principal, operator_id, reason, _now(), remote=remote)


@router.post("/operators/{operator_id}/logout", response_model=OperatorSessionOut)
async def force_logout(
    operator_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep
) -> OperatorStatus:
    """Log an operator out, whatever their state (the engine lets their leg go); audited."""
    return await control.force_logout(session, principal, operator_id, _now(), remote=remote_of(request))


@router.post(
    "/operators/{operator_id}/spy", response_model=SpyRequestOut, status_code=status.HTTP_202_ACCEPTED
)
async def start_spy(
    operator_id: IntId, body: SpyBody, request: Request, session: SessionDep, principal: PrincipalDep
) -> SpyRequest:
    """Listen to, whisper to or barge into the operator's current call from the supervisor's own
    softphone (``endpoint``): the engine rings it within a second or two and, once answered, it
    hears the call. Follow it with ``GET /supervision/spy/{id}`` (``dialing``, ``active``,
    ``ended``, ``failed`` with ``error``); hang the softphone up to stop. 409 when the operator is not
    on a call or the endpoint is already spying. Audited."""
    return await spy.ask(
        session, principal, operator_id, body.mode, body.endpoint, _now(), remote=remote_of(request)
    )


@router.get("/spy/{request_id}", response_model=SpyRequestOut)
async def get_spy(request_id: BigIntId, session: SessionDep, principal: PrincipalDep) -> SpyRequest:
    return await spy.get(session, principal, request_id)
