"""``dialer users create-admin`` and ``dialer keys create`` bootstrap access from the shell."""

from __future__ import annotations

import asyncio
import io

import pytest

from dialer.cli import main
from dialer.commands import users
from tests.api.conftest import sign_in

SECRET = "bootstrap password 1"


async def run_cli(monkeypatch, database_url, argv, stdin=""):
    """Run the CLI in a worker thread (it runs its own event loop), as a shell would."""
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return await asyncio.to_thread(main, argv)


async def test_create_admin_reads_the_password_from_stdin_and_never_prints_it(
    monkeypatch, database_url, client, capsys, caplog
):
    code = await run_cli(
        monkeypatch,
        database_url,
        ["users", "create-admin", "--username", "boss", "--password-stdin"],
        SECRET + "\n",
    )
    assert code == 0
    out, err = capsys.readouterr()
    assert "created admin 'boss'" in out
    assert SECRET not in out + err + caplog.text

    headers = await sign_in(client, "boss", SECRET)
    me = (await client.get("/auth/me", headers=headers)).json()
    assert me["role"] == "admin"


async def test_create_admin_refuses_a_short_password_and_a_taken_name(monkeypatch, database_url, capsys):
    argv = ["users", "create-admin", "--username", "boss", "--password-stdin"]
    assert await run_cli(monkeypatch, database_url, argv, "short\n") == 2
    assert "password: must be at least 10 characters long" in capsys.readouterr().err
    assert await run_cli(monkeypatch, database_url, argv, SECRET) == 0
    assert await run_cli(monkeypatch, database_url, argv, SECRET) == 2
    assert "username 'boss' is already taken" in capsys.readouterr().err


async def test_users_create_makes_a_controller_of_a_client(monkeypatch, database_url, client, admin, capsys):
    client_id = (await client.post("/clients", json={"name": "Romashka"}, headers=admin)).json()["id"]
    argv = ["users", "create", "--username", "ctl", "--role", "controller", "--client", str(client_id)]
    assert await run_cli(monkeypatch, database_url, [*argv, "--password-stdin"], SECRET) == 0
    me = (await client.get("/auth/me", headers=await sign_in(client, "ctl", SECRET))).json()
    assert (me["role"], me["client_id"]) == ("controller", client_id)


async def test_keys_create_prints_a_working_key_once(monkeypatch, database_url, client, capsys):
    assert await run_cli(monkeypatch, database_url, ["keys", "create", "--name", "crm", "--role", "qa"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("dk_") and "not shown again" in err
    me = await client.get("/auth/me", headers={"X-API-Key": key})
    assert me.json()["role"] == "qa"


def test_create_admin_asks_twice_at_a_terminal_and_refuses_a_mismatch(monkeypatch):
    answers = iter([SECRET, "something else entirely", SECRET, SECRET])
    monkeypatch.setattr(users.getpass, "getpass", lambda _prompt: next(answers))
    monkeypatch.setattr("sys.stdin", io.StringIO())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    with pytest.raises(SystemExit, match="the passwords differ; nothing was created"):
        users.read_password(from_stdin=False)
    assert users.read_password(from_stdin=False) == SECRET


def test_without_a_terminal_the_password_must_come_on_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(SystemExit, match="--password-stdin"):
        users.read_password(from_stdin=False)


async def test_a_controller_without_a_client_is_refused_in_the_commands_own_words(
    monkeypatch, database_url, capsys
):
    code = await run_cli(
        monkeypatch,
        database_url,
        ["users", "create", "--role", "controller", "--username", "ctl", "--password-stdin"],
        SECRET + "\n",
    )
    assert code == 2
    assert capsys.readouterr().err.strip() == "refused: --client: a controller must belong to a client"
