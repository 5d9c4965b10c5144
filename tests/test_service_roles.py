"""``dialer serve --role``: each role starts only its parts, serves health and metrics, and its
readiness checks only what it runs; ``dialer pbxsim`` and ``dialer serve`` pair with no settings."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from dialer.cli import build_parser
from dialer.commands.pbxsim import build
from dialer.service import Service
from dialer.settings import ASTERISK_SPOOL, AmiServerSettings, Settings
from pbxsim import PbxSim, Scenario


def settings_of(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url, "data_dir": tmp_path / "data", "agi_port": 0, "jobs_enabled": False,
        "engine_id": "roles", "secret_key": SecretStr("a test secret of some length"), **overrides,
    }  # fmt: skip
    return Settings(**values)


@asynccontextmanager
async def serving(settings: Settings, role: str) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    service = Service(settings, port=0, log_level="warning", role=role)  # type: ignore[arg-type]
    await service.start()
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
            yield service, http
    finally:
        await service.stop(grace_s=0)


async def readiness(http: httpx.AsyncClient) -> dict[str, Any]:
    answer = await http.get("/health/ready")
    body: dict[str, Any] = answer.json()
    body["http_status"] = answer.status_code
    return body


async def test_the_api_role_serves_the_api_and_checks_its_database_only(database_url, tmp_path):
    async with serving(settings_of(database_url, tmp_path), "api") as (service, http):
        assert service.runtime is None and service.hotleads is None and service.volumes is None
        ready = await readiness(http)
        assert ready["http_status"] == 200 and ready["role"] == "api" and set(ready["checks"]) == {"database"}
        assert (await http.get("/campaigns")).status_code == 401  # the API is here, behind its credential
        assert (await http.get("/docs")).status_code == 200
        assert (await http.get("/metrics")).status_code == 200


async def test_what_the_start_built_is_kept_out_of_full_collections_until_the_service_stops(
    database_url, tmp_path
):
    async with serving(settings_of(database_url, tmp_path), "api") as (_service, http):
        assert gc.get_freeze_count() > 0  # the collector's full passes skip the app, routes, mappings
        assert (await http.get("/campaigns")).status_code == 401
    assert gc.get_freeze_count() == 0  # a process that goes on collects what the service left


async def test_the_jobs_role_runs_the_dispatchers_and_serves_no_api(database_url, tmp_path):
    async with serving(settings_of(database_url, tmp_path), "jobs") as (service, http):
        assert service.runtime is None and service.hotleads is not None and service.volumes is not None
        ready = await readiness(http)
        assert ready["http_status"] == 200 and ready["role"] == "jobs"
        assert set(ready["checks"]) == {"database", "outbox:hot_leads"}
        for path in ("/campaigns", "/docs", "/openapi.json"):
            assert (await http.get(path)).status_code == 404, path
        assert (await http.get("/health/live")).status_code == 200
        assert "dialer_outbox_backlog" in (await http.get("/metrics")).text


async def test_the_engine_role_drives_asterisk_and_serves_no_api(database_url, tmp_path):
    sim = PbxSim(Scenario(), ami_port=0, recordings_dir=tmp_path / "spool")
    await sim.start()
    try:
        servers = [AmiServerSettings(port=sim.ami_port, secret=SecretStr("autodialer"))]
        async with serving(settings_of(database_url, tmp_path, ami_servers=servers), "engine") as (
            service,
            http,
        ):
            assert service.runtime is not None and service.hotleads is None and service.jobs is None
            await service.runtime.pbx.wait_ready(within=60)
            ready = await readiness(http)
            assert ready["http_status"] == 200, ready
            assert set(ready["checks"]) == {"database", "ami:asterisk", "fastagi", "engine", "writer"}
            assert (await http.get("/campaigns")).status_code == 404
    finally:
        await sim.stop()


async def test_an_engine_whose_asterisk_refuses_it_is_not_ready_and_says_why(database_url, tmp_path):
    sim = PbxSim(Scenario(), ami_port=0, recordings_dir=tmp_path / "spool", auth_fail_delay=0.01)
    await sim.start()
    try:
        servers = [AmiServerSettings(port=sim.ami_port, secret=SecretStr("wrong"))]
        async with serving(settings_of(database_url, tmp_path, ami_servers=servers), "engine") as (_, http):
            ready = await readiness(http)
            assert ready["http_status"] == 503 and ready["failing"] == ["ami:asterisk"]
            assert ready["checks"]["ami:asterisk"]["detail"]["state"] != "ready"
    finally:
        await sim.stop()


def test_serve_takes_a_role_and_refuses_an_unknown_one():
    parser = build_parser(load=("serve",))
    assert parser.parse_args(["serve"]).role == "all"
    assert parser.parse_args(["serve", "--role", "engine"]).role == "engine"
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--role", "everything"])
    with pytest.raises(ValueError, match="unknown role"):
        Service(Settings(), role="web")  # type: ignore[arg-type]


async def test_pbxsim_and_serve_pair_with_no_settings(database_url, tmp_path, monkeypatch):
    """The simulator takes the service's own AMI user, secret and spool; the service logs in and
    files from where the simulator writes. (Only the ports differ here: tests run side by side.)"""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in __import__("os").environ if n.startswith("DIALER_")]:
        monkeypatch.delenv(name)
    defaults = Settings()
    spool = ASTERISK_SPOOL / "dialer" if ASTERISK_SPOOL.is_dir() else Path("data/asterisk-spool")
    assert defaults.effective_recordings_spool_dir == spool
    args = build_parser(load=("pbxsim",)).parse_args(["pbxsim"])
    as_is = build(args, defaults)
    assert as_is.server.users == {"autodialer": defaults.ami_servers[0].secret.get_secret_value()}
    assert as_is.pbx.config.recordings_dir == spool.resolve()
    assert as_is.pbx.config.agi_url.endswith(f":{defaults.agi_port}")

    sim = build(build_parser(load=("pbxsim",)).parse_args(["pbxsim", "--ami-port", "0"]), defaults)
    await sim.start()
    try:
        settings = Settings(
            database_url=database_url, ami_servers=[AmiServerSettings(port=sim.ami_port)], agi_port=0
        )
        async with serving(settings, "engine") as (service, _):
            assert service.runtime is not None and service.runtime.filer is not None
            await service.runtime.pbx.wait_ready(within=60)
            assert service.runtime.filer.settings.spool_dir.resolve() == sim.pbx.config.recordings_dir
    finally:
        await sim.stop()
