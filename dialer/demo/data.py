"""Demo data: a client, a contract, a campaign with its operators, and a generated contact base.

Created through the domain's services (as a supervisor would through the API); the contacts are
generated numbers written straight to the campaign's base (an import's result, without the file).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.campaigns import service as campaigns
from dialer.campaigns.models import Campaign, OperatorConnection
from dialer.campaigns.schemas import CampaignCreate
from dialer.campaigns.states import Command
from dialer.clients import service as clients
from dialer.clients.models import PricingModel
from dialer.clients.schemas import ClientCreate, ContractTerms
from dialer.contacts.models import Contact, ContactStatus
from dialer.dialing_modes import DialMode
from dialer.operators import service as operators
from dialer.operators.schemas import OperatorCreate

SUPERVISOR = Principal(Role.ADMIN, user_id=None, key_id=0, name="demo")
# Nearly all day, every day, so the demo dials whenever it is run (the campaign's validation refuses
# "00:00"-"24:00" as an empty window).
ALL_DAY = {day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NAMES = ("Anna", "Boris", "Vera", "Gleb", "Daria", "Egor", "Zoya", "Ilya", "Kira", "Lev")


@dataclass(frozen=True, slots=True)
class DemoCampaign:
    client_id: int
    contract_id: int
    campaign_id: int
    operators: Mapping[str, int]  # SIP endpoint -> operator id


async def create_demo_campaign(
    session: AsyncSession,
    *,
    endpoints: Sequence[str],
    name: str = "Demo: home internet offer",
    mode: DialMode = DialMode.PREDICTIVE,
    calling_hours: Mapping[str, Any] | None = None,
    max_attempts: int = 3,
    retry_delays: Mapping[str, int] | None = None,
    wrap_up_s: int = 5,
    ring_timeout_s: int = 20,
    profile: str = "us",
    connection: OperatorConnection = OperatorConnection.NAILED_UP,
    principal: Principal = SUPERVISOR,
) -> DemoCampaign:
    """A client, its contract, a campaign (draft) and its operators (one per softphone endpoint)."""
    client = await clients.create_client(session, principal, ClientCreate(name="Demo Telecom", country="RU"))
    contract = await clients.create_contract(
        session,
        principal,
        client.id,
        ContractTerms(number="DEMO-1", pricing_model=PricingModel.PER_TALK_MINUTE, period_start=date.today()),
    )
    data: dict[str, Any] = {
        "contract_id": contract.id,
        "name": name,
        "dialing_mode": mode,
        "calling_hours": dict(calling_hours or ALL_DAY),
        "max_attempts": max_attempts,
        "script": "Hello, this is Demo Telecom. {name}, may I tell you about our home internet offer?",
    }
    if retry_delays is not None:
        data["retry_delays"] = dict(retry_delays)
    campaign = await campaigns.create_campaign(session, principal, CampaignCreate.model_validate(data))
    row = await session.get(Campaign, campaign.id)
    assert row is not None
    row.compliance_profile, row.wrap_up_s, row.ring_timeout_s = profile, wrap_up_s, ring_timeout_s
    row.operator_connection = connection
    ids: dict[str, int] = {}
    for i, endpoint in enumerate(endpoints):
        name_ = NAMES[i % len(NAMES)]
        op = await operators.create_operator(
            session,
            principal,
            OperatorCreate(name=f"{name_} ({endpoint})", login=f"op{endpoint}", sip_endpoint=endpoint),
        )
        ids[endpoint] = op.id
    await campaigns.assign_operators(session, principal, campaign.id, list(ids.values()))
    await session.flush()
    return DemoCampaign(client.id, contract.id, campaign.id, ids)


def generated_phones(count: int, *, seed: int = 42, prefix: str = "+7916") -> list[str]:
    """``count`` distinct mobile numbers, the same ones for the same seed."""
    rng = random.Random(seed)
    phones: set[str] = set()
    while len(phones) < count:
        phones.add(f"{prefix}{rng.randrange(10**7):07d}")
    return sorted(phones)


async def add_contacts(
    session: AsyncSession, campaign_id: int, phones: Sequence[str], *, timezone: str | None = "Europe/Moscow"
) -> None:
    """Put numbers in the campaign's base as new contacts (consenting, as a prepared base is)."""
    rows: list[dict[str, Any]] = [
        {
            "campaign_id": campaign_id,
            "phone": phone,
            "name": f"{NAMES[i % len(NAMES)]} {phone[-4:]}",
            "timezone": timezone,
            "status": ContactStatus.NEW,
            "consent": True,
            "extra_phones": [],
            "data": {},
            "created_at": datetime.now(UTC),
        }
        for i, phone in enumerate(phones)
    ]
    if rows:
        await session.execute(insert(Contact), rows)


async def start_campaign(session: AsyncSession, campaign_id: int, principal: Principal = SUPERVISOR) -> None:
    await campaigns.command(session, principal, campaign_id, Command.START)


async def pause_campaign(session: AsyncSession, campaign_id: int, principal: Principal = SUPERVISOR) -> None:
    await campaigns.command(session, principal, campaign_id, Command.PAUSE)
