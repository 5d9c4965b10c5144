"""``dialer operators``: the same provisioning from the shell, the simulator following the file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from dialer.cli import main
from pbxsim import PbxSim, ScaledClock, Scenario
from pbxsim.pjsip_file import parse_endpoints


async def run_cli(monkeypatch, env: dict[str, str], argv: list[str]) -> int:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return await asyncio.to_thread(main, argv)


async def test_operators_created_and_disabled_from_the_shell_are_provisioned(
    monkeypatch, database_url, tmp_path: Path, capsys, caplog
) -> None:
    path = tmp_path / "pjsip_operators.conf"
    sim = PbxSim(
        Scenario(), clock=ScaledClock(20), ami_port=0, agi_port=1, recordings_dir=tmp_path, pjsip_file=path
    )
    await sim.start()
    try:
        env = {
            "DIALER_DATABASE_URL": database_url,
            "DIALER_PJSIP_OPERATORS_FILE": str(path),
            "DIALER_AMI_SERVERS": json.dumps([{"port": sim.ami_port, "secret": "autodialer"}]),
        }
        create = ["operators", "create", "--name", "Anna", "--login", "anna", "--endpoint", "1001"]
        assert await run_cli(monkeypatch, env, create) == 0
        out = capsys.readouterr().out
        assert "created operator 1 (anna, endpoint 1001)" in out
        assert "1 endpoint(s) in the PJSIP file; Asterisk reloaded" in out
        [password] = parse_endpoints(path.read_text()).values()
        assert password and password not in out + caplog.text
        assert sim.pbx.endpoints.get("1001") is not None and sim.pbx.endpoints.get("1001").registered

        again = ["operators", "create", "--name", "Other", "--login", "other", "--endpoint", "1001"]
        assert await run_cli(monkeypatch, env, again) == 2
        assert "refused: --endpoint: '1001' already belongs to operator 1" in capsys.readouterr().err

        assert await run_cli(monkeypatch, env, ["operators", "disable", "1"]) == 0
        assert "operator 1 disabled" in capsys.readouterr().out
        assert parse_endpoints(path.read_text()) == {}
        assert sim.pbx.endpoints.get("1001") is None

        assert await run_cli(monkeypatch, env, ["operators", "list"]) == 0
        assert capsys.readouterr().out == "1\tanna\t1001\tdisabled\tAnna\n"
        assert await run_cli(monkeypatch, env, ["operators", "enable", "1"]) == 0
        assert sim.pbx.endpoints.get("1001") is not None
        assert await run_cli(monkeypatch, env, ["operators", "delete", "1"]) == 0
        assert sim.pbx.endpoints.get("1001") is None
    finally:
        await sim.stop()
