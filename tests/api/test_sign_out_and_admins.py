"""A token can be signed out; a deactivated user's tokens stay dead when it comes back; the last
active administrator cannot be removed, not even by an admin API key."""

from __future__ import annotations

from dialer.auth.models import Role
from tests.api.conftest import create_user, detail, sign_in


async def test_logout_ends_the_token_it_is_sent_with_and_no_other(app, client):
    await create_user(app, "maria", Role.SUPERVISOR)
    first, second = await sign_in(client, "maria"), await sign_in(client, "maria")
    assert (await client.post("/auth/logout", headers=first)).status_code == 204
    assert (await client.get("/auth/me", headers=first)).status_code == 401
    assert (await client.post("/auth/logout", headers=first)).status_code == 401
    assert (await client.get("/auth/me", headers=second)).status_code == 200


async def test_an_api_key_is_not_signed_out_but_revoked(client, admin):
    key = (await client.post("/api-keys", json={"name": "k", "role": "qa"}, headers=admin)).json()["key"]
    response = await client.post("/auth/logout", headers={"X-API-Key": key})
    assert response.status_code == 422
    assert "/api-keys" in detail(response)
    assert (await client.get("/auth/me", headers={"X-API-Key": key})).status_code == 200


async def test_a_token_does_not_revive_when_its_user_is_reactivated(app, client, admin):
    maria = await create_user(app, "maria", Role.SUPERVISOR)
    old = await sign_in(client, "maria")
    response = await client.patch(f"/users/{maria}", json={"is_active": False}, headers=admin)
    assert response.status_code == 200
    assert (await client.get("/auth/me", headers=old)).status_code == 401
    response = await client.patch(f"/users/{maria}", json={"is_active": True}, headers=admin)
    assert response.status_code == 200
    assert (await client.get("/auth/me", headers=old)).status_code == 401
    fresh = await sign_in(client, "maria")
    assert (await client.get("/auth/me", headers=fresh)).status_code == 200


async def test_the_last_active_administrator_cannot_be_deleted_demoted_or_deactivated(app, client, admin):
    created = await client.post("/api-keys", json={"name": "ops", "role": "admin"}, headers=admin)
    key = {"X-API-Key": created.json()["key"]}
    for method, body in (("DELETE", None), ("PATCH", {"is_active": False}), ("PATCH", {"role": "qa"})):
        response = await client.request(method, "/users/1", json=body, headers=key)
        assert response.status_code == 409, response.text
        assert detail(response) == (
            f"user 1 is the last active administrator; you may not "
            f"{'delete' if method == 'DELETE' else 'demote or deactivate'} it"
        )
    second = await create_user(app, "deputy", Role.ADMIN)
    assert (await client.patch(f"/users/{second}", json={"is_active": False}, headers=key)).status_code == 200
    assert (await client.delete("/users/1", headers=key)).status_code == 409  # the deputy is inactive
    assert (await client.patch(f"/users/{second}", json={"is_active": True}, headers=key)).status_code == 200
    assert (await client.delete("/users/1", headers=key)).status_code == 204
    assert (await client.get("/auth/me", headers=admin)).status_code == 401
