"""``dialer pbxsim`` runs the simulator standalone from a scenario file."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

from tests.pbxsim.helpers import REPO, AmiClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_dialer_pbxsim_serves_a_scenario(tmp_path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text('[customers."5550001"]\noutcome = "busy"\nring = 1.0\n')
    port = free_port()
    log = (tmp_path / "pbxsim.log").open("wb")  # a pipe nobody reads fills up and blocks the process
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dialer.cli", "pbxsim", "--scenario", str(scenario), "--ami-port", str(port),
        "--user", "me:pw", "--speed", "10", "--recordings", str(tmp_path / "rec"), cwd=REPO,
        stdout=asyncio.subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        async with asyncio.timeout(120):  # a loaded machine starts a Python process slowly
            while True:
                try:
                    client = await AmiClient.connect(port)
                    break
                except OSError:
                    await asyncio.sleep(0.05)
        assert (await client.login("me", "pw"))["Response"] == "Success"
        await client.action("Originate", ("Channel", "PJSIP/5550001@trunk"), ("Context", "dialer-customer"),
                            ("Exten", "s"), ("Async", "true"), ("ChannelId", "cli-1"))  # fmt: skip
        hangup = await client.wait_event("Hangup", Uniqueid="cli-1", limit=120)
        assert hangup["Cause"] == "17"
        await client.close()
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 120)
        log.close()
    assert process.returncode == 0, (tmp_path / "pbxsim.log").read_text(errors="replace")[-2000:]
