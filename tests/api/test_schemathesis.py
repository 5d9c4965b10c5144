"""Schemathesis over the product's own OpenAPI document, in-process (ASGI, no network), signed in
as an administrator and as a client's controller: for every operation a few generated requests
(valid and not), none of which may answer 5xx, use a status the operation does not declare, or send
a body outside its declared schema.

The budget is bounded and the seed fixed (``derandomize``): the same requests each run, a few
seconds of work per role, so a failure here is a real finding, reproducible with its printed case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dialer.auth.models import Role

EXAMPLES = 3
"""Generated requests per operation and role."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIPPED = {
    ("POST", "/auth/logout"): "revokes the token the run signs in with",
    ("GET", "/events"): "a live stream that does not end",
}


def _file(value: Any) -> Any:
    """A generated multipart part as httpx sends it: content that is not text or bytes (negative
    cases generate numbers, nulls) as its text."""
    if isinstance(value, tuple):
        filename, content, *rest = value
        return (filename, _file(content), *rest)
    return value if isinstance(value, bytes | str) else str(value)


def _httpx_kwargs(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    """The request ``case`` describes, as ``httpx.AsyncClient.request`` takes it."""
    sent = case.as_transport_kwargs(base_url="http://dialer.test", headers=headers)
    kwargs: dict[str, Any] = {
        "method": sent["method"],
        "url": sent["url"],
        "headers": sent.get("headers"),
        "params": sent.get("params"),
    }
    if "json" in sent:
        kwargs["json"] = sent["json"]
    if "files" in sent:
        kwargs["files"] = [(name, _file(value)) for name, value in sent["files"]]
        kwargs["data"] = sent.get("data")
    elif isinstance(sent.get("data"), bytes | str):
        kwargs["content"] = sent["data"]
    elif sent.get("data") is not None:
        kwargs["data"] = sent["data"]
    return kwargs


def _run(schema: Any, call: Callable[[dict[str, Any]], httpx.Response], headers: dict[str, str]) -> list[str]:
    """Every operation's generated cases sent and checked; the failures, one line each."""
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = call(_httpx_kwargs(case, headers))
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:  # collected: one report of every finding
                summary = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                name = f"{case.operation.method.upper()} {case.operation.path}"
                failures.append(f"{name} -> {response.status_code}: {summary}")

        check()
    return failures


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.CONTROLLER])
async def test_no_generated_request_answers_5xx_or_outside_the_schema(app, client, login, role):
    headers = await login(Role.ADMIN, username="root")
    if role is Role.CONTROLLER:
        made = await client.post("/clients", json={"name": "Romashka"}, headers=headers)
        headers = await login(role, client_id=made.json()["id"])
    spec = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    loop = asyncio.get_running_loop()

    async def send(kwargs: dict[str, Any]) -> httpx.Response:
        request = client.build_request(**kwargs)
        await request.aread()  # a multipart body is a stream: read, the checks can look at it
        return await client.send(request)

    def call(kwargs: dict[str, Any]) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(send(kwargs), loop).result(timeout=60)

    failures = await asyncio.to_thread(_run, schema, call, headers)
    assert not failures, f"{len(failures)} findings:\n" + "\n".join(sorted(set(failures)))
