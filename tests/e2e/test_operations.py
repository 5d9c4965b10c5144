"""The whole service seen as its operators see it: readiness names each part (and the AMI connection
when Asterisk goes away), /metrics counts what the calls did, and log lines carry the call's ids."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import httpx
from sqlalchemy import func, select

from dialer.calls.models import Call
from dialer.observability import logs
from dialer.observability.metrics import REGISTRY
from tests.api.test_health_and_metrics import sample
from tests.e2e.harness import PATIENCE, busy_moment, running_stack, until
from tests.e2e.scripts import contact_base


def calls_counted(campaign_id: int, stage: str) -> float:
    return (
        REGISTRY.get_sample_value("dialer_calls_total", {"campaign": str(campaign_id), "stage": stage}) or 0.0
    )


async def test_readiness_metrics_and_logs_follow_a_running_campaign(database_url, sessions, tmp_path) -> None:
    phones, _, scenario = contact_base(60)
    before: dict[str, float] = {}

    async def baseline(_session, campaign_id: int) -> None:  # before the service places any call
        before.update(
            {stage: calls_counted(campaign_id, stage) for stage in ("placed", "answered", "connected")}
        )

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    engine_log = logging.getLogger("dialer.engine")
    engine_log.addHandler(handler)
    engine_log.setLevel(logging.DEBUG)
    try:
        async with running_stack(
            database_url, sessions, tmp_path, scenario, {"UTC": phones}, prepare=baseline
        ) as stack:
            campaign = stack.demo.campaign_id
            await busy_moment(stack, talking=True)
            async with httpx.AsyncClient(base_url=stack.service.url, timeout=30) as http:
                ready = await http.get("/health/ready")
                assert ready.status_code == 200, ready.text
                checks = ready.json()["checks"]
                assert set(checks) == {
                    "database",
                    "ami:asterisk",
                    "fastagi",
                    "engine",
                    "writer",
                    "outbox:hot_leads",
                }
                assert checks["ami:asterisk"]["detail"]["state"] == "ready"
                assert checks["engine"]["detail"]["last_tick_age_s"] < 30

                scrape = (await http.get("/metrics")).text
                assert sample(scrape, "dialer_ami_connected", server="asterisk") == 1
                assert sample(scrape, "dialer_abandon_cap", campaign=str(campaign)) == 0.03
                assert sample(scrape, "dialer_dial_level", campaign=str(campaign)) is not None
                assert (sample(scrape, "dialer_agi_sessions_total", route="amd") or 0) >= 1
                assert sample(scrape, "dialer_writer_queue_depth") is not None
                assert sample(scrape, "dialer_outbox_backlog", outbox="hot_leads") == 0

                # a call ends in the engine's sight first (after the restart, Asterisk's record settles them)
                await until(lambda: '"message": "call ended' in stream.getvalue(), within=PATIENCE)
                reconnects = sample(scrape, "dialer_ami_reconnects_total", server="asterisk") or 0.0
                restart = asyncio.create_task(stack.sim.restart(downtime=60, graceful=False))

                async def not_ready_for_ami() -> bool:
                    answer = await http.get("/health/ready")
                    return answer.status_code == 503 and "ami:asterisk" in answer.json()["failing"]

                await until(not_ready_for_ami, within=PATIENCE)
                await restart
                await until(lambda: _ready(http), within=PATIENCE)
                scrape = (await http.get("/metrics")).text
                assert sample(scrape, "dialer_ami_reconnects_total", server="asterisk") == reconnects + 1
    finally:
        engine_log.removeHandler(handler)
        engine_log.setLevel(logging.NOTSET)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    placements = [line for line in lines if line["message"].startswith("call placed")]
    refused = [line for line in lines if "originate refused" in line["message"]]  # while Asterisk was away
    async with sessions() as session:
        stored = await session.scalar(select(func.count(Call.id)).where(Call.campaign_id == campaign))
    placed = calls_counted(campaign, "placed") - before["placed"]
    assert placed == len(placements) == stored - len(refused) > 0
    connected = calls_counted(campaign, "connected") - before["connected"]
    assert 1 <= connected <= calls_counted(campaign, "answered") - before["answered"] <= placed
    assert all(line.get("call_id") and line["campaign_id"] == campaign for line in refused)
    assert all(line["campaign_id"] == campaign and len(line["call_id"]) == 32 for line in placements)
    ends = [line for line in lines if line["message"].startswith("call ended")]
    assert ends and all(line["campaign_id"] == campaign and line.get("call_id") for line in ends)


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/health/ready")).status_code == 200
