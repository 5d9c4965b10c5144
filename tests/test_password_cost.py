"""The product hashes passwords with Argon2id at RFC 9106's low-memory parameters (the tests use
cheaper ones, see ``tests/conftest.py``): checked in a fresh interpreter, as the service runs."""

from __future__ import annotations

import subprocess
import sys

from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY


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
