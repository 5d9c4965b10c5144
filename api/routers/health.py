"""Liveness, readiness and metrics: the routes a load balancer, an orchestrator and Prometheus call,
without a person's credential.

- ``GET /health/live``: the process answers (nothing else is checked).
- ``GET /health/ready``: each part this process runs (its role's) is checked: the database, each
  AMI connection, the FastAGI listener, the engine's last tick, the ordered writer's queue, the
  outboxes' lag; 200 when all are well, else 503 naming the failing parts.
- ``GET /health``: as before: the database answers (``{"status": "ok", "database": ...}``).
- ``GET /metrics``: Prometheus' text format; open unless ``DIALER_METRICS_TOKEN`` is set, then it
  needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from dialer.observability import metrics
from dialer.observability.health import Observed
from dialer.settings import Settings

router = APIRouter(tags=["health"])


class CheckOut(BaseModel):
    ok: bool
    detail: dict[str, Any]


class ReadinessOut(BaseModel):
    status: str  # "ready" or "not_ready"
    role: str
    failing: list[str]
    checks: dict[str, CheckOut]


@router.get("/health")
async def health(request: Request) -> dict[str, str]:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return {"status": "ok", "database": request.app.state.engine.dialect.name}


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "alive"}


@router.get(
    "/health/ready",
    response_model=ReadinessOut,
    responses={503: {"model": ReadinessOut, "description": "Not ready: ``failing`` names the parts"}},
)
async def ready(request: Request) -> JSONResponse:
    observed: Observed = request.app.state.observed
    readiness = await observed.ready()
    body = ReadinessOut(
        status="ready" if readiness.ok else "not_ready",
        role=readiness.role,
        failing=readiness.failing,
        checks={c.name: CheckOut(ok=c.ok, detail=c.detail) for c in readiness.checks},
    )
    return JSONResponse(body.model_dump(), status_code=200 if readiness.ok else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def scrape(request: Request, authorization: str | None = Header(None)) -> Response:
    settings: Settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value()
    if token and not hmac.compare_digest(authorization or "", f"Bearer {token}"):
        raise HTTPException(401, "metrics need the bearer token of DIALER_METRICS_TOKEN")
    observed: Observed = request.app.state.observed
    await observed.sample()
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
