"""Monthly statements on the database: what is billed, when a month is frozen, where late calls go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from dialer.billing.seat_time import SeatCount
from dialer.clients.models import PricingModel
from dialer.db.engine import unit_of_work
from dialer.errors import Conflict
from dialer.metering.statement import close_period, monthly_statement
from dialer.operators.models import OperatorState
from tests.metering.world import DEC, JAN, NOV, make_world

S = timedelta(seconds=1)


async def test_talk_minutes_are_billed_from_connection_to_hangup(sessions):
    world = await make_world(sessions, talk_increment_s=60, talk_free_under_s=5)
    await world.call(NOV + timedelta(days=2), 61 * S, disposition="sale")  # 2 started minutes
    await world.call(NOV + timedelta(days=3), 4 * S)  # free
    await world.call(NOV + timedelta(days=4))  # never connected
    await world.call(NOV + timedelta(days=5), 30 * S, campaign_id=world.other_campaign_id)  # another contract
    async with unit_of_work(sessions) as session:
        statement = await monthly_statement(session, world.contract_id, 2026, 11, now=DEC)
    assert statement.usage.calls == 3
    assert statement.usage.connected_calls == 2
    assert statement.usage.talk_seconds == 65
    assert statement.usage.billable_seconds == 120
    assert [line.amount for line in statement.lines] == [Decimal("7.00")]
    assert statement.total == Decimal("7.00")
    assert statement.usage.processed_contacts == {"sale": 1}
    assert not statement.frozen


async def test_a_closed_month_is_frozen_and_late_calls_go_to_the_next(sessions):
    world = await make_world(sessions)
    await world.call(NOV + timedelta(days=10), 60 * S)
    async with unit_of_work(sessions) as session:
        closed = await close_period(
            session, world.contract_id, 2026, 11, by="boss", now=DEC + timedelta(hours=1)
        )
    assert closed.frozen and closed.usage.calls == 1 and closed.total == Decimal("3.50")
    # A November call whose record arrives after the close is December's, marked late.
    await world.call(NOV + timedelta(days=29), 120 * S, recorded_at=DEC + timedelta(hours=2))
    await world.call(DEC + timedelta(days=1), 60 * S)
    async with unit_of_work(sessions) as session:
        again = await monthly_statement(session, world.contract_id, 2026, 11)
        december = await monthly_statement(session, world.contract_id, 2026, 12, now=JAN)
    assert again == closed
    assert december.usage.calls == 2 and december.late_calls == 1
    assert december.total == Decimal("10.50")


async def test_months_close_in_order_and_only_once_over(sessions):
    world = await make_world(sessions)
    async with unit_of_work(sessions) as session:
        with pytest.raises(Conflict, match="not over"):
            await close_period(
                session, world.contract_id, 2026, 11, by="boss", now=datetime(2026, 11, 30, tzinfo=UTC)
            )
        with pytest.raises(Conflict, match=r"2026-11 .* still open"):
            await close_period(session, world.contract_id, 2026, 12, by="boss", now=JAN + timedelta(days=1))


async def _seat_world(sessions, **terms):
    world = await make_world(sessions, **terms)
    olga, ivan = world.operator_ids
    day = NOV + timedelta(days=2, hours=9)
    H = timedelta(hours=1)
    # Olga: on shift across the month's start (2 h of it in November), then 2 h ready, 1 h paused, 1 h ready.
    await world.states(olga, (NOV - 2 * H, OperatorState.READY), (NOV + 2 * H, OperatorState.LOGGED_OUT))
    await world.states(
        olga,
        (day, OperatorState.READY),
        (day + 2 * H, OperatorState.PAUSED),
        (day + 3 * H, OperatorState.READY),
        (day + 4 * H, OperatorState.LOGGED_OUT),
    )
    # Ivan: 1.5 h alongside Olga, then 1 h on another client's campaign (not this contract's).
    await world.states(ivan, (day + H, OperatorState.ON_CALL), (day + 2.5 * H, OperatorState.LOGGED_OUT))
    await world.states(
        ivan,
        (day + 5 * H, OperatorState.READY),
        (day + 6 * H, OperatorState.LOGGED_OUT),
        campaign_id=world.other_campaign_id,
    )
    return world


@pytest.mark.parametrize(
    ("terms", "amounts"),
    [
        ({"pricing_model": PricingModel.PER_SEAT_HOUR, "rate": Decimal(300)}, ["2250.00"]),  # 7.5 h
        (
            {"pricing_model": PricingModel.PER_SEAT_HOUR, "rate": Decimal(300), "seat_pauses_paid": False},
            ["1950.00"],  # 6.5 h
        ),
        ({"pricing_model": PricingModel.PER_SEAT_MONTH, "rate": Decimal(50000)}, ["100000.00"]),  # 2 at once
        (
            {
                "pricing_model": PricingModel.PER_SEAT_MONTH,
                "rate": Decimal(30000),
                "seat_count": SeatCount.AVERAGE_DAILY,
            },
            ["3000.00"],  # (1 + 2) operator-days over 30 days = 0.1 seat
        ),
        (
            {
                "pricing_model": PricingModel.HOURLY_PLAN,
                "rate": Decimal(400),
                "plan_hours": Decimal(6),
                "plan_price": Decimal(1000),
            },
            ["1000.00", "600.00"],  # 1.5 h beyond the plan
        ),
    ],
)
async def test_seat_time_comes_from_operator_states_on_the_contracts_campaigns(sessions, terms, amounts):
    world = await _seat_world(sessions, **terms)
    async with unit_of_work(sessions) as session:
        statement = await monthly_statement(session, world.contract_id, 2026, 11, now=DEC)
    assert statement.usage.seat_seconds_with_pauses == Decimal(7.5 * 3600)
    assert statement.usage.seat_seconds_without_pauses == Decimal(6.5 * 3600)
    assert [str(line.amount) for line in statement.lines] == amounts
