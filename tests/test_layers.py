"""The layer contract in pyproject.toml ([tool.importlinter]) holds: the protocol edges import nothing
of the domain, the pure cores no database code, the API sits above the domain, and the domain's
packages import each other without a cycle. On failure the output names each offending import."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_layer_contract_is_kept(capsys) -> None:
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "BROKEN" not in report
    assert report.count(" KEPT") == 4, report  # each contract was read and checked
