"""Preview click-to-call with the whole service against the simulator: the operator is shown a
contact with the script, clicks to call, the engine (reading the click from the database) places the
call without AMD and puts the customer into the operator's bridge, and the operator disposes of it
through the same route as any call. Nothing is dialed without a click."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select

from dialer.calls.models import Call, CallOutcome
from dialer.contacts.models import Contact, ContactStatus
from dialer.dialing_modes import DialMode
from dialer.operators.models import OperatorState, OperatorStateEvent
from dialer.preview.models import PreviewRequest, PreviewStatus
from pbxsim import CustomerScript, Scenario
from tests.e2e.harness import PASSWORD, USER, Stack, api_get, running_stack

CUSTOMER = "+79167770001"
OTHER = "+79167770002"


async def supervisor(stack: Stack) -> httpx.AsyncClient:
    await api_get(stack, "/auth/me")  # creates the supervisor the harness signs in as
    client = httpx.AsyncClient(base_url=stack.service.url, timeout=10)
    token = await client.post("/auth/token", data={"username": USER, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


async def until(check: Any, *, within: float = 30.0, every: float = 0.1) -> Any:
    """Poll ``check`` (an async callable) until it returns something true."""
    async with asyncio.timeout(within):
        for _ in range(1_000_000):  # polled: the API and the engine meet only in the database
            if result := await check():
                return result
            await asyncio.sleep(every)
    return None


async def test_an_operator_previews_clicks_talks_and_disposes(database_url, sessions, tmp_path) -> None:
    scenario = Scenario(seed=3)
    for phone in (CUSTOMER, OTHER):
        scenario.customers[phone.lstrip("+")] = CustomerScript(
            "answer", ring=3.0, talk=8.0, amd="machine", hangup_by="customer"
        )  # AMD would call it a machine: a preview call never asks AMD
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": [CUSTOMER, OTHER]},
        mode=DialMode.PREVIEW,
        endpoints=("1001",),
    ) as stack:
        await stack.operators.stop(log_out=False)  # this operator is driven through the API below
        operator_id = stack.demo.operators["1001"]
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor

        async def held() -> bool:
            op = floor.operator("1001")
            return op is not None and op.held

        await until(held)
        await asyncio.sleep(1.0)  # 20 s of engine time: a preview campaign places nothing by itself
        assert floor.calls == {}

        api = await supervisor(stack)
        base = f"/operators/{operator_id}/session/preview"
        offer = await api.post(base)
        assert offer.status_code == 200, offer.text
        contact = offer.json()["contact"]
        assert contact["phone"] == CUSTOMER
        assert offer.json()["script"].startswith("Hello, this is Demo Telecom")
        greeting = f"Hello, this is Demo Telecom. {contact['name']}, may"
        assert offer.json()["filled_script"].startswith(greeting)

        dialed = await api.post(f"{base}/{contact['id']}/dial")
        assert dialed.status_code == 202, dialed.text

        async def connected() -> Call | None:
            async with stack.sessions() as session:
                return await session.scalar(
                    select(Call).where(Call.contact_id == contact["id"], Call.connected_at.is_not(None))
                )

        call = await until(connected)
        assert call.operator_id == operator_id
        async with stack.sessions() as session:  # the state may have moved on already (8 s talk at speed)
            went_on_call = await session.scalar(
                select(OperatorStateEvent).where(
                    OperatorStateEvent.operator_id == operator_id,
                    OperatorStateEvent.state == OperatorState.ON_CALL,
                    OperatorStateEvent.call_uid == call.call_uid,
                )
            )
        assert went_on_call is not None

        async def ended() -> Call | None:
            async with stack.sessions() as session:
                found = await session.get(Call, call.id)
                return found if found is not None and found.ended_at is not None else None

        call = await until(ended)
        disposed = await api.post(f"/calls/{call.id}/disposition", json={"code": "not_interested"})
        assert disposed.status_code == 200, disposed.text
        assert disposed.json()["contact_status"] == "done"
        ready = (await api.get(f"/operators/{operator_id}/session")).json()
        assert ready["state"] == "ready"
        nxt = await api.post(base)
        assert nxt.json()["contact"]["phone"] == OTHER
        await api.aclose()

        async with stack.sessions() as session:
            calls = list(
                await session.scalars(select(Call).where(Call.campaign_id == stack.demo.campaign_id))
            )
            request = await session.scalar(select(PreviewRequest))
            done = await session.get(Contact, contact["id"])

    assert len(calls) == 1  # only the click placed a call
    [call] = calls
    assert call.outcome is CallOutcome.HUMAN_CONNECTED
    assert call.abandoned_at is None and call.amd_status in (None, "UNKNOWN")
    assert call.talk_seconds is not None and call.talk_seconds > 0
    assert call.disposition_code == "not_interested" and call.attempt == 1
    assert request is not None and request.status is PreviewStatus.DIALING
    assert request.call_uid == call.call_uid and request.engine == "engine-a"
    assert done is not None and done.status is ContactStatus.DONE and done.attempts == 1
