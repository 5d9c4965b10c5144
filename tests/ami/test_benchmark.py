"""The event benchmark runs and ends with its one-line JSON summary (figures are measured, not asserted)."""

from __future__ import annotations

import importlib.util
import json

from tests.ami.conftest import CAPTURES, REPO_ROOT, capture


def test_benchmark_prints_its_json_summary_last(capsys):
    capture("a_originate_answer_queue")  # skips without the captures
    spec = importlib.util.spec_from_file_location("ami_events", REPO_ROOT / "benchmarks" / "ami_events.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (
        module.main(["--copies", "2", "--interleave", "2", "--rounds", "1", "--captures", str(CAPTURES)]) == 0
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    summary = json.loads(last)
    assert set(summary) == {"events_per_s", "p99_tracker_latency_ms"}
    assert summary["events_per_s"] > 0 and summary["p99_tracker_latency_ms"] >= 0
