"""Campaigns: settings, disposition codes, the supervisor's start/pause/resume/stop, operators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.campaigns import CampaignOut
from api.schemas.common import Page
from api.schemas.operators import OperatorOut
from dialer.campaigns import service
from dialer.campaigns.models import Campaign, CampaignState
from dialer.campaigns.schemas import CampaignCreate, CampaignSettings
from dialer.campaigns.states import Command
from dialer.db.bounds import IntId, Offset
from dialer.operators.models import Operator
from dialer.operators.schemas import OperatorAssignment

router = APIRouter(
    prefix="/campaigns", tags=["campaigns"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "The campaign's state does not allow this"}}


@router.get("", response_model=Page[CampaignOut])
async def list_campaigns(
    session: SessionDep,
    principal: PrincipalDep,
    state: CampaignState | None = None,
    client_id: IntId | None = None,
    contract_id: IntId | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[CampaignOut]:
    """The campaigns the caller may see: a controller its client's, an operator its assignments."""
    rows, total = await service.list_campaigns(
        session,
        principal,
        state=state,
        client_id=client_id,
        contract_id=contract_id,
        limit=limit,
        offset=offset,
    )
    items = [CampaignOut.model_validate(row) for row in rows]
    return Page[CampaignOut](items=items, total=total, limit=limit, offset=offset)


@router.post("", response_model=CampaignOut, status_code=status.HTTP_201_CREATED)
async def create_campaign(body: CampaignCreate, session: SessionDep, principal: PrincipalDep) -> Campaign:
    """Create a draft campaign under a contract; disposition codes default to a standard set."""
    return await service.create_campaign(session, principal, body)


@router.get("/{campaign_id}", response_model=CampaignOut)
async def get_campaign(campaign_id: IntId, session: SessionDep, principal: PrincipalDep) -> Campaign:
    return await service.get_campaign(session, principal, campaign_id)


@router.patch("/{campaign_id}", response_model=CampaignOut, responses=CONFLICT)
async def update_campaign(
    campaign_id: IntId, body: CampaignSettings, session: SessionDep, principal: PrincipalDep
) -> Campaign:
    """Change settings; ``dispositions`` replaces the whole set (codes that stay keep their ids)."""
    return await service.update_campaign(session, principal, campaign_id, body)


@router.delete("/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CONFLICT)
async def delete_campaign(campaign_id: IntId, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete a draft campaign; one that has started keeps its history."""
    await service.delete_campaign(session, principal, campaign_id)


def _command_route(cmd: Command, summary: str) -> None:
    async def run(campaign_id: IntId, session: SessionDep, principal: PrincipalDep) -> Campaign:
        return await service.command(session, principal, campaign_id, cmd)

    run.__name__ = f"{cmd.value}_campaign"
    router.add_api_route(
        f"/{{campaign_id}}/{cmd.value}",
        run,
        methods=["POST"],
        response_model=CampaignOut,
        summary=summary,
        responses=CONFLICT,
    )


_command_route(Command.START, "Start a draft campaign (draft → running)")
_command_route(Command.PAUSE, "Pause a running campaign (running → paused)")
_command_route(Command.RESUME, "Resume a paused campaign (paused → running)")
_command_route(Command.STOP, "Finish a running or paused campaign (→ finished, for good)")


@router.get("/{campaign_id}/operators", response_model=list[OperatorOut], tags=["operators"])
async def list_campaign_operators(
    campaign_id: IntId, session: SessionDep, principal: PrincipalDep
) -> list[Operator]:
    return await service.list_operators(session, principal, campaign_id)


@router.put("/{campaign_id}/operators", response_model=list[OperatorOut], tags=["operators"])
async def assign_operators(
    campaign_id: IntId, body: OperatorAssignment, session: SessionDep, principal: PrincipalDep
) -> list[Operator]:
    """Make exactly these operators the campaign's (an empty list unassigns everyone)."""
    return await service.assign_operators(session, principal, campaign_id, body.operator_ids)
