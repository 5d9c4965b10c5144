"""Log lines: JSON on request, with the call, campaign and request ids where known, secrets masked."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading

import pytest

from dialer.engine.writer import OrderedWriter
from dialer.observability import logs


@pytest.fixture
def json_lines():
    """Lines the root logger writes as JSON while the test runs (its handlers are put back after)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    this_thread = threading.get_ident()
    handler.addFilter(lambda record: record.thread == this_thread)  # not a lingering server's thread
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_each_line_is_one_object_with_the_context_known_there(json_lines):
    log = logging.getLogger("dialer.test")
    log.info("before any call")
    with logs.bound(campaign_id=7), logs.bound(call_id="c0ffee"):
        log.warning("placing %s", "a call")
    with logs.bound(request_id="req-1"):
        log.info("a request")
    first, second, third = json_lines()
    assert first["message"] == "before any call" and "call_id" not in first and "campaign_id" not in first
    assert second == {**second, "level": "WARNING", "logger": "dialer.test", "message": "placing a call",
                      "call_id": "c0ffee", "campaign_id": 7}  # fmt: skip
    assert third["request_id"] == "req-1" and "call_id" not in third
    assert second["time"].endswith("+00:00")


def test_an_exception_travels_inside_its_line(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("dialer.test").exception("it failed")
    [line] = json_lines()
    assert line["message"] == "it failed" and "ValueError: boom" in line["exception"]


def test_secret_links_and_query_secrets_are_masked_in_every_format(json_lines):
    access = logging.getLogger("tests.access")  # uvicorn's access line (its logger's level is uvicorn's)
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/recordings/shared/AbC.dEf-123", "1.1", 200)
    access.info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/x?token=t0p&campaign=3&secret=s3", "1.1", 200
    )
    first, second = json_lines()
    assert "AbC.dEf-123" not in first["message"] and "/recordings/shared/***" in first["message"]
    assert "t0p" not in second["message"] and "s3" not in second["message"]
    assert "campaign=3" in second["message"]


async def test_a_write_queued_for_a_call_logs_with_that_call_though_the_writer_runs_elsewhere(json_lines):
    writer = OrderedWriter()
    writer.start()

    async def failing() -> None:
        raise RuntimeError("database went away")

    with logs.bound(call_id="call-42", campaign_id=3):
        writer.submit("end of call call-42", failing)
    await writer.drain()
    await writer.stop()
    [line] = [x for x in json_lines() if x["logger"] == "dialer.engine.writer"]
    assert line["call_id"] == "call-42" and line["campaign_id"] == 3
    assert "database went away" in line["exception"]


def test_the_cli_writes_json_when_asked_and_text_by_default(tmp_path):
    script = "import logging, sys\nfrom dialer.cli import main\nsys.exit(main(sys.argv[1:]))"

    def run(*argv: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script, *argv], capture_output=True, text=True, cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "DIALER_DATA_DIR": str(tmp_path), **(env or {})},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stderr

    upgrade = ("--log-level", "INFO", "db", "upgrade")
    as_json = [json.loads(line) for line in run("--log-format", "json", *upgrade).splitlines() if line]
    assert as_json and all({"time", "level", "logger", "message"} <= set(line) for line in as_json)
    from_env = run(*upgrade, env={"DIALER_LOG_FORMAT": "json"}).splitlines()
    assert from_env and all(line.startswith("{") for line in from_env if line)
    text = run(*upgrade).splitlines()
    assert text and not any(line.startswith("{") for line in text)
