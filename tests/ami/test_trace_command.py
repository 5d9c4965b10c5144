"""``dialer trace``: the support tool's output on real captures."""

from __future__ import annotations

import json

from dialer.cli import main
from tests.ami.conftest import capture_path


def test_json_lines_give_each_calls_facts(capsys):
    path = capture_path("a_originate_answer_queue")
    assert main(["trace", str(path), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    [record] = [json.loads(line) for line in lines]
    assert record["call_id"] == "1795755529.0"
    assert record["outcome"] == "answered"
    assert (record["hangup_cause"], record["operator"], record["hung_up_first"]) == (16, "1001", "customer")
    assert round(record["talk_seconds"]) == 7
    assert record["amd_status"] is None
    assert record["answered_at"].startswith("2026-11-27T04:58:51") and record["answered_at"].endswith(
        "+00:00"
    )


def test_json_for_a_failure_and_for_an_amd_machine(capsys):
    assert main(["trace", str(capture_path("b4_originate_reject_503")), "--json"]) == 0
    [busy] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (busy["outcome"], busy["fail_reason"], busy["hangup_cause"]) == (
        "failed: congestion",
        "congestion",
        34,
    )
    assert busy["hung_up_first"] is None
    assert main(["trace", str(capture_path("a5_originate_answer_amd")), "--json"]) == 0
    [machine] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (machine["amd_status"], machine["amd_cause"]) == ("MACHINE", "LONGGREETING-1500-1500")
    assert (machine["operator"], machine["hung_up_first"]) == (None, "dialplan")


def test_table_lists_every_call_of_the_capture(capsys):
    assert main(["trace", str(capture_path("n1a_customers_via_fastagi_into_confbridge", ".log"))]) == 0
    header, *rows = capsys.readouterr().out.strip().splitlines()
    assert header.split() == [
        "call",
        "kind",
        "outcome",
        "cause",
        "operator",
        "talk_s",
        "hung_up_first",
        "amd",
    ]
    assert [row.split()[:8] for row in rows] == [
        ["cust-5556001-A1", "customer", "answered", "16", "1001", "6", "customer", "-"],
        ["cust-5556002-A2", "customer", "answered", "16", "1001", "5", "customer", "-"],
    ]


def test_registration_changes_on_request(capsys):
    path = capture_path("n3_registration_lifecycle_1002", ".log")
    assert main(["trace", str(path), "--json", "--endpoints"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["endpoint"], x["status"]) for x in lines] == [
        ("1002", "reachable"), ("1002", "unreachable"), ("1002", "removed"),
        ("1002", "reachable"), ("1002", "unreachable"), ("1002", "removed"),
    ]  # fmt: skip
    assert main(["trace", str(path), "--endpoints"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no originated calls in this capture\n\nregistrations:\n")
    assert out.rstrip().endswith("1002  removed")


def test_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["trace", str(tmp_path / "nope.raw")]) == 2
    assert "cannot read" in capsys.readouterr().err
