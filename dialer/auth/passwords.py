"""Passwords hashed with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile).

Hashing takes tens of milliseconds of CPU and the API shares its event loop with the engine, so
the service hashes and verifies through ``hash_off_loop`` and ``verify_off_loop``: a small executor
of its own, so a flood of sign-ins waits for these few threads and never starves the default
executor (file work, imports) or the loop. argon2-cffi releases the GIL while it hashes, but its
threads (and the lanes libargon2 starts from them) still take the CPU: they run at a lower priority
(:data:`HASH_NICENESS`, a per-thread nice value on Linux), so on a small machine the loop's thread is
scheduled first and a sign-in flood slows the sign-ins, not the engine's ticks and FastAGI answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dialer.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
HASH_THREADS = 2  # Argon2 runs at most this many at once per process; the rest queue

HASH_NICENESS = 10
"""How much lower than the event loop's thread the hashing threads are scheduled (0 to 19)."""

_hasher = PasswordHasher()


def _lower_priority() -> None:
    """Run this thread (and the threads it starts) :data:`HASH_NICENESS` below the thread that
    started it; where the system has no per-thread priority, as it is."""
    with contextlib.suppress(OSError, AttributeError):
        thread = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASH_NICENESS)
        )


_executor = ThreadPoolExecutor(
    max_workers=HASH_THREADS, thread_name_prefix="argon2", initializer=_lower_priority
)


def check_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing; the message never repeats the password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password: must be at least {MIN_PASSWORD_LENGTH} characters long")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_off_loop(password: str) -> str:
    """``hash_password`` on the Argon2 threads, leaving the event loop free."""
    return await asyncio.get_running_loop().run_in_executor(_executor, hash_password, password)


async def verify_off_loop(password_hash: str, password: str) -> bool:
    """``verify_password`` on the Argon2 threads, leaving the event loop free."""
    return await asyncio.get_running_loop().run_in_executor(
        _executor, verify_password, password_hash, password
    )


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's and should be redone."""
    return _hasher.check_needs_rehash(password_hash)


# A hash of a random password, verified when the username is unknown so that a wrong username
# takes as long as a wrong password and does not reveal which usernames exist.
DUMMY_HASH = _hasher.hash("no user has this password")
