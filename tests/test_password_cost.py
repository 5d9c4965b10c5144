"""The product hashes passwords with Argon2id at RFC 9106's low-memory parameters (the tests use
cheaper ones, see ``tests/conftest.py``): checked in a fresh interpreter, as the service runs. The
hashing threads are scheduled below the event loop's thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from dialer.auth import passwords


def test_the_service_hashes_with_rfc_9106_low_memory_parameters():
    script = "from dialer.auth.passwords import hash_password; print(hash_password('a long password 1'))"
    stored = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    parameters = extract_parameters(stored.stdout.strip())
    assert parameters.type.name == "ID"
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        RFC_9106_LOW_MEMORY.memory_cost,
        RFC_9106_LOW_MEMORY.time_cost,
        RFC_9106_LOW_MEMORY.parallelism,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
async def test_hashing_threads_yield_the_cpu_to_the_event_loop():
    """A sign-in flood hashes on threads scheduled below the loop's, so the loop keeps its CPU."""
    await passwords.hash_off_loop("a password long enough")
    hashing = [t for t in threading.enumerate() if t.name.startswith("argon2")]
    assert hashing
    loop_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    for thread in hashing:
        assert thread.native_id is not None
        assert os.getpriority(os.PRIO_PROCESS, thread.native_id) >= min(
            19, loop_nice + passwords.HASH_NICENESS
        )
