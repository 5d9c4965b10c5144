"""One error shape, declared: every operation declares its error answers as ``ErrorOut``, and real
errors of every kind (domain 4xx strings, validation lists, the body cap, the sign-in limit) are
valid against what the OpenAPI document declares for their route and status."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest

from dialer.auth.models import Role

from .conftest import PASSWORD

SIGNED_IN_ERRORS = {"400", "401", "403", "404", "409", "413", "422"}
TERMS = {
    "number": "2026/11-01",
    "pricing_model": "per_processed_contact",
    "currency": "RUB",
    "rate": "1.005",
    "period_start": "2026-11-01",
    "period_end": "2027-01-31",
}


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/openapi.json")).json()  # type: ignore[no-any-return]


def _operation(spec: dict[str, Any], method: str, url: str) -> dict[str, Any]:
    """The operation whose path template matches ``url``."""
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, url.split("?")[0]) and method.lower() in operations:
            return operations[method.lower()]  # type: ignore[no-any-return]
    raise AssertionError(f"{method} {url} is not in the OpenAPI document")


def _check_declared(spec: dict[str, Any], method: str, url: str, response: httpx.Response) -> None:
    declared = _operation(spec, method, url)["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method} {url} answered {status}, which it does not declare"
    schema = declared[status]["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**schema, "components": spec["components"]})


async def test_every_operation_declares_its_errors_as_one_model(spec):
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    assert len(operations) > 100
    for path, method, op in operations:
        responses = op["responses"]
        if op.get("security"):
            assert set(responses) >= SIGNED_IN_ERRORS, f"{method} {path}: {sorted(responses)}"
        assert "422" in responses, f"{method} {path}"
        for status, response in responses.items():
            if status[0] in "45" and status != "416":
                content = response["content"]
                assert list(content) == ["application/json"], f"{method} {path} {status}"
                assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


async def test_real_errors_match_their_declared_schema(app, client, spec, admin, login):
    client_id = (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).json()["id"]
    contract = await client.post(f"/clients/{client_id}/contracts", json=TERMS, headers=admin)
    contract_id = contract.json()["id"]
    qa = await login(Role.QA)
    samples: list[tuple[str, str, dict[str, Any], int]] = [
        ("GET", "/campaigns", {}, 401),  # no credential
        ("POST", "/clients", {"json": {"name": "X"}, "headers": qa}, 403),  # role
        ("GET", "/campaigns/987654", {"headers": admin}, 404),
        ("GET", f"/clients/{2**70}", {"headers": admin}, 422),  # an id over the column's range
        ("POST", "/clients", {"json": {"name": "Romashka"}, "headers": admin}, 409),
        ("POST", "/clients", {"json": {"name": 5}, "headers": admin}, 422),  # validation: a list
        ("POST", "/clients", {"json": {"name": "a\x00b"}, "headers": admin}, 422),  # text guard
        ("PATCH", f"/contracts/{contract_id}", {"json": {"currency": "XAU"}, "headers": admin}, 422),
        ("GET", "/campaigns/1/reports/daily?day=9999-12-31", {"headers": admin}, 422),
        (
            "POST",
            "/clients",
            {"content": b"{" * (2 * 1024 * 1024), "headers": admin | {"Content-Type": "application/json"}},
            413,
        ),
    ]
    kinds: set[type] = set()
    for method, url, options, expected in samples:
        response = await client.request(method, url, **options)
        assert response.status_code == expected, (method, url, response.text)
        _check_declared(spec, method, url, response)
        kinds.add(type(response.json()["detail"]))
    assert kinds == {str, list}  # both forms of ``detail`` were met and validated

    guesses = [
        await client.post("/auth/token", data={"username": "root", "password": f"wrong {n}"})
        for n in range(30)
    ]
    refused = [r for r in guesses if r.status_code == 429]
    assert refused, [r.status_code for r in guesses]
    _check_declared(spec, "POST", "/auth/token", refused[0])
    _check_declared(spec, "POST", "/auth/token", guesses[0])  # the wrong password's 401
    assert PASSWORD  # the right one was never tried
