"""A client, one contract with its campaign, contacts and operators, and a way to file calls.

Calls are written as the engine leaves them: placed, connected and ended times, the moment the end
was stored (``recorded_at``), the operator's disposition. Tests pick every time exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.clients.models import Client, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator, OperatorState, OperatorStateEvent, campaign_operators

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)
JAN = datetime(2027, 1, 1, tzinfo=UTC)


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    client_id: int
    contract_id: int
    campaign_id: int
    operator_ids: list[int]
    other_contract_id: int
    other_campaign_id: int
    _uids: itertools.count[int] = field(default_factory=itertools.count)

    async def contact(self, campaign_id: int | None = None) -> int:
        async with unit_of_work(self.sessions) as session:
            n = next(self._uids)
            contact = Contact(campaign_id=campaign_id or self.campaign_id, phone=f"+7495{n:07d}")
            session.add(contact)
            await session.flush()
            return contact.id

    async def call(
        self,
        placed_at: datetime,
        talk: timedelta | None = None,
        *,
        recorded_at: datetime | None = None,
        disposition: str | None = None,
        contact_id: int | None = None,
        campaign_id: int | None = None,
        ring: timedelta = timedelta(seconds=5),
        ended: bool = True,
    ) -> int:
        """File a call placed at ``placed_at``; ``talk`` None: never put through to an operator."""
        campaign = campaign_id or self.campaign_id
        contact = contact_id or await self.contact(campaign)
        async with unit_of_work(self.sessions) as session:
            connected_at = placed_at + ring if talk is not None else None
            ended_at = (
                (connected_at + talk if connected_at and talk is not None else placed_at + ring)
                if ended
                else None
            )
            call = Call(
                call_uid=f"uid-{campaign}-{next(self._uids)}",
                campaign_id=campaign,
                contact_id=contact,
                phone="+74950000000",
                attempt=1,
                operator_id=self.operator_ids[0] if talk is not None else None,
                state=CallState.ENDED if ended else CallState.PLACED,
                outcome=(CallOutcome.HUMAN_CONNECTED if talk is not None else CallOutcome.NO_ANSWER)
                if ended
                else None,
                placed_at=placed_at,
                answered_at=connected_at,
                connected_at=connected_at,
                ended_at=ended_at,
                billable_seconds=call_talk_seconds(connected_at, ended_at),
                recorded_at=(recorded_at or ended_at) if ended else None,
                disposition_code=disposition,
                disposition_at=ended_at if disposition else None,
            )
            session.add(call)
            await session.flush()
            return call.id

    async def states(
        self, operator_id: int, *steps: tuple[datetime, OperatorState], campaign_id: int | None = None
    ) -> None:
        """An operator's state changes (each on the campaign unless logged out)."""
        campaign = campaign_id or self.campaign_id
        async with unit_of_work(self.sessions) as session:
            previous = OperatorState.LOGGED_OUT
            for at, state in steps:
                session.add(
                    OperatorStateEvent(
                        operator_id=operator_id,
                        state=state,
                        previous=previous,
                        campaign_ids=[] if state is OperatorState.LOGGED_OUT else [campaign],
                        at=at,
                    )
                )
                previous = state

    async def terms(self, **terms: Any) -> None:
        async with unit_of_work(self.sessions) as session:
            contract = await session.get(Contract, self.contract_id)
            assert contract is not None
            for name, value in terms.items():
                setattr(contract, name, value)


async def _contract_with_campaign(
    session: AsyncSession, client_id: int, number: str, **terms: Any
) -> tuple[int, int]:
    values: dict[str, Any] = {
        "pricing_model": PricingModel.PER_TALK_MINUTE,
        "rate": Decimal("3.50"),
        "period_start": date(2026, 11, 1),
        "currency": "RUB",
    } | terms
    contract = Contract(client_id=client_id, number=number, **values)
    session.add(contract)
    await session.flush()
    campaign = Campaign(
        contract_id=contract.id,
        client_id=client_id,
        name=f"campaign {number}",
        dialing_mode=DialMode.PROGRESSIVE,
        state=CampaignState.RUNNING,
        dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
    )
    session.add(campaign)
    await session.flush()
    return contract.id, campaign.id


async def make_world(sessions: async_sessionmaker[AsyncSession], prefix: str = "", **terms: Any) -> World:
    """``prefix`` names the clients apart when one database holds several worlds."""
    async with unit_of_work(sessions) as session:
        client, other = Client(name=f"{prefix}Ромашка"), Client(name=f"{prefix}Василёк")
        session.add_all([client, other])
        await session.flush()
        contract_id, campaign_id = await _contract_with_campaign(session, client.id, "A-1", **terms)
        other_contract, other_campaign = await _contract_with_campaign(session, other.id, "B-1")
        operators = [
            Operator(name=n, login=f"{prefix}{n}", sip_endpoint=f"sip-{prefix}{n}") for n in ("olga", "ivan")
        ]
        session.add_all(operators)
        await session.flush()
        await session.execute(
            insert(campaign_operators), [{"campaign_id": campaign_id, "operator_id": o.id} for o in operators]
        )
        return World(
            sessions,
            client.id,
            contract_id,
            campaign_id,
            [o.id for o in operators],
            other_contract,
            other_campaign,
        )
