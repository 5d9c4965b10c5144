"""Every stored secret sealed under the first key, after the migrations (``dialer.db.migrate.upgrade``).

The sealed columns are listed here, above the models that declare them (``dialer.db.sealed`` is the
column type the models use, so it knows none of them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncConnection

from dialer.call_recordings.models import ClientRecordingDelivery
from dialer.clients.models import ClientCrm
from dialer.db.sealed import installed
from dialer.operators.models import Operator


async def reseal_all(connection: AsyncConnection) -> int:
    """Seal every stored secret under the first key: those still in clear, and those sealed under an
    older key (rotation); how many rows were written."""
    written = 0
    for model, column in (
        (ClientCrm, "signing_secret"),
        (ClientRecordingDelivery, "secret_access_key"),
        (Operator, "sip_password"),
    ):
        table: Any = model.__table__
        (key,) = table.primary_key.columns
        raw = type_coerce(table.c[column], String())
        query = table.select().with_only_columns(key, raw).where(raw.is_not(None))
        for row_key, stored in (await connection.execute(query)).all():
            await connection.execute(
                update(table)
                .where(key == row_key)
                .values({column: type_coerce(installed().reseal(stored), String())})  # sealed once, here
            )
            written += 1
    return written
