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
    assert "/operator  sign in as operator / " in out
    assert "supervisor's wallboard: http://" in out and "/supervisor?campaign=" in out
    table = out.split("What happened", 1)[1]
    placed = int(next(line for line in table.splitlines() if line.startswith("calls placed")).split()[-1])
    connected = next(line for line in table.splitlines() if line.startswith("connected to an operator"))
    assert placed >= 5 and int(connected.split()[-1]) >= 1  # a loaded machine dials fewer in 15 s
    assert "Anna (1001)" in table
    assert list((tmp_path / "demo").glob("demo-*.db"))


def test_the_demo_refuses_a_database_that_is_already_used_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'used.db'}"
    common = ["--log-level", "WARNING", "demo", "--minutes", "0.05", "--speed", "20", "--contacts", "10"]
    assert main([*common, "--port", "0", "--database-url", url, "--data-dir", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    assert main([*common, "--port", "0", "--database-url", url, "--data-dir", str(tmp_path / "d")]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    # the admin and the operator the page's newcomer signs in as
    assert "already has 2 user(s): the demo needs a fresh one" in err and "--database-url" in err
