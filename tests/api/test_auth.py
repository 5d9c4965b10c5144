"""Every route needs a credential; tokens and keys prove who calls; secrets are stored hashed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from api.routers import ROUTERS
from dialer.auth.models import ApiKey, Role, User
from dialer.auth.tokens import TokenSigner
from tests.api.conftest import PASSWORD, create_user, sign_in

# /metrics is open unless DIALER_METRICS_TOKEN is set; the shared link is signed and expiring
PUBLIC = {"/health", "/health/live", "/health/ready", "/metrics", "/auth/token", "/recordings/shared/{token}"}


def all_api_routes(app):
    """Every route of every router the app includes, checked against the OpenAPI document so that
    no route can hide outside ``ROUTERS``."""
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    assert {route.path for route in routes} == set(app.openapi()["paths"])
    return routes


async def test_every_route_but_health_and_sign_in_answers_401_without_credentials(app, client):
    checked = 0
    for route in all_api_routes(app):
        if route.path in PUBLIC:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in route.methods:
            response = await client.request(method, path)
            assert response.status_code == 401, f"{method} {route.path} answered {response.status_code}"
            assert response.headers["www-authenticate"] == "Bearer"
            assert "authentication required" in response.json()["detail"]
            checked += 1
    assert checked > 20


async def test_health_needs_no_credentials(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_a_garbage_or_forged_credential_is_refused(client, admin):
    forged = admin["Authorization"][:-4] + "AAAA"
    for headers in ({"Authorization": "Bearer nonsense"}, {"Authorization": forged}, {"X-API-Key": "dk_x_y"}):
        response = await client.get("/auth/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"] == "the token or API key is invalid, expired or revoked"


async def test_sign_in_gives_a_token_that_says_who_calls(client, admin):
    response = await client.get("/auth/me", headers=admin)
    assert response.status_code == 200
    assert response.json() == {
        "actor": "user:1",
        "name": "root",
        "role": "admin",
        "client_id": None,
        "user_id": 1,
        "key_id": None,
    }


async def test_wrong_password_and_unknown_user_answer_the_same_401(app, client):
    await create_user(app, "maria", Role.SUPERVISOR)
    wrong = await client.post("/auth/token", data={"username": "maria", "password": "not her password"})
    unknown = await client.post("/auth/token", data={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_passwords_are_stored_as_argon2id_hashes(app):
    await create_user(app, "maria", Role.SUPERVISOR)
    async with app.state.sessions() as session:
        stored = await session.scalar(select(User.password_hash).where(User.username == "maria"))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_a_short_password_is_refused(client, admin):
    response = await client.post(
        "/users", json={"username": "ivan", "password": "short", "role": "qa"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "password: must be at least 10 characters long"


async def test_deactivating_a_user_or_changing_the_password_ends_their_tokens(app, client, admin):
    user_id = await create_user(app, "maria", Role.SUPERVISOR)
    maria = await sign_in(client, "maria")
    assert (await client.get("/auth/me", headers=maria)).status_code == 200

    response = await client.patch(
        f"/users/{user_id}", json={"password": "a brand new password"}, headers=admin
    )
    assert response.status_code == 200
    assert (await client.get("/auth/me", headers=maria)).status_code == 401
    maria = await sign_in(client, "maria", "a brand new password")

    await client.patch(f"/users/{user_id}", json={"is_active": False}, headers=admin)
    assert (await client.get("/auth/me", headers=maria)).status_code == 401
    response = await client.post(
        "/auth/token", data={"username": "maria", "password": "a brand new password"}
    )
    assert response.status_code == 401


def test_a_token_expires_and_a_token_from_another_key_is_refused():
    signer = TokenSigner(b"k" * 32, ttl=timedelta(minutes=5))
    token, expires_at = signer.issue(7, "$argon2id$hash")
    assert signer.verify(token).user_id == 7
    assert signer.verify(token, now=expires_at + timedelta(seconds=1)) is None
    assert TokenSigner(b"j" * 32).verify(token) is None
    assert expires_at > datetime.now(UTC)


async def test_an_api_key_is_shown_once_stored_hashed_and_works_in_either_header(app, client, admin):
    response = await client.post("/api-keys", json={"name": "crm-sync", "role": "supervisor"}, headers=admin)
    assert response.status_code == 201
    created = response.json()
    key = created["key"]
    assert re.fullmatch(r"dk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", key)
    assert created["prefix"] == key.split("_")[1]

    listed = (await client.get("/api-keys", headers=admin)).json()
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    async with app.state.sessions() as session:
        stored = await session.scalar(select(ApiKey.key_hash))
    assert key not in stored and len(stored) == 64

    for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        me = await client.get("/auth/me", headers=headers)
        assert me.status_code == 200
        assert me.json()["actor"] == f"key:{created['id']}"
        assert me.json()["role"] == "supervisor"
    assert (await client.get("/clients", headers={"X-API-Key": key})).status_code == 200
    assert (await client.get("/api-keys", headers=admin)).json()[0]["last_used_at"] is not None


async def test_a_revoked_key_stops_working_at_once(client, admin):
    created = (await client.post("/api-keys", json={"name": "old", "role": "qa"}, headers=admin)).json()
    response = await client.delete(f"/api-keys/{created['id']}", headers=admin)
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert (await client.get("/auth/me", headers={"X-API-Key": created["key"]})).status_code == 401


async def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(client, admin):
    created = (await client.post("/api-keys", json={"name": "k", "role": "qa"}, headers=admin)).json()
    tampered = created["key"][:-1] + ("A" if created["key"][-1] != "A" else "B")
    assert (await client.get("/auth/me", headers={"X-API-Key": tampered})).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "c", "role": "controller"}, "client_id: a controller must belong to a client"),
        ({"name": "c", "role": "qa", "client_id": 1}, "client_id: only a controller belongs to a client"),
    ],
)
async def test_a_key_role_and_client_must_agree(client, admin, body, message):
    response = await client.post("/api-keys", json=body, headers=admin)
    assert response.status_code == 422
    assert message in str(response.json()["detail"])


async def test_a_controller_key_for_a_missing_client_is_refused(client, admin):
    response = await client.post(
        "/api-keys", json={"name": "c", "role": "controller", "client_id": 99}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "client_id: client 99 does not exist"


async def test_an_admin_may_not_lock_themselves_out(client, admin):
    assert (await client.patch("/users/1", json={"role": "qa"}, headers=admin)).status_code == 409
    assert (await client.delete("/users/1", headers=admin)).status_code == 409


async def test_users_are_listed_without_password_hashes(client, admin):
    response = await client.get("/users", headers=admin)
    assert response.status_code == 200
    assert response.json()[0]["username"] == "root"
    assert "password_hash" not in response.json()[0]


async def test_a_taken_username_is_a_conflict(client, admin):
    body = {"username": "root", "password": "long enough password", "role": "qa"}
    response = await client.post("/users", json=body, headers=admin)
    assert response.status_code == 409
    assert response.json()["detail"] == "username 'root' is already taken"
