"""The API describes itself: OpenAPI with tags, security schemes and response models; docs served."""

from __future__ import annotations

import re

import pytest


async def test_openapi_declares_security_tags_and_models(client):
    spec = (await client.get("/openapi.json")).json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "api_key"}
    tags = {tag for path in spec["paths"].values() for op in path.values() for tag in op.get("tags", [])}
    assert {"auth", "users", "api keys", "clients", "contracts", "campaigns", "operators", "health"} <= tags
    campaign = spec["paths"]["/campaigns/{campaign_id}"]["get"]
    assert campaign["security"] == [{"bearer": []}, {"api_key": []}]
    assert campaign["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "CampaignOut"
    )
    assert "security" not in spec["paths"]["/health"]["get"]


async def test_money_is_documented_as_a_string(client):
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["ContractOut"]["properties"]["rate"]["type"] == "string"


async def test_docs_are_served(client):
    response = await client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


@pytest.mark.parametrize(
    ("page", "script"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
async def test_docs_load_their_scripts_from_this_server_not_a_cdn(client, page, script):
    """Offline, a page whose scripts come from a CDN is blank: every script and style is ours."""
    html = (await client.get(page)).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert f"/docs/assets/{script}" in assets
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    for asset in assets:
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset


async def test_a_race_the_database_catches_answers_409_without_sql(app, client, admin, monkeypatch):
    from dialer.clients import repository

    async def never_taken(*_args, **_kwargs):
        return False  # as if another request created the same client between check and write

    await client.post("/clients", json={"name": "Romashka"}, headers=admin)
    monkeypatch.setattr(repository, "name_taken", never_taken)
    response = await client.post("/clients", json={"name": "Romashka"}, headers=admin)
    assert response.status_code == 409
    assert "reload and try again" in response.json()["detail"]
    assert "INSERT" not in response.text


async def test_uploads_are_documented_as_multipart(client):
    spec = (await client.get("/openapi.json")).json()
    body = spec["paths"]["/campaigns/{campaign_id}/contacts/import"]["post"]["requestBody"]
    assert body["content"]["multipart/form-data"]["schema"]["required"] == ["file"]
