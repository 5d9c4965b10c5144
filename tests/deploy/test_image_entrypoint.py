"""The image's entry point, run outside Docker as the image runs it: the Dockerfile's ENTRYPOINT +
CMD with its ENV (a SQLite database in DIALER_DATA_DIR, JSON logs), paired with a PBX simulator for
the AMI server; the process becomes ready, the Dockerfile's HEALTHCHECK command says so, and SIGTERM
(``docker stop``) ends it cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from pbxsim import PbxSim, Scenario
from tests.deploy.files import ROOT, healthcheck_command, image_command, image_env

PATIENCE = 180.0  # a loaded machine starts a Python process and migrates a fresh database slowly


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def resolve(argv: list[str]) -> list[str]:
    """``dialer`` and ``python`` as this virtualenv has them (the image has them on its PATH)."""
    programs = {"dialer": str(Path(sys.executable).with_name("dialer")), "python": sys.executable}
    return [programs.get(argv[0], argv[0]), *argv[1:]]


async def readiness(url: str) -> dict[str, object] | None:
    """The readiness answer once it is 200, else None."""
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.get(url)
    except httpx.HTTPError:
        return None
    return answer.json() if answer.status_code == 200 else None  # type: ignore[no-any-return]


async def test_the_image_command_serves_every_role_on_sqlite_and_reports_ready(tmp_path):
    sim = PbxSim(Scenario(), ami_port=0, recordings_dir=tmp_path / "spool")
    await sim.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALER_")}
    env.update(image_env())
    port = free_port()
    env.update(
        DIALER_DATA_DIR=str(tmp_path / "data"),  # the image's /data volume
        DIALER_API_PORT=str(port),
        DIALER_AGI_PORT=str(free_port()),
        DIALER_RECORDINGS_SPOOL_DIR=str(tmp_path / "spool"),
        DIALER_AMI_SERVERS=json.dumps(
            [{"name": "asterisk", "host": "127.0.0.1", "port": sim.ami_port, "secret": "autodialer"}]
        ),
    )
    assert "DIALER_DATABASE_URL" not in env  # the image's own default: SQLite under its data folder
    log = tmp_path / "service.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *resolve(image_command()), cwd=tmp_path, env=env, stdout=out, stderr=out
        )
    try:
        url = f"http://127.0.0.1:{port}/health/ready"
        async with asyncio.timeout(PATIENCE):
            while (body := await readiness(url)) is None:
                assert process.returncode is None, log.read_text(errors="replace")[-3000:]
                await asyncio.sleep(0.2)
        assert body["role"] == "all" and body["failing"] == []
        assert {"database", "ami:asterisk", "fastagi", "engine"} <= set(body["checks"])  # type: ignore[arg-type]
        assert (tmp_path / "data" / "dialer.db").is_file()
        check = await asyncio.create_subprocess_exec(*resolve(healthcheck_command()), env=env)
        assert await asyncio.wait_for(check.wait(), PATIENCE) == 0
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), PATIENCE)
        await sim.stop()
    assert process.returncode == 0, log.read_text(errors="replace")[-3000:]
    first = log.read_text(errors="replace").splitlines()[0]
    assert json.loads(first)["level"]  # DIALER_LOG_FORMAT=json from the image
    assert str(ROOT) not in env.get("PYTHONPATH", "")
