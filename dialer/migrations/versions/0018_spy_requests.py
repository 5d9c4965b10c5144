"""spy requests: a supervisor's listen, whisper or barge, asked through the API, placed by the engine

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialer.db.types import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spy_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("call_uid", sa.String(length=64), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("listen", "whisper", "barge", name="spymode", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "dialing",
                "active",
                "ended",
                "failed",
                name="spystatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("engine", sa.String(length=100), nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("target_channel", sa.String(length=200), nullable=True),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spy_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spy_requests_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index("ix_spy_requests_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("spy_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_spy_requests_status")
        batch_op.drop_index(batch_op.f("ix_spy_requests_operator_id"))
    op.drop_table("spy_requests")
