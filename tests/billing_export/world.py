"""Call records for the billing-export tests: a client with two per-minute contracts, their
campaigns and operators, and calls with exact connection and hangup times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.campaigns.models import Campaign
from dialer.clients.models import Client, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, micro, tzinfo=UTC)


@dataclass(frozen=True)
class CallSpec:
    """A call placed at ``placed``; ``talk`` is the time from connection to hangup (None: never
    connected to an operator)."""

    campaign: str
    placed: datetime
    talk: timedelta | None
    operator: str | None = "Anna"
    disposition: str | None = "sale"
    phone: str = ""
    recorded_after: timedelta = timedelta(seconds=1)
    """When the record was stored, after the hangup (a late record is stored long after)."""


@dataclass
class World:
    client_id: int
    contracts: dict[str, int] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)
    operators: dict[str, int] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)


async def make_client(
    session: AsyncSession,
    name: str,
    contracts: dict[str, dict[str, Any]],
    campaigns: dict[str, str],
) -> World:
    """A client with ``contracts`` (number -> terms: rate, talk_increment_s...; per talk minute from
    2026-01-01 unless they say otherwise) and ``campaigns`` (name -> contract number)."""
    client = Client(name=name)
    session.add(client)
    await session.flush()
    world = World(client.id)
    for number, terms in contracts.items():
        defaults = {"pricing_model": PricingModel.PER_TALK_MINUTE, "period_start": date(2026, 1, 1)}
        contract = Contract(client_id=client.id, number=number, **(defaults | terms))
        session.add(contract)
        await session.flush()
        world.contracts[number] = contract.id
    for campaign_name, number in campaigns.items():
        campaign = Campaign(
            contract_id=world.contracts[number],
            client_id=client.id,
            name=campaign_name,
            dialing_mode=DialMode.PROGRESSIVE,
        )
        session.add(campaign)
        await session.flush()
        world.campaigns[campaign_name] = campaign.id
    return world


async def add_operators(session: AsyncSession, world: World, names: Sequence[str]) -> None:
    for name in names:
        operator = Operator(
            name=name, login=f"{name.lower()}-{world.client_id}", sip_endpoint=f"sip-{name}-{world.client_id}"
        )
        session.add(operator)
        await session.flush()
        world.operators[name] = operator.id


async def add_calls(session: AsyncSession, world: World, specs: Sequence[CallSpec]) -> list[int]:
    ids = []
    for index, spec in enumerate(specs):
        phone = spec.phone or f"+7916{world.client_id:03d}{len(world.calls):04d}"
        contact = Contact(campaign_id=world.campaigns[spec.campaign], phone=phone, attempts=1)
        session.add(contact)
        await session.flush()
        connected = None if spec.talk is None else spec.placed + timedelta(seconds=7)
        ended = spec.placed + timedelta(seconds=20) if connected is None else connected + spec.talk
        call = Call(
            call_uid=f"uid-{world.client_id}-{len(world.calls)}-{index}",
            campaign_id=world.campaigns[spec.campaign],
            contact_id=contact.id,
            phone=phone,
            attempt=1,
            operator_id=world.operators[spec.operator] if spec.operator else None,
            state=CallState.ENDED,
            outcome=CallOutcome.HUMAN_CONNECTED if spec.talk is not None else CallOutcome.NO_ANSWER,
            placed_at=spec.placed,
            answered_at=connected,
            connected_at=connected,
            ended_at=ended,
            billable_seconds=call_talk_seconds(connected, ended),
            recorded_at=ended + spec.recorded_after,
            talk_seconds=None if spec.talk is None else spec.talk.total_seconds(),
            disposition_code=spec.disposition,
        )
        session.add(call)
        await session.flush()
        world.calls.append(call.id)
        ids.append(call.id)
    return ids


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    contracts: dict[str, dict[str, Any]],
    campaigns: dict[str, str],
    specs: Sequence[CallSpec],
    *,
    name: str = "Romashka",
    operators: Sequence[str] = ("Anna", "Boris"),
) -> World:
    async with unit_of_work(sessions) as session:
        world = await make_client(session, name, contracts, campaigns)
        await add_operators(session, world, operators)
        await add_calls(session, world, specs)
    return world
