"""recordings filed under call records, campaign recording policy

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialer.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recording_policy",
                sa.Enum("all", "connected", "none", name="recordingpolicy", native_enum=False, length=20),
                server_default="connected",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("recording_split_legs", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_policy", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "recording_status",
                sa.Enum(
                    "pending",
                    "filed",
                    "missing",
                    "empty",
                    "corrupt",
                    "not_recorded_by_policy",
                    "deleted",
                    name="recordingstatus",
                    native_enum=False,
                    length=30,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("recording_problem", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("recording_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("recording_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("recording_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("recording_format", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("recording_filed_at", dialer.db.types.UtcDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_calls_recording_status"), ["recording_status"], unique=False)
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_retention_days", sa.Integer(), nullable=True))
    op.create_table(
        "client_recording_delivery",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("local", "s3", name="deliverykind", native_enum=False, length=10), nullable=False
        ),
        sa.Column("folder", sa.String(length=1000), nullable=True),
        sa.Column("bucket", sa.String(length=255), nullable=True),
        sa.Column("prefix", sa.String(length=500), server_default="", nullable=False),
        sa.Column("endpoint_url", sa.String(length=1000), nullable=True),
        sa.Column("region", sa.String(length=50), server_default="us-east-1", nullable=False),
        sa.Column("access_key_id", sa.String(length=200), nullable=True),
        sa.Column("secret_access_key", sa.String(length=500), nullable=True),
        sa.Column(
            "updated_at",
            dialer.db.types.UtcDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id"),
    )


def downgrade() -> None:
    op.drop_table("client_recording_delivery")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("recording_retention_days")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_recording_status"))
        batch_op.drop_column("recording_filed_at")
        batch_op.drop_column("recording_format")
        batch_op.drop_column("recording_sha256")
        batch_op.drop_column("recording_bytes")
        batch_op.drop_column("recording_seconds")
        batch_op.drop_column("recording_problem")
        batch_op.drop_column("recording_status")
        batch_op.drop_column("recording_policy")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("recording_split_legs")
        batch_op.drop_column("recording_policy")
