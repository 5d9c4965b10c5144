"""What an orchestrator and Prometheus ask an API process: liveness, readiness (its database), the
metrics (HTTP latency under route templates), and each request's id."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import SecretStr

from api.app import create_app
from dialer.db.engine import unit_of_work
from dialer.mail.models import MailMessage, MailStatus
from dialer.observability.health import Observed, Thresholds
from dialer.settings import Settings


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus' text format (None when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


async def test_live_and_ready_answer_and_health_stays_as_it_was(client):
    assert (await client.get("/health/live")).json() == {"status": "alive"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["role"] == "api" and body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert set(body["checks"]) == {"database"}  # an API process runs no engine and no outbox
    health = (await client.get("/health")).json()
    assert health["status"] == "ok" and health["database"] in {"sqlite", "postgresql"}


async def test_request_latency_is_counted_under_the_route_template(client, admin):
    for campaign_id in (101, 202, 303):
        assert (await client.get(f"/campaigns/{campaign_id}", headers=admin)).status_code == 404
    text = (await client.get("/metrics")).text
    count = sample(
        text, "dialer_http_request_duration_seconds_count", method="GET", route="/campaigns/{campaign_id}",
        status="404",
    )  # fmt: skip
    assert count is not None and count >= 3
    assert "/campaigns/101" not in text  # raw paths would grow the label set without bound


async def test_every_response_carries_a_request_id_and_a_proxys_is_kept(client):
    mine = await client.get("/health/live", headers={"X-Request-ID": "lb-7f3a.1"})
    assert mine.headers["x-request-id"] == "lb-7f3a.1"
    fresh = await client.get("/health/live", headers={"X-Request-ID": "no\nnewlines or spaces please"})
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["x-request-id"])
    assert (await client.get("/health/live")).headers["x-request-id"] != fresh.headers["x-request-id"]


async def test_metrics_ask_for_the_token_when_one_is_set(database_url, tmp_path):
    settings = Settings(database_url=database_url, data_dir=tmp_path, metrics_token=SecretStr("scrape-me"))
    app = create_app(settings, migrate=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dialer.test") as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = {"Authorization": "Bearer guess"}
            assert (await client.get("/metrics", headers=wrong)).status_code == 401
            right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
            assert right.status_code == 200
            assert right.headers["content-type"].startswith("text/plain")
            assert "dialer_http_request_duration_seconds" in right.text
            assert "scrape-me" not in right.text


async def test_an_outbox_nobody_empties_makes_the_process_not_ready(app):
    """A due e-mail older than the limit: the part is named, and the backlog and lag are shown."""
    now = datetime.now(UTC)
    async with unit_of_work(app.state.sessions) as session:
        session.add(
            MailMessage(
                key="stuck-1", kind="report", recipients=["a@example.com"], subject="s", body_text="b",
                status=MailStatus.PENDING, attempts=0, created_at=now - timedelta(hours=1),
                next_attempt_at=now - timedelta(minutes=20),
            )
        )  # fmt: skip
        session.add(
            MailMessage(
                key="later-1", kind="report", recipients=["a@example.com"], subject="s", body_text="b",
                status=MailStatus.PENDING, attempts=1, created_at=now,
                next_attempt_at=now + timedelta(hours=1),
            )
        )  # fmt: skip
    observed = Observed(
        app.state.engine, role="jobs", outboxes=("mail",), thresholds=Thresholds(outbox_lag_s=600)
    )
    readiness = await observed.ready()
    assert not readiness.ok and readiness.failing == ["outbox:mail"]
    [mail] = [c for c in readiness.checks if c.name == "outbox:mail"]
    assert mail.detail["backlog"] == 2 and 1190 <= mail.detail["lag_s"] <= 1300
    relaxed = Observed(
        app.state.engine, role="jobs", outboxes=("mail",), thresholds=Thresholds(outbox_lag_s=3600)
    )
    assert (await relaxed.ready()).ok
