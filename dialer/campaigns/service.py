"""Campaigns: creating and changing them, their life from draft to finished, and their operators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.campaigns import repository
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS, DispositionIn
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.campaigns.profile import campaign_profile
from dialer.campaigns.schemas import CampaignCreate, CampaignSettings, dial_ratio_problem
from dialer.campaigns.states import Command, TransitionRefused, next_state
from dialer.campaigns.survey_start import survey_start_problem
from dialer.clients import service as clients
from dialer.clients.models import Client
from dialer.contacts.parking import unpark
from dialer.dialing_modes import traits
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.live.engine_wake import Topic, tell_engine
from dialer.operators.models import Operator
from dialer.surveys.models import SurveyDefinition

NULLABLE_SETTINGS = frozenset({"caller_id", "dial_ratio"})


async def get_campaign(session: AsyncSession, principal: Principal, campaign_id: int) -> Campaign:
    """The campaign if the caller may see it; another client's campaign is simply not found."""
    principal.require(Permission.CAMPAIGNS_READ)
    campaign = await repository.find_visible(session, principal, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found")
    return campaign


async def list_campaigns(
    session: AsyncSession,
    principal: Principal,
    *,
    state: CampaignState | None = None,
    client_id: int | None = None,
    contract_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Campaign], int]:
    principal.require(Permission.CAMPAIGNS_READ)
    return await repository.search(
        session,
        principal,
        state=state,
        client_id=client_id,
        contract_id=contract_id,
        limit=limit,
        offset=offset,
    )


def _disposition_rows(dispositions: list[DispositionIn] | tuple[DispositionIn, ...]) -> list[DispositionCode]:
    return [DispositionCode(**d.model_dump()) for d in dispositions]


async def create_campaign(session: AsyncSession, principal: Principal, data: CampaignCreate) -> Campaign:
    principal.require(Permission.CAMPAIGNS_WRITE)
    try:
        contract = await clients.get_contract(session, principal, data.contract_id)
    except NotFound:
        raise InvalidInput(f"contract_id: contract {data.contract_id} does not exist") from None
    client = await session.get(Client, contract.client_id)
    assert client is not None  # a contract's client is kept by a RESTRICT foreign key
    fields = data.model_dump(exclude={"dispositions", "default_country"})
    campaign = Campaign(
        **fields,
        client_id=contract.client_id,
        default_country=data.default_country or client.country,
        state=CampaignState.DRAFT,
        dispositions=_disposition_rows(data.dispositions or DEFAULT_DISPOSITIONS),
    )
    session.add(campaign)
    await session.flush()
    await session.refresh(campaign)
    return campaign


def _replace_dispositions(campaign: Campaign, wanted: list[DispositionIn]) -> None:
    """Keep rows whose code stays (later call records point at them), add new ones, drop the rest."""
    existing = {d.code: d for d in campaign.dispositions}
    kept: list[DispositionCode] = []
    for disposition in wanted:
        row = existing.get(disposition.code)
        if row is None:
            kept.append(DispositionCode(**disposition.model_dump()))
            continue
        for field, value in disposition.model_dump().items():
            setattr(row, field, value)
        kept.append(row)
    campaign.dispositions = kept


async def update_campaign(
    session: AsyncSession, principal: Principal, campaign_id: int, data: CampaignSettings
) -> Campaign:
    principal.require(Permission.CAMPAIGNS_WRITE)
    campaign = await get_campaign(session, principal, campaign_id)
    if campaign.state is CampaignState.FINISHED:
        raise Conflict(f"campaign {campaign_id} is finished and can no longer be changed")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"dispositions"})
    hours_before = campaign.calling_hours
    for field, value in changes.items():
        if value is None and field not in NULLABLE_SETTINGS:
            raise InvalidInput(f"{field}: may be changed but not emptied")
        setattr(campaign, field, value)
    if problem := dial_ratio_problem(campaign.dialing_mode, campaign.dial_ratio):
        raise InvalidInput(problem)
    if campaign.state is CampaignState.RUNNING:  # a paused one is checked when it resumes
        await _check_survey_mode(session, campaign)
    if data.dispositions is not None:
        if not data.dispositions:
            raise InvalidInput("dispositions: a campaign needs at least one disposition code")
        _replace_dispositions(campaign, data.dispositions)
    await session.flush()
    if "calling_hours" in changes and campaign.calling_hours != hours_before:
        # Contacts parked until the old window opened are judged by the new hours at the next lease.
        await unpark(session, campaign.id, datetime.now(UTC))
    await tell_engine(session, Topic.CAMPAIGNS)
    await session.refresh(campaign)
    return campaign


async def delete_campaign(session: AsyncSession, principal: Principal, campaign_id: int) -> None:
    principal.require(Permission.CAMPAIGNS_WRITE)
    campaign = await get_campaign(session, principal, campaign_id)
    if campaign.state is not CampaignState.DRAFT:
        raise Conflict(
            f"campaign {campaign_id} is {campaign.state.value}; only a draft campaign can be deleted "
            "(a started one keeps its history)"
        )
    await session.delete(campaign)
    await session.flush()


async def command(session: AsyncSession, principal: Principal, campaign_id: int, cmd: Command) -> Campaign:
    """Apply start, pause, resume or stop; a command the current state does not allow is a conflict."""
    principal.require(Permission.CAMPAIGNS_CONTROL)
    campaign = await get_campaign(session, principal, campaign_id)
    try:
        target = next_state(campaign.state, cmd)
    except TransitionRefused as exc:
        raise Conflict(f"campaign {campaign_id}: {exc}") from None
    if cmd in (Command.START, Command.RESUME):
        await _check_survey_mode(session, campaign)
    now = datetime.now(UTC)
    if cmd is Command.START:
        campaign.started_at = now
    if target is CampaignState.FINISHED:
        campaign.finished_at = now
    campaign.state = target
    await session.flush()
    await tell_engine(session, Topic.CAMPAIGNS)
    return campaign


async def _check_survey_mode(session: AsyncSession, campaign: Campaign) -> None:
    """A survey campaign needs its survey and a profile that allows dialing without operators."""
    if not traits(campaign.dialing_mode).ivr_survey:
        return
    defined = await session.scalar(
        select(SurveyDefinition.id).where(SurveyDefinition.campaign_id == campaign.id)
    )
    problem = survey_start_problem(
        campaign.dialing_mode,
        campaign_profile(campaign),
        has_survey=defined is not None,
        campaign_id=campaign.id,
    )
    if problem:
        raise Conflict(problem)


async def list_operators(session: AsyncSession, principal: Principal, campaign_id: int) -> list[Operator]:
    principal.require(Permission.OPERATORS_READ)
    campaign = await get_campaign(session, principal, campaign_id)
    return await repository.operators_of(session, campaign.id)


async def assign_operators(
    session: AsyncSession, principal: Principal, campaign_id: int, operator_ids: list[int]
) -> list[Operator]:
    """Make exactly these operators the campaign's; unknown or inactive operators are refused."""
    principal.require(Permission.CAMPAIGNS_WRITE)
    campaign = await get_campaign(session, principal, campaign_id)
    if campaign.state is CampaignState.FINISHED:
        raise Conflict(f"campaign {campaign_id} is finished; its operators can no longer change")
    wanted = list(dict.fromkeys(operator_ids))
    found = {o.id: o for o in await session.scalars(select(Operator).where(Operator.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InvalidInput(f"operator_ids: no operator with id {', '.join(map(str, missing))}")
    inactive = [i for i in wanted if not found[i].active]
    if inactive:
        raise InvalidInput(f"operator_ids: operator {', '.join(map(str, inactive))} is inactive")
    await repository.replace_operators(session, campaign.id, wanted)
    await tell_engine(session, Topic.CAMPAIGNS)
    return await repository.operators_of(session, campaign.id)


async def campaign_for_contacts(
    session: AsyncSession, principal: Principal, campaign_id: int, *, write: bool = False
) -> Campaign:
    """The campaign whose contacts the caller reads (or loads): the role check, then the scope's 404."""
    principal.require(Permission.CONTACTS_WRITE if write else Permission.CONTACTS_READ)
    return await get_campaign(session, principal, campaign_id)
