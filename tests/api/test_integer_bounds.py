"""Every integer id and offset the API takes is bounded by the column it meets: past the range it
answers 422 (or 404), never a 500 from the driver, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import BigInteger

from dialer.auth.models import Role
from dialer.db.bounds import INT32_MAX, INT64_MAX
from dialer.db.models import Base
from tests.api.test_auth import all_api_routes
from tests.api.test_authorisation_matrix import body_for

# The table each id names; its key column's type says which range is right.
TABLE_OF = {
    "client": "clients",
    "contract": "contracts",
    "campaign": "campaigns",
    "user": "users",
    "key": "api_keys",
    "operator": "operators",
    "scorecard": "qa_scorecards",
    "call": "calls",
    "contact": "contacts",
    "entry": "dnc_entries",
    "act": "acceptance_acts",
    "lead": "lead_deliveries",
    "score": "qa_scores",
    "item": "qa_queue",
    "report": "monthly_reports",
}


def column_max(name: str) -> int:
    table = Base.metadata.tables[TABLE_OF[name]]
    key = next(iter(table.primary_key.columns))
    return INT64_MAX if isinstance(key.type, BigInteger) else INT32_MAX


def integer_inputs(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, field name, its integer schema) for every integer parameter and body field."""
    components = openapi["components"]["schemas"]

    def walk(schema: dict[str, Any], where: str, name: str, seen: frozenset[str]) -> Iterator[Any]:
        if "$ref" in schema:
            ref = schema["$ref"].rsplit("/", 1)[-1]
            if ref not in seen:
                yield from walk(components[ref], where, name, seen | {ref})
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                yield from walk(sub, where, name, seen)
        if schema.get("type") == "integer" and "enum" not in schema and "const" not in schema:
            yield where, name, schema
        for prop, sub in schema.get("properties", {}).items():
            yield from walk(sub, f"{where}.{prop}", prop, seen)
        if "items" in schema:
            yield from walk(schema["items"], f"{where}[]", name, seen)

    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
                yield from walk(parameter["schema"], where, parameter["name"], frozenset())
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(content.get("schema", {}), f"{method.upper()} {path} body", "", frozenset())


def test_every_id_and_offset_is_bounded_by_its_column(app):
    checked, wrong = 0, []
    for where, name, schema in integer_inputs(app.openapi()):
        base = re.sub(r"_ids?$", "", name)
        if name in {"offset", "after"}:  # SQL OFFSET, and the event stream's BigInteger ids
            expected = INT64_MAX
        elif base in TABLE_OF and name != base:
            expected = column_max(base)
        else:
            continue
        checked += 1
        if float(schema.get("maximum", "nan")) != float(expected) or "minimum" not in schema:
            wrong.append(f"{where}: maximum {schema.get('maximum')}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    assert checked > 60


@pytest.mark.parametrize("value", [INT32_MAX + 1, INT64_MAX + 1, -(2**70)])
async def test_ids_past_any_column_never_answer_500(app, client, admin, value):
    statuses = set()
    for route in all_api_routes(app):
        if "{" not in route.path or "{token}" in route.path or "{month}" in route.path:
            continue
        url = re.sub(r"\{[^}]+\}", str(value), route.path)
        for method in route.methods:
            response = await client.request(
                method, url, headers=admin, json=body_for(method, route.path, Role.ADMIN)
            )
            assert response.status_code in {404, 409, 415, 422}, (
                f"{method} {route.path}: {response.status_code}"
            )
            statuses.add(response.status_code)
    assert 422 in statuses


async def test_query_ids_and_offsets_past_their_range_answer_422(app, client, admin):
    checked = 0
    for where, name, schema in integer_inputs(app.openapi()):
        method, path, place = where.split(" ", 2)
        if method != "GET" or not place.startswith("query:") or "{" in path or "maximum" not in schema:
            continue
        response = await client.get(path, params={name: schema["maximum"] + 1}, headers=admin)
        assert response.status_code == 422, f"{where}: {response.status_code}"
        assert name in detail_names(response), response.text
        checked += 1
    assert checked >= 10


async def test_body_ids_past_their_column_answer_422(client, admin):
    campaign = await client.post(
        "/campaigns", json={"contract_id": INT32_MAX + 1, "name": "x"}, headers=admin
    )
    dnc = await client.post("/dnc", json={"phone": "+74951502222", "client_id": 2**40}, headers=admin)
    user = await client.post(
        "/users",
        json={"username": "c1", "password": "long enough password", "role": "controller", "client_id": 2**40},
        headers=admin,
    )
    export = await client.post("/recordings/export", json={"call_ids": [INT64_MAX + 1]}, headers=admin)
    for response in (campaign, dnc, user, export):
        assert response.status_code == 422, response.text


def detail_names(response) -> set[str]:
    return {problem["loc"][-1] for problem in response.json()["detail"]}
