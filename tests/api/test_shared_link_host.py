"""Shared recording links take their address from DIALER_PUBLIC_URL, never from the request's Host
header; a production service (DIALER_SECRET_KEY set) without it makes no links at all."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role
from tests.api.recordings_world import seed


@pytest.fixture
async def recorded(app, two_clients, tmp_path):
    return await seed(app, two_clients, tmp_path / "wav")


async def make_link(client, headers, call_id, **extra):
    return await client.post(f"/recordings/{call_id}/link", headers={**headers, **extra})


async def test_a_forged_host_header_does_not_reach_the_link(client, login, recorded):
    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    made = await make_link(client, controller, recorded.ids["a2"], Host="evil.example")
    assert made.status_code == 201, made.text
    assert made.json()["url"].startswith("http://dialer.test/recordings/shared/")


async def test_a_production_service_without_a_public_url_makes_no_links(app, client, login, recorded):
    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    app.state.settings = app.state.settings.model_copy(update={"public_url": ""})
    assert app.state.settings.production
    refused = await make_link(client, controller, recorded.ids["a2"])
    assert refused.status_code == 503
    assert refused.json() == {
        "detail": "shared links need DIALER_PUBLIC_URL, the address people reach this service at"
    }


async def test_a_development_service_links_to_the_address_it_was_reached_at(app, client, login, recorded):
    from pydantic import SecretStr

    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    app.state.settings = app.state.settings.model_copy(
        update={"public_url": "", "secret_key": SecretStr("change-me")}
    )
    made = await make_link(client, controller, recorded.ids["a2"])
    assert made.status_code == 201, made.text
    assert made.json()["url"].startswith("http://dialer.test/recordings/shared/")


async def test_the_public_url_is_used_as_configured(app, client, login, recorded):
    home, _ = recorded.worlds
    controller = await login(Role.CONTROLLER, client_id=home.client_id)
    app.state.settings = app.state.settings.model_copy(
        update={"public_url": "https://calls.example.com/dialer/"}
    )
    made = await make_link(client, controller, recorded.ids["a2"])
    assert made.json()["url"].startswith("https://calls.example.com/dialer/recordings/shared/")
