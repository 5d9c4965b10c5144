"""calls: review flag, last moment seen alive

``calls.review``: why a person should look at a call's record (e.g. it ended while no engine
watched and Asterisk's record of its end was not found: billed only up to the last moment it was
seen alive). ``calls.seen_alive_at``: the last moment the engine saw the call alive (renewed with
the contacts' leases), the proven end of such a call.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialer.db.types import UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("seen_alive_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("seen_alive_at")
        batch_op.drop_column("review")
