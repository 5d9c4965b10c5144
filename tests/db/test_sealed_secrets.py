"""CRM signing secrets and S3 delivery keys are stored sealed, read back in clear, sealed when they
were stored in clear before, and re-sealed under a new key on rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import String, select, type_coerce

from dialer.call_recordings.models import ClientRecordingDelivery, DeliveryKind
from dialer.clients.models import Client, ClientCrm
from dialer.db import sealed
from dialer.db.engine import unit_of_work
from dialer.db.migrate import upgrade
from dialer.settings import Settings, install_sealer

SECRET = "whsec-a-long-crm-signing-secret"
S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_A, KEY_B = Fernet.generate_key(), Fernet.generate_key()


@pytest.fixture(autouse=True)
def own_sealer(monkeypatch):
    """Each test installs its keys; the process's sealer is restored after."""
    monkeypatch.setattr(sealed, "_installed", sealed.Sealer([KEY_A]))


async def stored(sessions, column) -> str:
    async with sessions() as session:
        return await session.scalar(select(type_coerce(column, String())))


async def seed(sessions) -> None:
    async with unit_of_work(sessions) as session:
        session.add(Client(id=1, name="Romashka"))
        await session.flush()
        session.add(ClientCrm(client_id=1, webhook_url="https://crm.example/hook", signing_secret=SECRET))
        session.add(
            ClientRecordingDelivery(
                client_id=1, kind=DeliveryKind.S3, bucket="b", secret_access_key=S3_SECRET
            )
        )


async def test_secrets_are_stored_sealed_and_read_in_clear(sessions):
    await seed(sessions)
    for column, secret in (
        (ClientCrm.signing_secret, SECRET),
        (ClientRecordingDelivery.secret_access_key, S3_SECRET),
    ):
        raw = await stored(sessions, column)
        assert raw.startswith("sealed:v1:") and secret not in raw
        assert Fernet(KEY_A).decrypt(raw.removeprefix("sealed:v1:").encode()).decode() == secret
    async with sessions() as session:
        crm = await session.get(ClientCrm, 1)
        assert crm is not None and crm.signing_secret == SECRET


async def test_secrets_stored_in_clear_are_sealed_by_the_migration(sessions, engine):
    async with unit_of_work(sessions) as session:
        session.add(Client(id=1, name="Romashka"))
        await session.flush()
        table = ClientCrm.__table__
        await session.execute(
            table.insert().values(client_id=1, signing_secret=type_coerce(SECRET, String()))
        )
    assert await stored(sessions, ClientCrm.signing_secret) == SECRET
    async with sessions() as session:  # read as it is before the migration seals it
        assert (await session.get(ClientCrm, 1)).signing_secret == SECRET
    await upgrade(engine)
    assert (await stored(sessions, ClientCrm.signing_secret)).startswith("sealed:v1:")
    async with sessions() as session:
        assert (await session.get(ClientCrm, 1)).signing_secret == SECRET


async def test_a_rotated_key_opens_old_secrets_and_the_migration_reseals_them(sessions, engine):
    await seed(sessions)
    sealed.install(sealed.Sealer.from_config(f"{KEY_B.decode()}, {KEY_A.decode()}", "unused"))
    async with sessions() as session:
        assert (await session.get(ClientCrm, 1)).signing_secret == SECRET
    await upgrade(engine)
    raw = await stored(sessions, ClientCrm.signing_secret)
    assert Fernet(KEY_B).decrypt(raw.removeprefix("sealed:v1:").encode()).decode() == SECRET

    sealed.install(sealed.Sealer([KEY_B]))  # the old key dropped: still readable
    async with sessions() as session:
        assert (await session.get(ClientRecordingDelivery, 1)).secret_access_key == S3_SECRET


async def test_a_lost_key_is_said_not_guessed(sessions):
    await seed(sessions)
    sealed.install(sealed.Sealer([KEY_B]))
    async with sessions() as session:
        with pytest.raises(sealed.UnreadableSecret, match="does not open"):
            await session.get(ClientCrm, 1)


def test_the_key_comes_from_the_settings_or_is_derived_from_the_secret_key():
    install_sealer(Settings(secret_key="a production secret of some length"))
    derived = sealed.installed().seal("x")
    assert (
        Fernet(sealed.derived_key("a production secret of some length")).decrypt(derived[10:].encode())
        == b"x"
    )
    install_sealer(Settings(secrets_key=KEY_B.decode()))
    assert Fernet(KEY_B).decrypt(sealed.installed().seal("y")[10:].encode()) == b"y"
    with pytest.raises(ValueError, match="DIALER_SECRETS_KEY"):
        install_sealer(Settings(secrets_key="not a key"))
