"""calls: billable seconds, stored once when the call ends

``calls.billable_seconds``: the talk billing counts, whole seconds from ``connected_at`` to
``ended_at`` with a started second counting whole (0 if never connected; null while the call is
open). The calls package writes it when a call ends; metering, the billing export and the QA search
read it instead of each working it out again.

Calls that ended before this revision are filled in here by the same rule
(``dialer.billing.talk_time.call_talk_seconds``), in Python and in batches of ids, so both databases
get exactly the values the running service would have stored.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialer.billing.talk_time import call_talk_seconds
from dialer.db.types import UtcDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

calls = sa.table(
    "calls",
    sa.column("id", sa.BigInteger),
    sa.column("connected_at", UtcDateTime(timezone=True)),
    sa.column("ended_at", UtcDateTime(timezone=True)),
    sa.column("billable_seconds", sa.Integer),
)


def backfill(connection: sa.Connection, batch: int = BATCH) -> None:
    """Store the billable seconds of every ended call that has none, ``batch`` calls at a time."""
    after = 0
    while True:
        rows = connection.execute(
            sa.select(calls.c.id, calls.c.connected_at, calls.c.ended_at)
            .where(calls.c.id > after, calls.c.ended_at.is_not(None), calls.c.billable_seconds.is_(None))
            .order_by(calls.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        connection.execute(
            calls.update().where(calls.c.id == sa.bindparam("call_id")),
            [
                {"call_id": call_id, "billable_seconds": call_talk_seconds(connected_at, ended_at)}
                for call_id, connected_at, ended_at in rows
            ],
        )
        after = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billable_seconds", sa.Integer(), nullable=True))
    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("billable_seconds")
