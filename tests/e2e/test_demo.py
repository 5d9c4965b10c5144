"""``dialer demo`` end to end, shortened: the simulator, the service on a fresh SQLite file, the demo
campaign and its operators, and the table of what happened."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialer.cli import main


def test_the_demo_runs_a_campaign_and_prints_what_happened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--log-level", "WARNING", "demo", "--minutes", "0.25", "--speed", "20", "--contacts", "80"]
    assert main([*argv, "--operators", "3", "--port", "0", "--data-dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "sign in as admin / " in out and "/docs" in out
    table = out.split("What happened", 1)[1]
    placed = int(next(line for line in table.splitlines() if line.startswith("calls placed")).split()[-1])
    connected = next(line for line in table.splitlines() if line.startswith("connected to an operator"))
    assert placed >= 10 and int(connected.split()[-1]) >= 3
    assert "Anna (1001)" in table
    assert list((tmp_path / "demo").glob("demo-*.db"))
