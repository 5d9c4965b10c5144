"""live events: the stored event stream the pages follow; a hang-up asked from the page

``live_events``: one row per event (an operator's state, a call put through or ended, a preview
offer, survey answers, a volume alert) with who may see it (client, campaign, operator); its id is
the stream's ``Last-Event-ID``. Pruned after a day (``dialer.live.publish.KEEP``). Volume alerts
raised from now on are published here too (their ids in the stream change: a page reconnecting
across this upgrade starts from the newest event).

``calls.hangup_requested_at``: the operator asked from their page to hang up; the engine that drives
the call (maybe another process) hangs it up at its next tick.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialer.db.types import JsonDocument, UtcDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("data", JsonDocument, nullable=False),
    )
    op.create_index("ix_live_events_at", "live_events", ["at"])
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hangup_requested_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("hangup_requested_at")
    op.drop_index("ix_live_events_at", table_name="live_events")
    op.drop_table("live_events")
