"""Real processes for the scale tests: ``dialer pbxsim`` and ``dialer serve --role engine`` started
as an operator would start them, each logging to a file (a pipe nobody reads would block it)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

PATIENCE = 180.0  # a loaded machine starts a Python process slowly
DIALER = [sys.executable, "-m", "dialer.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALER_")}
    env.update(values)
    return env


async def start(argv: Sequence[str], env: Mapping[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *DIALER, *argv, env=dict(env), stdout=out, stderr=out, cwd=log.parent
        )


async def wait_port(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    async with asyncio.timeout(PATIENCE):
        while True:
            assert process.returncode is None, tail(log)
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return


async def wait_ready(port: int, process: asyncio.subprocess.Process, log: Path) -> dict[str, Any]:
    async with asyncio.timeout(PATIENCE), httpx.AsyncClient(timeout=10) as http:
        while True:
            assert process.returncode is None, tail(log)
            try:
                answer = await http.get(f"http://127.0.0.1:{port}/health/ready")
                if answer.status_code == 200:
                    body: dict[str, Any] = answer.json()
                    return body
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 60)
        except TimeoutError:
            process.kill()
            await process.wait()


def scenario_toml(customers: Mapping[str, Mapping[str, Any]]) -> str:
    lines = ["seed = 3"]
    for number, script in customers.items():
        lines.append(f'[customers."{number}"]')
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in script.items())
    return "\n".join(lines) + "\n"
