"""An operator created through the API gets a PJSIP endpoint the simulator loads at the reload; their
softphone registers with the password the API gives them and is then sent calls; while it is not
registered (though the operator asked to be ready) it is sent none; disabled, the endpoint is gone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from dialer.accounts import service as auth
from dialer.auth.models import Role
from dialer.auth.schemas import UserCreate
from dialer.calls.models import Call
from dialer.campaigns.models import OperatorConnection
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from pbxsim.scenario import OperatorScript
from tests.e2e.harness import Stack, running_stack, until
from tests.e2e.scripts import contact_base

SLACK = timedelta(seconds=2)  # engine seconds for a change to reach the engine


USER, PASSWORD = "sv", "sv-password-1234"


async def make_supervisor(stack: Stack) -> None:
    async with unit_of_work(stack.sessions) as session:
        data = UserCreate(username=USER, password=SecretStr(PASSWORD), role=Role.SUPERVISOR)
        await auth.create_user(session, None, data)


async def api(stack: Stack, method: str, path: str, body: Any = None) -> Any:
    """The service's own API, as the supervisor."""
    async with httpx.AsyncClient(base_url=stack.service.url, timeout=10) as client:
        token = await client.post("/auth/token", data={"username": USER, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None


async def connected_to(stack: Stack, operator_id: int, after: datetime) -> list[Call]:
    async with stack.sessions() as session:
        calls = await session.scalars(
            select(Call).where(Call.operator_id == operator_id, Call.connected_at.is_not(None))
        )
        return [c for c in calls if c.connected_at is not None and c.connected_at > after]


async def test_an_operator_created_through_the_api_is_provisioned_and_called_only_while_registered(
    database_url, sessions, tmp_path
) -> None:
    phones, _, scenario = contact_base(200)
    scenario.operators["1009"] = OperatorScript("1009", registered=False)  # Vera's phone is off at first
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        mode=DialMode.PROGRESSIVE,
        connection=OperatorConnection.RINGING,
        endpoints=("1001",),
        max_attempts=3,
        provisioned=True,
    ) as stack:
        sim, campaign_id, anna = stack.sim, stack.demo.campaign_id, stack.demo.operators["1001"]
        assert set(sim.pbx.endpoints.by_name) == {"1001"}  # the service's start wrote the file and reloaded
        assert sim.register("1009") is False  # no such endpoint yet
        await make_supervisor(stack)

        vera = (
            await api(stack, "POST", "/operators", {"name": "Vera", "login": "vera", "sip_endpoint": "1009"})
        )["id"]
        endpoint = sim.pbx.endpoints.get("1009")
        assert endpoint is not None and not endpoint.registered  # known as soon as the API answered
        await api(stack, "PUT", f"/campaigns/{campaign_id}/operators", {"operator_ids": [anna, vera]})
        await api(stack, "POST", f"/operators/{vera}/session/login", {"campaign_ids": [campaign_id]})
        await api(stack, "POST", f"/operators/{vera}/session/ready")
        asked_ready = stack.now()

        # Ready in the API, but her softphone is not registered: no call is put through to her, while
        # Anna keeps getting hers; the session shows both.
        async def anna_took_three() -> bool:
            return len(await connected_to(stack, anna, asked_ready)) >= 3

        await until(anna_took_three)
        assert await connected_to(stack, vera, asked_ready - SLACK) == []
        session = await api(stack, "GET", f"/operators/{vera}/session")
        # Ready as she asked, or already paused "unregistered" when the engine's registration write
        # landed after her ready: either way not registered, and no call.
        assert (session["state"], session["reason"], session["registered"]) in (
            ("ready", None, False),
            ("paused", "unregistered", False),
        )

        # Her softphone registers with the settings the API gives her: she is ready and is sent calls.
        settings = await api(stack, "GET", f"/operators/{vera}/softphone")
        assert (settings["username"], settings["port"], settings["transport"]) == ("1009", 5060, "udp")
        assert sim.register("1009", password="an old password, say") is False
        assert sim.register("1009", password=settings["password"]) is True
        registered_at = stack.now()

        async def vera_took_one() -> bool:
            return len(await connected_to(stack, vera, registered_at)) >= 1

        await until(vera_took_one)

        # Disabled: the endpoint is gone from the PBX when the API answers, and she gets no more calls.
        await api(stack, "PATCH", f"/operators/{vera}", {"active": False})
        disabled_at = stack.now()
        assert sim.pbx.endpoints.get("1009") is None
        assert sim.register("1009", password=settings["password"]) is False

        async def anna_took_two_more() -> bool:
            return len(await connected_to(stack, anna, disabled_at + SLACK)) >= 2

        await until(anna_took_two_more)
        assert await connected_to(stack, vera, disabled_at + SLACK) == []
