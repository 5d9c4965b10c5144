"""Passwords hashed with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dialer.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


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


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's and should be redone."""
    return _hasher.check_needs_rehash(password_hash)


# A hash of a random password, verified when the username is unknown so that a wrong username
# takes as long as a wrong password and does not reveal which usernames exist.
DUMMY_HASH = _hasher.hash("no user has this password")
