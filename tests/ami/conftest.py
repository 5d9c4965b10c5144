"""Shared helpers for the AMI tests: where the real Asterisk captures live."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TRACES = REPO_ROOT.parent / "shared" / "asterisk-traces"
CAPTURES = TRACES / "ami"


def capture(name: str, suffix: str = ".raw") -> bytes:
    """The bytes of ``ami_<name><suffix>``; skips the test when the captures are not checked out."""
    path = CAPTURES / f"ami_{name}{suffix}"
    if not CAPTURES.is_dir():
        pytest.skip(f"Asterisk captures not found at {CAPTURES} (../shared/asterisk-traces)")
    return path.read_bytes()


def capture_path(name: str, suffix: str = ".raw") -> Path:
    capture(name, suffix)
    return CAPTURES / f"ami_{name}{suffix}"


async def until(condition: Callable[[], object], within: float = 2.0) -> None:
    """Wait (polling every 5 ms) until ``condition()`` is true; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)
