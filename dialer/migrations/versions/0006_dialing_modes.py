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

    op.create_table(
        "preview_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "dialing",
                "failed",
                "cancelled",
                name="previewstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("taken_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("engine", sa.String(length=100), nullable=True),
        sa.Column("call_uid", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("preview_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preview_requests_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preview_requests_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index("ix_preview_requests_status_campaign", ["status", "campaign_id"], unique=False)

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amd_review", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("amd_review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("amd_reviewed_by", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("amd_reviewed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("preview_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_preview_requests_status_campaign")
        batch_op.drop_index(batch_op.f("ix_preview_requests_operator_id"))
        batch_op.drop_index(batch_op.f("ix_preview_requests_contact_id"))
    op.drop_table("preview_requests")

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("amd_reviewed_at")
        batch_op.drop_column("amd_reviewed_by")
        batch_op.drop_column("amd_review_note")
        batch_op.drop_column("amd_review")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("machine_message")
        batch_op.drop_column("abandon_message")
        batch_op.drop_column("dial_ratio")
