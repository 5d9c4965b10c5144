"""The layer contract in pyproject.toml ([tool.importlinter]) holds: the protocol edges import nothing
of the domain, the pure cores no database code, the API sits above the domain, and the domain's
packages import each other without a cycle. On failure the output names each offending import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"  # import-linter's command, beside this Python


def test_every_layer_contract_is_kept() -> None:
    """In its own process: import-linter changes the logging set-up of the process it runs in."""
    command = [str(LINT), str(ROOT / "pyproject.toml"), "--no-cache"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "BROKEN" not in report
    assert report.count(" KEPT") == 5, report  # each contract was read and checked
