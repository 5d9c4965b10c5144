"""Signing in: a username and password for a bearer token, within the limits on attempts.

The flow keeps Argon2 off the event loop and no transaction open while it hashes:
1. one short transaction counts the attempt against the account and the address (429 past either
   limit, before any hashing) and reads the user; an address past its limit is then answered 429 by
   the process until its window ends, with no transaction (``dialer.auth.blocked_addresses``), each
   answer after a pause (``blocked_pause_s``): a caller that waits for its answer before trying again,
   as a flooding script does, then sends one attempt a pause instead of as many as the event loop
   can answer, each of which took the loop from the engine's calls;
2. the password is verified on the Argon2 threads;
3. a second transaction writes the outcome: a wrong password counts toward the account's lock (the
   lock is audited), a right one clears the account's counter and gives the address its attempt back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.audit import service as audit
from dialer.audit.models import AuditAction
from dialer.auth import blocked_addresses, throttle
from dialer.auth.models import User
from dialer.auth.passwords import DUMMY_HASH, hash_off_loop, needs_rehash, verify_off_loop
from dialer.auth.throttle import SignInLimits, TooManyAttempts
from dialer.auth.tokens import TokenSigner
from dialer.db.engine import unit_of_work

SIGN_IN_ACTOR = audit.Actor("sign-in", "system")


@dataclass(frozen=True, slots=True)
class _Account:
    id: int
    password_hash: str
    usable: bool  # active and not locked


async def _count(
    session: AsyncSession, limits: SignInLimits, username: str, remote: audit.Remote, now: datetime
) -> tuple[int, int]:
    """Count this attempt; seconds to wait if it is over a limit (else 0), and of those the
    address's own (0 when the address is within its limit)."""
    await throttle.sweep_now_and_then(session, now, limits.window)
    limits_by_key = {throttle.account_key(username): limits.per_account}
    address = throttle.address_key(remote.address) if remote.address else None
    if address is not None:
        limits_by_key[address] = limits.per_address
    counted = await throttle.count_attempts(session, list(limits_by_key), now, limits.window)
    wait = address_wait = 0
    for key, (attempts, started) in counted.items():
        if attempts > limits_by_key[key]:
            key_wait = throttle.retry_after(started, now, limits.window)
            wait = max(wait, key_wait)
            if key == address:
                address_wait = key_wait
    return wait, address_wait


async def sign_in(
    sessions: async_sessionmaker[AsyncSession],
    signer: TokenSigner,
    limits: SignInLimits,
    username: str,
    password: str,
    remote: audit.Remote,
) -> tuple[str, datetime] | None:
    """A token and its expiry for the right password of an active, unlocked user, else None.

    Raises ``TooManyAttempts`` when the account or the address is over its limit.
    """
    now = datetime.now(UTC)
    if held := blocked_addresses.wait_s(sessions, remote.address, now):
        if limits.blocked_pause_s > 0.0:
            await asyncio.sleep(min(held, limits.blocked_pause_s))
            now = datetime.now(UTC)
            held = blocked_addresses.wait_s(sessions, remote.address, now)
        if held:
            raise TooManyAttempts(held)  # the rest of a flood costs no transaction
    async with unit_of_work(sessions) as session:
        wait, address_wait = await _count(session, limits, username, remote, now)
        found = None
        if not wait:  # the columns it needs, not an ORM object to build and track
            query = select(User.id, User.password_hash, User.is_active, User.locked_at)
            found = (await session.execute(query.where(User.username == username))).one_or_none()
        account = (
            None
            if found is None
            else _Account(found.id, found.password_hash, found.is_active and found.locked_at is None)
        )
    if address_wait and remote.address:
        blocked_addresses.block(sessions, remote.address, now + timedelta(seconds=address_wait), now)
    if wait:
        raise TooManyAttempts(wait)
    # Unknown users are verified against a dummy hash: a wrong username takes as long as a wrong
    # password and does not reveal which usernames exist.
    right = await verify_off_loop(account.password_hash if account else DUMMY_HASH, password)
    if account is None:
        return None
    if not right:
        await _wrong_password(sessions, limits, account.id, remote)
        return None
    if not account.usable:
        return None
    new_hash = await hash_off_loop(password) if needs_rehash(account.password_hash) else None
    async with unit_of_work(sessions) as session:
        user = await session.get(User, account.id)
        if user is None:
            return None
        user.failed_sign_ins = 0
        if new_hash is not None:
            user.password_hash = new_hash
        await throttle.forget(session, throttle.account_key(username))
        if remote.address:
            await throttle.give_back(session, throttle.address_key(remote.address))
        return signer.issue(user.id, user.password_hash)


async def _wrong_password(
    sessions: async_sessionmaker[AsyncSession], limits: SignInLimits, user_id: int, remote: audit.Remote
) -> None:
    """One more wrong password in a row; at the limit the account locks, and the lock is audited."""
    async with unit_of_work(sessions) as session:
        failures = await session.scalar(
            update(User)
            .where(User.id == user_id)
            .values(failed_sign_ins=User.failed_sign_ins + 1)
            .returning(User.failed_sign_ins)
        )
        if failures is None or not limits.lock_after or failures < limits.lock_after:
            return
        locked = await session.execute(
            update(User)
            .where(User.id == user_id, User.locked_at.is_(None))
            .values(locked_at=datetime.now(UTC))
            .returning(User.username)
        )
        username = locked.scalar_one_or_none()
        if username is not None:  # this attempt locked it; a parallel one may have already
            await audit.record(
                session,
                SIGN_IN_ACTOR,
                AuditAction.LOCK,
                "user",
                user_id,
                client_id=None,
                detail={"username": username, "failed_sign_ins": failures},
                remote=remote,
            )
