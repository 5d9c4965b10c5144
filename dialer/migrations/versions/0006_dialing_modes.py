"""campaign dialing: fixed ratio, preview requests, per-campaign messages, AMD reviews

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialer.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dial_ratio", dialer.db.types.Money(precision=20, scale=6), nullable=True)
        )
        batch_op.add_column(
            sa.Column("abandon_message", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("machine_message", sa.String(length=200), server_default="", nullable=False)
        )

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amd_review", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("amd_review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("amd_reviewed_by", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("amd_reviewed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("amd_reviewed_at")
        batch_op.drop_column("amd_reviewed_by")
        batch_op.drop_column("amd_review_note")
        batch_op.drop_column("amd_review")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("machine_message")
        batch_op.drop_column("abandon_message")
        batch_op.drop_column("dial_ratio")
