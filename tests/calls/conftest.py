"""A client with a running campaign, two operators assigned to it, and a way to add contacts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.clients.models import Client, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator, campaign_operators

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday: 15:00 in Moscow, 22:00 in Vladivostok
EVERY_DAY = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
RETRY_DELAYS = {"busy": 900, "no_answer": [1800, 3600], "machine": 14400, "abandoned": 3600, "failed": 7200}


@dataclass
class World:
    client_id: int
    campaign_id: int
    other_campaign_id: int
    operator_ids: list[int]


async def _campaign(session: Any, client: Client, name: str, **fields: Any) -> Campaign:
    contract = Contract(
        client_id=client.id,
        number=name,
        pricing_model=PricingModel.PER_TALK_MINUTE,
        period_start=date(2026, 1, 1),
    )
    session.add(contract)
    await session.flush()
    values: dict[str, Any] = {
        "dialing_mode": DialMode.PREDICTIVE,
        "default_country": "RU",
        "calling_hours": EVERY_DAY,
        "retry_delays": RETRY_DELAYS,
        "max_attempts": 3,
        "state": CampaignState.RUNNING,
    } | fields
    campaign = Campaign(
        contract_id=contract.id,
        client_id=client.id,
        name=name,
        dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        **values,
    )
    session.add(campaign)
    await session.flush()
    return campaign


@pytest.fixture
async def world(sessions) -> World:
    async with unit_of_work(sessions) as session:
        client, other = Client(name="Ромашка", country="RU"), Client(name="Василёк", country="RU")
        session.add_all([client, other])
        await session.flush()
        campaign = await _campaign(session, client, "Кредитки")
        foreign = await _campaign(session, other, "Чужая")
        operators = [Operator(name=n, login=n, sip_endpoint=f"sip-{n}") for n in ("olga", "ivan")]
        session.add_all(operators)
        await session.flush()
        await session.execute(
            insert(campaign_operators), [{"campaign_id": campaign.id, "operator_id": o.id} for o in operators]
        )
        return World(client.id, campaign.id, foreign.id, [o.id for o in operators])


AddContacts = Callable[..., Awaitable[list[int]]]


@pytest.fixture
def add_contacts(sessions) -> AddContacts:
    """``await add_contacts(campaign_id, n, **fields)``: n contacts in Moscow with distinct numbers."""
    counter = iter(range(1_000_000))

    async def _add(campaign_id: int, n: int = 1, **fields: Any) -> list[int]:
        async with unit_of_work(sessions) as session:
            rows = []
            for _ in range(n):
                values = {"timezone": "Europe/Moscow"} | fields
                if "phone" not in fields:
                    values["phone"] = f"+7495{next(counter):07d}"
                rows.append(Contact(campaign_id=campaign_id, **values))
            session.add_all(rows)
            await session.flush()
            return [row.id for row in rows]

    return _add
