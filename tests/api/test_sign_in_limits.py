"""Sign-in is throttled per account and per address through the database, wrong passwords in a
row lock an account until an administrator unlocks it, and Argon2 never runs on the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import event, select

from api.app import create_app
from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth import passwords, throttle
from dialer.auth.models import Role, SignInCounter, User
from dialer.db.engine import unit_of_work
from dialer.settings import Settings
from tests.api.conftest import PASSWORD, create_user, sign_in
from tests.api.test_cli import run_cli

WRONG = "not the password at all"


def limited_settings(database_url: str, data_dir: Path, **limits: float) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=SecretStr("a test secret of some length"),
        **limits,
    )


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Callable[..., FastAPI]:
    """Apps over the test's one database, as several API processes would be (run their lifespans)."""

    def _make(**limits: float) -> FastAPI:
        return create_app(limited_settings(database_url, tmp_path, **limits), migrate=False)

    return _make


async def _client(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://dialer.test")


async def _token(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/token", data={"username": username, "password": password})


async def test_an_account_over_its_limit_answers_429_with_retry_after_in_every_process(make_app):
    first, second = make_app(sign_in_max_per_account=3), make_app(sign_in_max_per_account=3)
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        await create_user(first, "maria", Role.SUPERVISOR)
        async with await _client(first) as one, await _client(second, "10.0.0.2") as two:
            for _ in range(3):
                assert (await _token(one, "maria", WRONG)).status_code == 401
            refused = await _token(two, "maria", PASSWORD)  # another process, another address
            assert refused.status_code == 429
            assert refused.json() == {
                "detail": f"too many sign-in attempts; try again in {refused.headers['retry-after']} s"
            }
            assert 1 <= int(refused.headers["retry-after"]) <= 300
            assert (await _token(one, "someone-else", WRONG)).status_code == 401  # other accounts go on


async def test_an_address_over_its_limit_answers_429_and_other_addresses_go_on(make_app):
    app = make_app(sign_in_max_per_address=4, sign_in_max_per_account=100)
    async with app.router.lifespan_context(app):
        await create_user(app, "maria", Role.SUPERVISOR)
        async with await _client(app, "10.0.0.7") as guesser, await _client(app, "10.0.0.8") as other:
            for n in range(4):
                assert (await _token(guesser, f"user{n}", WRONG)).status_code == 401
            assert (await _token(guesser, "maria", PASSWORD)).status_code == 429
            assert (await _token(other, "maria", PASSWORD)).status_code == 200
        async with app.state.sessions() as session:
            keys = set(await session.scalars(select(SignInCounter.key)))
        assert "address:10.0.0.7" in keys


async def test_a_blocked_address_is_answered_by_the_process_until_its_window_ends(make_app):
    """Past its limit an address gets 429 from the process's memory, no transaction each; another
    process learns the block from the database's counter at its own first attempt."""
    limits = {"sign_in_max_per_address": 2, "sign_in_blocked_pause_s": 0.0}
    first, second = make_app(**limits), make_app(**limits)
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        async with await _client(first, "10.0.0.9") as one, await _client(second, "10.0.0.9") as two:
            for n in range(2):
                assert (await _token(one, f"user{n}", WRONG)).status_code == 401
            assert (await _token(one, "user2", WRONG)).status_code == 429  # counted: over the limit
            statements: list[str] = []
            engine = first.state.engine.sync_engine
            event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            for n in range(5):
                refused = await _token(one, f"flood{n}", WRONG)
                assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 300
            assert statements == []  # the flood's rest cost the database nothing
            assert (await _token(two, "user3", WRONG)).status_code == 429  # another process: the counter
        async with await _client(first, "10.0.0.10") as other:
            assert (await _token(other, "user4", WRONG)).status_code == 401  # other addresses go on


async def test_a_blocked_address_waits_for_each_answer_so_a_flood_slows_down(make_app):
    """A caller that waits for each answer (a flooding script) gets one attempt in per pause."""
    app = make_app(sign_in_max_per_address=2, sign_in_blocked_pause_s=0.3)
    async with (
        app.router.lifespan_context(app),
        await _client(app, "10.0.0.11") as guesser,
        await _client(app, "10.0.0.12") as other,
    ):
        for n in range(3):  # two counted, the third learns the block from the database
            await _token(guesser, f"user{n}", WRONG)
        loop = asyncio.get_running_loop()
        answered, until = 0, loop.time() + 1.0
        while loop.time() < until:
            refused = await _token(guesser, f"flood{answered}", WRONG)
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            answered += 1
        assert answered <= 4  # one a pause at most (no pause: hundreds)
        assert (await _token(other, "user0", WRONG)).status_code == 401  # no one else waits


async def test_right_passwords_do_not_count_toward_the_limits(make_app):
    app = make_app(sign_in_max_per_account=2, sign_in_max_per_address=2)
    async with app.router.lifespan_context(app):
        await create_user(app, "maria", Role.SUPERVISOR)
        async with await _client(app) as client:
            for _ in range(6):
                assert (await _token(client, "maria", PASSWORD)).status_code == 200
            assert (await _token(client, "maria", WRONG)).status_code == 401
            assert (await _token(client, "maria", PASSWORD)).status_code == 200


async def test_wrong_passwords_in_a_row_lock_the_account_until_an_admin_unlocks_it(make_app):
    app = make_app(sign_in_lock_after=3, sign_in_max_per_account=100)
    async with app.router.lifespan_context(app):
        maria = await create_user(app, "maria", Role.SUPERVISOR)
        await create_user(app, "root", Role.ADMIN)
        async with await _client(app) as client:
            for _ in range(3):
                assert (await _token(client, "maria", WRONG)).status_code == 401
            locked = await _token(client, "maria", PASSWORD)
            assert locked.status_code == 401
            assert locked.json() == (await _token(client, "nobody", WRONG)).json()

            admin = await sign_in(client, "root")
            shown = (await client.get(f"/users/{maria}", headers=admin)).json()
            assert shown["locked_at"] is not None and shown["failed_sign_ins"] == 3
            supervisor = await sign_in(client, (await _make_supervisor(app)))
            assert (await client.post(f"/users/{maria}/unlock", headers=supervisor)).status_code == 403

            unlocked = await client.post(f"/users/{maria}/unlock", headers=admin)
            assert unlocked.status_code == 200
            assert unlocked.json()["locked_at"] is None and unlocked.json()["failed_sign_ins"] == 0
            assert (await _token(client, "maria", PASSWORD)).status_code == 200

        async with app.state.sessions() as session:
            events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert [(e.action, e.actor, e.object_id) for e in events] == [
            (AuditAction.LOCK, "sign-in", str(maria)),
            (AuditAction.UNLOCK, "user:2", str(maria)),
        ]
        assert events[0].remote_addr == "10.0.0.1"


async def _make_supervisor(app: FastAPI) -> str:
    await create_user(app, "boss", Role.SUPERVISOR)
    return "boss"


async def test_the_cli_unlocks_an_account_and_the_unlock_is_audited(
    make_app, monkeypatch, database_url, capsys
):
    app = make_app(sign_in_lock_after=2, sign_in_max_per_account=100)
    async with app.router.lifespan_context(app):
        maria = await create_user(app, "maria", Role.SUPERVISOR)
        async with await _client(app) as client:
            for _ in range(2):
                await _token(client, "maria", WRONG)
            assert (await _token(client, "maria", PASSWORD)).status_code == 401
            assert await run_cli(monkeypatch, database_url, ["users", "unlock", "--username", "maria"]) == 0
            assert "unlocked 'maria'" in capsys.readouterr().out
            assert (await _token(client, "maria", PASSWORD)).status_code == 200
            assert await run_cli(monkeypatch, database_url, ["users", "unlock", "--username", "ghost"]) == 2
        async with app.state.sessions() as session:
            unlock = await session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.UNLOCK))
            user = await session.get(User, maria)
        assert unlock is not None and unlock.actor.startswith("cli:") and unlock.object_id == str(maria)
        assert user is not None and user.locked_at is None


async def test_passwords_are_verified_on_the_argon2_threads_not_the_event_loop(app, client, monkeypatch):
    await create_user(app, "maria", Role.SUPERVISOR)
    threads: list[str] = []
    verify = passwords.verify_password

    def recording_verify(password_hash: str, password: str) -> bool:
        threads.append(threading.current_thread().name)
        return verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", recording_verify)
    assert (await _token(client, "maria", PASSWORD)).status_code == 200
    assert (await _token(client, "nobody", WRONG)).status_code == 401
    assert len(threads) == 2
    assert all(name.startswith("argon2") for name in threads), threads
    assert threading.main_thread().name not in threads


async def test_a_window_restarts_once_it_has_passed_and_ended_windows_are_swept(sessions):
    now, window = datetime.now(UTC), timedelta(minutes=5)
    async with unit_of_work(sessions) as session:
        for _ in range(3):
            assert (await throttle.count_attempt(session, "account:old", now - 2 * window, window))[0] <= 3
        await throttle.count_attempt(session, "account:gone", now - 2 * window, window)
    async with unit_of_work(sessions) as session:
        attempts, started = await throttle.count_attempt(session, "account:old", now, window)
        assert (attempts, started) == (1, now)  # a fresh window, not the fourth attempt
        assert throttle.retry_after(started, now + timedelta(seconds=299.5), window) == 1
        await throttle.sweep(session, now, window)
    async with sessions() as session:
        assert set(await session.scalars(select(SignInCounter.key))) == {"account:old"}


async def test_one_statement_counts_the_account_and_the_address_each_in_its_own_window(sessions):
    now, window = datetime.now(UTC), timedelta(minutes=5)
    async with unit_of_work(sessions) as session:
        await throttle.count_attempt(session, "account:maria", now - timedelta(minutes=1), window)
        counted = await throttle.count_attempts(session, ["account:maria", "address:10.0.0.1"], now, window)
    assert counted == {
        "account:maria": (2, now - timedelta(minutes=1)),
        "address:10.0.0.1": (1, now),
    }


async def test_sign_ins_sweep_ended_windows_now_and_then(sessions):
    now, window = datetime.now(UTC), timedelta(minutes=5)
    async with unit_of_work(sessions) as session:
        await throttle.count_attempt(session, "address:10.9.9.9", now - 2 * window, window)
    for _ in range(throttle.SWEEP_EVERY):  # some sweep falls among any SWEEP_EVERY attempts
        async with unit_of_work(sessions) as session:
            await throttle.sweep_now_and_then(session, now, window)
    async with sessions() as session:
        assert await session.get(SignInCounter, "address:10.9.9.9") is None
