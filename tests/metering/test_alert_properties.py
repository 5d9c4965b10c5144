"""Property test of volume alerts on the database: however usage grows, call by call and check by
check, each threshold is alerted exactly once, after usage reached it and never before."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dialer.clients.models import Contract
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.metering.alerts import check_volume
from dialer.metering.models import VolumeAlert
from tests.metering.world import make_world

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_worlds = itertools.count()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(1, 400), st.booleans()), min_size=1, max_size=12),  # minutes, check after?
    st.integers(1, 2000),  # committed minutes
    st.lists(st.sampled_from(["0.25", "0.5", "0.8", "1", "1.2"]), min_size=1, max_size=4, unique=True),
)
def test_each_threshold_is_alerted_once_when_reached(
    database_url: str, steps: list[tuple[int, bool]], committed: int, thresholds: list[str]
) -> None:
    asyncio.run(_scenario(database_url, steps, committed, thresholds))


async def _scenario(url: str, steps: list[tuple[int, bool]], committed: int, thresholds: list[str]) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        world = await make_world(
            sessions,
            prefix=f"a{next(_worlds)}",
            volume_committed=Decimal(committed),
            alert_thresholds=thresholds,
            talk_increment_s=60,
        )
        used = 0
        seen: dict[Decimal, int] = {}
        for i, (minutes, check) in enumerate(steps):
            await world.call(NOW - timedelta(days=1, minutes=i), timedelta(minutes=minutes))
            used += minutes
            if not check and i < len(steps) - 1:
                continue
            async with unit_of_work(sessions) as session:
                contract = await session.get(Contract, world.contract_id)
                assert contract is not None
                result = await check_volume(session, contract, NOW)
            for alert in result.raised:
                seen[alert.threshold] = used
        reached = {Decimal(t) for t in thresholds if Decimal(t) * committed <= used}
        assert set(seen) == reached
        assert all(Decimal(t) * committed <= at for t, at in seen.items())
        async with unit_of_work(sessions) as session:
            stored = list(
                await session.scalars(
                    select(VolumeAlert.threshold).where(VolumeAlert.contract_id == world.contract_id)
                )
            )
        assert sorted(stored) == sorted(reached)
    finally:
        await engine.dispose()
