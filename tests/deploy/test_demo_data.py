"""``dialer db demo-data`` (the compose file's ``demo`` profile): the demo campaign, its operators
and contacts in the configured database, their softphones provisioned; a second run changes nothing."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from dialer.campaigns.models import Campaign
from dialer.cli import main
from dialer.contacts.models import Contact
from dialer.db.engine import make_engine, make_sessionmaker
from dialer.operators.models import Operator

TABLES = (Campaign, Operator, Contact)


def counts(database_url: str) -> tuple[int | None, ...]:
    async def read() -> tuple[int | None, ...]:
        engine = make_engine(database_url)  # its own, on this call's event loop
        try:
            async with make_sessionmaker(engine)() as session:
                return tuple([await session.scalar(select(func.count()).select_from(t)) for t in TABLES])
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_demo_data_seeds_once(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALER_DATA_DIR", str(tmp_path / "data"))
    pjsip = tmp_path / "pjsip_operators.conf"
    monkeypatch.setenv("DIALER_PJSIP_OPERATORS_FILE", str(pjsip))
    monkeypatch.setenv("DIALER_AMI_SERVERS", "[]")  # no Asterisk to reload here
    assert main(["db", "demo-data", "--contacts", "40", "--operators", "3"]) == 0
    assert "demo campaign" in capsys.readouterr().out
    assert counts(database_url) == (1, 3, 40)
    assert all(f"[{endpoint}](operator)" in pjsip.read_text() for endpoint in ("1001", "1002", "1003"))
    assert main(["db", "demo-data"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert counts(database_url) == (1, 3, 40)
