"""A supervisor listens to an operator's call from their own softphone: asked through the API, placed
by the engine through AMI, seen on the simulator as a ChanSpy leg on the operator's channel (the
nailed-up leg, or the leg the queue rang)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.campaigns.models import OperatorConnection
from dialer.operators.models import Operator, OperatorState, OperatorStatus
from pbxsim import CustomerScript, Scenario
from tests.e2e.harness import api_call, running_stack, until

SUPERVISOR = "1009"  # the supervisor's own softphone, in no queue


@pytest.mark.parametrize("connection", [OperatorConnection.NAILED_UP, OperatorConnection.RINGING])
async def test_a_supervisor_listens_to_a_call_put_through_to_an_operator(
    database_url, sessions, tmp_path, connection
):
    scenario = Scenario(seed=3)
    phones = [f"+7916100{i:04d}" for i in range(2)]
    for phone in phones:
        scenario.customers[phone.lstrip("+")] = CustomerScript("answer", ring=1.0, talk=3600, amd="human")
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        endpoints=("1001", "1002"),
        connection=connection,
    ) as stack:
        stack.sim.operator(SUPERVISOR, queues=())

        async def talking() -> OperatorStatus | None:
            async with sessions() as session:
                return await session.scalar(
                    select(OperatorStatus).where(OperatorStatus.state == OperatorState.ON_CALL).limit(1)
                )

        async def on_call() -> bool:
            return await talking() is not None

        await until(on_call)
        status = await talking()
        assert status is not None and status.call_uid is not None
        async with sessions() as session:
            operator = await session.get(Operator, status.operator_id)
            assert operator is not None

        asked = await api_call(
            stack,
            "POST",
            f"/supervision/operators/{status.operator_id}/spy",
            json={"mode": "listen", "endpoint": SUPERVISOR},
        )
        assert asked["status"] == "pending" and asked["call_uid"] == status.call_uid

        async def spying() -> bool:
            request = await api_call(stack, "GET", f"/supervision/spy/{asked['id']}")
            assert request["status"] not in ("failed", "ended"), request
            return bool(request["status"] == "active")

        await until(spying)
        request = await api_call(stack, "GET", f"/supervision/spy/{asked['id']}")
        target = request["target_channel"]
        # the simulator: the supervisor's leg runs ChanSpy on the operator's own channel
        live = list(stack.sim.pbx.channels.live.values())
        spied = next(c for c in live if c.name == target)
        assert spied.endpoint == operator.sip_endpoint
        leg = next(c for c in live if c.endpoint == SUPERVISOR)
        assert (leg.context, leg.exten, leg.application) == ("dialer-supervisor", "listen", "ChanSpy")
        assert leg.variables["SPYTARGET"] == target

        async with sessions() as session:
            spies = select(AuditEvent).where(AuditEvent.action == AuditAction.SPY)
            audited = list(await session.scalars(spies))
        assert [(e.object_id, e.detail["mode"], e.detail["endpoint"]) for e in audited] == [
            (str(status.operator_id), "listen", SUPERVISOR)
        ]
