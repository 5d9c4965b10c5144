"""The API describes itself: OpenAPI with tags, security schemes and response models; docs served."""

from __future__ import annotations


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
