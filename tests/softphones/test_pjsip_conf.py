"""The generated PJSIP include file: every enabled operator exactly once, disabled ones never, and
nothing a name could smuggle into Asterisk's configuration."""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.softphones.accounts import new_password
from dialer.softphones.pjsip_conf import SoftphoneAccount, callerid_name, render
from dialer.softphones.provisioning import FILE_MODE, Provisioner, write_atomically
from pbxsim.pjsip_file import parse_endpoints

endpoint_names = st.from_regex(r"\A[A-Za-z0-9_.-]{1,12}\Z")
operators = st.lists(
    st.tuples(endpoint_names, st.text(max_size=40), st.booleans()),
    max_size=15,
    unique_by=lambda o: o[0],
)


def sections(text: str) -> list[str]:
    return re.findall(r"^\[([^\]]+)\]\((operator(?:-auth|-aor)?)\)$", text, re.M)


@given(operators)
def test_every_enabled_operator_appears_exactly_once_and_no_disabled_one(
    ops: list[tuple[str, str, bool]],
) -> None:
    passwords = {name: new_password() for name, _, _ in ops}
    enabled = [SoftphoneAccount(name, display, passwords[name]) for name, display, on in ops if on]
    text = render(enabled)

    found = re.findall(r"^\[([^\]]+)\]\((operator(?:-auth|-aor)?)\)$", text, re.M)
    expected = sorted(
        (name, kind) for name, _, on in ops if on for kind in ("operator", "operator-auth", "operator-aor")
    )
    assert sorted(found) == expected
    # Only whole sections and key = value lines: a display name cannot add a line of its own.
    body = [line for line in text.splitlines() if line and not line.startswith(";")]
    assert all(re.match(r"^(\[[^\]]+\]\([a-z-]+\)|[a-z]+ = .*)$", line) for line in body), body
    # The simulator reads back exactly the enabled endpoints, each with its own password.
    assert parse_endpoints(text) == {a.endpoint: a.password for a in enabled}


def test_the_file_is_the_same_for_the_same_operators_in_any_order() -> None:
    a = SoftphoneAccount("1002", "Boris", new_password())
    b = SoftphoneAccount("1001", "Anna", new_password())
    assert render([a, b]) == render([b, a])
    assert render([]).strip().startswith("; Generated")


def test_one_operator_block_reads_as_asterisk_expects() -> None:
    password = new_password()
    text = render([SoftphoneAccount("1001", 'Anna "the best"; [x]\nexten=>', password)])
    assert text.endswith(
        "[1001](operator)\n"
        "auth = 1001\n"
        "aors = 1001\n"
        'callerid = "Anna the best x exten" <1001>\n'
        "[1001](operator-auth)\n"
        "username = 1001\n"
        f"password = {password}\n"
        "[1001](operator-aor)\n"
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [("Анна Петрова", "Анна Петрова"), ("a;b", "a b"), ('"quoted"', "quoted"), ("x\r\ny", "x y"), ("", "")],
)
def test_callerid_names_keep_letters_and_lose_syntax(name: str, shown: str) -> None:
    assert callerid_name(name) == shown


def test_an_operator_with_no_name_left_is_named_by_the_endpoint() -> None:
    assert 'callerid = "1001" <1001>' in render([SoftphoneAccount("1001", ";;;", new_password())])


@pytest.mark.parametrize("endpoint", ["", "10 01", "a]b", "x\ny", "1001;", "1001\n"])
def test_an_endpoint_name_asterisk_would_misread_is_refused(endpoint: str) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        SoftphoneAccount(endpoint, "Anna", new_password())


@pytest.mark.parametrize(
    "password",
    ["short", "has space in the middle ok", "semi;colon-password-long", "a-generated-looking-one-01\n"],
)
def test_a_password_that_is_not_a_generated_one_is_refused(password: str) -> None:
    with pytest.raises(ValueError, match="password"):
        SoftphoneAccount("1001", "Anna", password)


def test_two_accounts_of_one_endpoint_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        render([SoftphoneAccount("1001", "A", new_password()), SoftphoneAccount("1001", "B", new_password())])


def test_generated_passwords_are_long_and_different() -> None:
    made = {new_password() for _ in range(200)}
    assert len(made) == 200
    assert all(len(p) >= 24 and re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in made)


def test_an_account_never_shows_its_password_in_repr() -> None:
    password = new_password()
    assert password not in repr(SoftphoneAccount("1001", "Anna", password))


def test_the_file_is_replaced_whole_readable_by_owner_and_group_only(tmp_path: Path) -> None:
    path = tmp_path / "asterisk" / "pjsip_operators.conf"
    assert write_atomically(path, "first\n") is True
    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE == 0o640
    inode = path.stat().st_ino
    assert write_atomically(path, "first\n") is False  # unchanged: not rewritten
    assert path.stat().st_ino == inode
    assert write_atomically(path, "second\n") is True
    assert path.read_text() == "second\n"
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never written in place
    assert [p.name for p in path.parent.iterdir()] == ["pjsip_operators.conf"]  # no temporary left


async def test_a_sync_writes_the_database_reloads_and_never_logs_a_password(
    sessions, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from dialer.auth.models import Role
    from dialer.auth.principal import Principal
    from dialer.db.engine import unit_of_work
    from dialer.operators import service
    from dialer.operators.models import Operator
    from dialer.operators.schemas import OperatorCreate, OperatorUpdate

    admin = Principal(role=Role.ADMIN, user_id=1)
    async with unit_of_work(sessions) as session:
        anna = await service.create_operator(
            session, admin, OperatorCreate(name="Anna", login="anna", sip_endpoint="1001")
        )
        boris = await service.create_operator(
            session, admin, OperatorCreate(name="Boris", login="boris", sip_endpoint="1002")
        )
        await service.update_operator(session, admin, boris.id, OperatorUpdate(active=False))
    async with sessions() as session:
        stored = {
            o.sip_endpoint: o.sip_password
            for o in (await session.get(Operator, anna.id), await session.get(Operator, boris.id))
            if o
        }
    reloads: list[str] = []

    async def reload() -> None:
        reloads.append("res_pjsip")

    path = tmp_path / "pjsip_operators.conf"
    caplog.set_level(logging.DEBUG)
    result = await Provisioner(path, reload).sync(sessions)

    assert (result.endpoints, result.changed, result.reloaded, result.written) == (1, True, True, True)
    assert reloads == ["res_pjsip"]
    assert parse_endpoints(path.read_text()) == {"1001": stored["1001"]}
    for password in stored.values():
        assert password and password not in caplog.text


async def test_the_sip_password_is_stored_sealed(sessions) -> None:
    from sqlalchemy import text

    from dialer.auth.models import Role
    from dialer.auth.principal import Principal
    from dialer.db.engine import unit_of_work
    from dialer.operators import service
    from dialer.operators.schemas import OperatorCreate

    async with unit_of_work(sessions) as session:
        anna = await service.create_operator(
            session,
            Principal(role=Role.ADMIN, user_id=1),
            OperatorCreate(name="A", login="a", sip_endpoint="1001"),
        )
        clear = anna.sip_password
    async with sessions() as session:
        raw = await session.scalar(text("SELECT sip_password FROM operators WHERE id = :id"), {"id": anna.id})
    assert clear and raw and raw.startswith("sealed:v1:") and clear not in raw


async def test_asterisk_down_leaves_the_file_written_and_says_so(sessions, tmp_path: Path, caplog) -> None:
    from ami.settings import AmiSettings
    from dialer.softphones.provisioning import ami_reload

    closed = AmiSettings(port=1, connect_timeout=2.0)  # nothing listens on port 1
    path = tmp_path / "pjsip_operators.conf"
    result = await Provisioner(path, ami_reload(closed)).sync(sessions)
    assert (result.written, result.reloaded) == (True, False)
    assert path.exists()
    assert "not reloaded" in caplog.text
