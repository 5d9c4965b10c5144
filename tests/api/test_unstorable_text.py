"""NUL characters and lone surrogates are refused with a 422 naming the field, wherever they come
(a name, a JSON document's value or key, a query, a path, the sign-in form), on both databases."""

from __future__ import annotations

import json

import pytest

from dialer.auth.models import Role

NUL, SURROGATE = "\x00", "\ud800"


def raw_json(document: object) -> bytes:
    """JSON as an attacker writes it: lone surrogates escaped (json.dumps keeps them as \\ud800)."""
    return json.dumps(document).encode()


async def post_json(client, url, document, headers):
    return await client.post(
        url, content=raw_json(document), headers={**headers, "Content-Type": "application/json"}
    )


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
async def test_a_name_with_unstorable_text_is_refused_naming_the_field(client, admin, bad):
    response = await post_json(client, "/clients", {"name": f"Roma{bad}shka"}, admin)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "name"]
    assert problem["type"] == "string_unstorable"
    assert (await client.get("/clients", headers=admin)).json() == []


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
async def test_json_documents_are_checked_to_their_leaves_and_keys(client, admin, two_clients, bad):
    campaign = two_clients[0].campaign_id
    brief = {"brief": {"goals": {"calls": 5}, "product": f"internet{bad}"}}
    response = await patch_json(client, f"/campaigns/{campaign}", brief, admin)
    assert response.status_code == 422, response.text
    assert [p["loc"] for p in response.json()["detail"]] == [["body", "brief", "product"]]

    response = await post_json(client, "/clients", {"name": "ok", f"x{bad}": 1}, admin)
    assert response.status_code == 422, response.text
    shown = "x\\ud800" if bad == SURROGATE else f"x{bad}"  # UTF-8 cannot carry a lone surrogate
    assert [p["loc"] for p in response.json()["detail"]] == [["body", shown]]


async def patch_json(client, url, document, headers):
    return await client.patch(
        url, content=raw_json(document), headers={**headers, "Content-Type": "application/json"}
    )


async def test_query_and_path_text_is_checked(client, admin, two_clients):
    campaign = two_clients[0].campaign_id
    response = await client.get(
        f"/campaigns/{campaign}/contacts", params={"last_outcome": "busy\x00"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "last_outcome"]
    response = await client.get("/contracts/1/statement?month=2026-1%00", headers=admin)
    assert response.status_code == 422


async def test_the_sign_in_form_is_checked_before_the_database_sees_it(app, client):
    from tests.api.conftest import create_user

    await create_user(app, "maria", Role.SUPERVISOR)
    response = await client.post("/auth/token", data={"username": "maria\x00", "password": "whatever it is"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "username"]


async def test_ordinary_unicode_goes_through(client, admin):
    response = await client.post("/clients", json={"name": "Ромашка 🌼 Ltd"}, headers=admin)
    assert response.status_code == 201
    assert response.json()["name"] == "Ромашка 🌼 Ltd"
