"""Operators that existed before softphones were provisioned get a generated password, sealed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade
from dialer.operators.models import Operator


async def test_existing_operators_get_a_sealed_generated_password(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0015")
        async with engine.begin() as connection:
            for login, endpoint in (("anna", "1001"), ("boris", "1002")):
                await connection.execute(
                    text("INSERT INTO operators (name, login, sip_endpoint, active) VALUES (:n, :n, :e, 1)"),
                    {"n": login, "e": endpoint},
                )
        await upgrade(engine)
        async with engine.connect() as connection:
            raw = list((await connection.execute(text("SELECT sip_password FROM operators"))).scalars())
        assert len(raw) == 2 and all(value.startswith("sealed:v1:") for value in raw)
        async with make_sessionmaker(engine)() as session:
            passwords = [
                o.sip_password for o in (await session.get(Operator, 1), await session.get(Operator, 2)) if o
            ]
        assert len(set(passwords)) == 2 and all(p and len(p) == 24 for p in passwords)
    finally:
        await engine.dispose()
