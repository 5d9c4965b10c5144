"""A client's month of work written as real rows: a contract, a campaign with the default codes, two
operators with their state changes, contacts and calls with measured times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.clients.models import Client, ClientCrm, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator, OperatorState, OperatorStateEvent


@dataclass
class World:
    client_id: int
    contract_id: int
    campaign_id: int
    operators: list[int]
    calls: list[int] = field(default_factory=list)


async def make_world(
    sessions,
    *,
    name: str = "Ромашка",
    rate: Decimal = Decimal("12.50"),
    vat_rate: Decimal | None = Decimal("0.2"),
    setup_fee: Decimal = Decimal("0"),
    volume: Decimal | None = Decimal("100"),
    period_start: date = date(2026, 10, 1),
    webhook_url: str | None = None,
    secret: str | None = None,
    goals: dict | None = None,
) -> World:
    async with unit_of_work(sessions) as session:
        client = Client(name=name, country="RU")
        session.add(client)
        await session.flush()
        if webhook_url is not None:
            session.add(ClientCrm(client_id=client.id, webhook_url=webhook_url, signing_secret=secret))
        contract = Contract(
            client_id=client.id,
            number=f"{name}-2026/1",
            pricing_model=PricingModel.PER_TALK_MINUTE,
            rate=rate,
            vat_rate=vat_rate,
            setup_fee=setup_fee,
            volume_committed=volume,
            period_start=period_start,
            billing_timezone="Europe/Moscow",
        )
        session.add(contract)
        await session.flush()
        campaign = Campaign(
            contract_id=contract.id,
            client_id=client.id,
            name="Кредитки",
            state=CampaignState.RUNNING,
            dialing_mode=DialMode.PROGRESSIVE,
            brief={"goals": goals or {}},
            dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        )
        ops = [
            Operator(name="Ольга Петрова", login=f"olga-{name}", sip_endpoint=f"sip-olga-{name}"),
            Operator(name="Иван Смирнов", login=f"ivan-{name}", sip_endpoint=f"sip-ivan-{name}"),
        ]
        session.add_all([campaign, *ops])
        await session.flush()
        return World(client.id, contract.id, campaign.id, [o.id for o in ops])


async def add_call(
    sessions,
    world: World,
    placed_at: datetime,
    *,
    talk: float | None = None,
    code: str | None = None,
    operator: int = 0,
    outcome: CallOutcome | None = None,
    recording: bool = False,
    recorded_at: datetime | None = None,
) -> int:
    """A finished call: talked ``talk`` seconds with operator ``operator`` (index), or not connected."""
    async with unit_of_work(sessions) as session:
        n = len(world.calls) + 1
        contact = Contact(campaign_id=world.campaign_id, phone=f"+7916{world.campaign_id:03d}{n:04d}")
        session.add(contact)
        await session.flush()
        answered = placed_at + timedelta(seconds=8)
        connected = answered + timedelta(seconds=1) if talk is not None else None
        ended = (
            (connected + timedelta(seconds=talk)) if connected is not None and talk is not None else answered
        )
        call = Call(
            call_uid=f"w{world.campaign_id}-{n}",
            campaign_id=world.campaign_id,
            contact_id=contact.id,
            phone=contact.phone,
            attempt=1,
            operator_id=world.operators[operator] if talk is not None else None,
            state=CallState.ENDED,
            outcome=outcome or (CallOutcome.HUMAN_CONNECTED if talk is not None else CallOutcome.NO_ANSWER),
            placed_at=placed_at,
            answered_at=answered if (talk is not None or outcome is CallOutcome.ABANDONED) else None,
            abandoned_at=answered if outcome is CallOutcome.ABANDONED else None,
            connected_at=connected,
            ended_at=ended,
            talk_seconds=talk,
            billable_seconds=call_talk_seconds(connected, ended),
            disposition_code=code,
            disposition_at=ended if code else None,
            hot_lead=code in {"sale", "hot_lead"},
            recording_key=f"rec/{n}.wav" if recording else None,
            recorded_at=recorded_at or ended,
        )
        session.add(call)
        await session.flush()
        world.calls.append(call.id)
        return call.id


async def add_states(
    sessions, world: World, operator: int, changes: list[tuple[datetime, OperatorState]]
) -> None:
    async with unit_of_work(sessions) as session:
        previous = OperatorState.LOGGED_OUT
        for at, state in changes:
            session.add(
                OperatorStateEvent(
                    operator_id=world.operators[operator],
                    state=state,
                    previous=previous,
                    campaign_ids=[world.campaign_id],
                    at=at,
                )
            )
            previous = state
