"""Demo data in the configured database (``dialer db demo-data``, the ``demo`` profile of
docker-compose.yml): the demo client, contract, predictive campaign (left in draft), its operators
with softphone endpoints 1001, 1002, ... and a generated contact base. Seeding twice changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.clients.models import Client
from dialer.db.engine import unit_of_work
from dialer.demo.data import add_contacts, create_demo_campaign, generated_phones

DEMO_CLIENT = "Demo Telecom"  # create_demo_campaign's client


async def seed_demo_data(sessions: async_sessionmaker[AsyncSession], *, contacts: int, operators: int) -> str:
    """What was done, in a sentence for the console."""
    async with unit_of_work(sessions) as session:
        if await session.scalar(select(Client.id).where(Client.name == DEMO_CLIENT)) is not None:
            return f"demo data already there (client {DEMO_CLIENT!r}); nothing changed"
        endpoints = [str(1001 + i) for i in range(operators)]
        demo = await create_demo_campaign(session, endpoints=endpoints)
        await add_contacts(session, demo.campaign_id, generated_phones(contacts))
    return (
        f"demo campaign {demo.campaign_id} (draft) with {contacts} contacts; operators' endpoints "
        f"{', '.join(endpoints)}; start it with POST /campaigns/{demo.campaign_id}/start"
    )
