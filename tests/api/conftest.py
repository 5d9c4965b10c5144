"""The API over a fresh database per test: an app with its lifespan running, a client, and people
of every role signed in through the real token route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api.app import create_app
from dialer.accounts import service
from dialer.auth.models import Role
from dialer.auth.schemas import UserCreate
from dialer.db.engine import unit_of_work
from dialer.settings import Settings

PASSWORD = "correct horse battery"
Headers = dict[str, str]


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("a test secret of some length"),
        public_url="http://dialer.test",  # the secret makes it production: links need their address
    )
    app = create_app(settings, migrate=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dialer.test") as client:
        yield client


async def create_user(app: FastAPI, username: str, role: Role, client_id: int | None = None) -> int:
    data = UserCreate(username=username, password=SecretStr(PASSWORD), role=role, client_id=client_id)
    async with unit_of_work(app.state.sessions) as session:
        user = await service.create_user(session, None, data)
        return user.id


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> Headers:
    response = await client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


Login = Callable[..., Awaitable[Headers]]


@pytest.fixture
def login(app: FastAPI, client: httpx.AsyncClient) -> Login:
    """``await login(Role.QA)`` makes a user of that role and answers its Authorization header."""
    counter = iter(range(1_000_000))

    async def _login(role: Role, client_id: int | None = None, username: str | None = None) -> Headers:
        name = username or f"{role.value}{next(counter)}"
        await create_user(app, name, role, client_id)
        return await sign_in(client, name)

    return _login


@pytest.fixture
async def admin(login: Login) -> Headers:
    return await login(Role.ADMIN, username="root")


@dataclass
class ClientWorld:
    client_id: int
    contract_id: int
    campaign_id: int


async def make_client_world(client: httpx.AsyncClient, headers: Headers, name: str) -> ClientWorld:
    """A client with one contract and one draft campaign, made through the API."""
    response = await client.post("/clients", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    client_id = response.json()["id"]
    response = await client.post(
        f"/clients/{client_id}/contracts",
        json={
            "number": f"{name}-1",
            "pricing_model": "per_talk_minute",
            "rate": "12.5",
            "period_start": "2026-11-01",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    contract_id = response.json()["id"]
    response = await client.post(
        "/campaigns", json={"contract_id": contract_id, "name": f"{name} autumn"}, headers=headers
    )
    assert response.status_code == 201, response.text
    return ClientWorld(client_id, contract_id, response.json()["id"])


@pytest.fixture
async def two_clients(client: httpx.AsyncClient, admin: Headers) -> tuple[ClientWorld, ClientWorld]:
    return (
        await make_client_world(client, admin, "Romashka"),
        await make_client_world(client, admin, "Vasilek"),
    )


def detail(response: httpx.Response) -> Any:
    return response.json()["detail"]
