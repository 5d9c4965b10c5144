"""calls, operator states, contact leases, campaign ownership and timings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:28:00.968147
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import dialer.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operator_state_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "logged_out",
                "ready",
                "on_call",
                "wrap_up",
                "paused",
                name="operatorstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "previous",
            sa.Enum(
                "logged_out",
                "ready",
                "on_call",
                "wrap_up",
                "paused",
                name="operatorstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=50), nullable=True),
        sa.Column(
            "campaign_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("call_uid", sa.String(length=64), nullable=True),
        sa.Column("at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_state_events_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_state_events")),
    )
    with op.batch_alter_table("operator_state_events", schema=None) as batch_op:
        batch_op.create_index("ix_operator_state_events_operator_at", ["operator_id", "at"], unique=False)

    op.create_table(
        "operator_status",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "logged_out",
                "ready",
                "on_call",
                "wrap_up",
                "paused",
                name="operatorstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("since", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=50), nullable=True),
        sa.Column(
            "campaign_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("call_uid", sa.String(length=64), nullable=True),
        sa.Column("held_channel", sa.String(length=200), nullable=True),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("wrap_until", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_status_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_status")),
    )
    op.create_table(
        "pacing_decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mode_used", sa.String(length=20), nullable=False),
        sa.Column("calls_to_place", sa.Integer(), nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column(
            "inputs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            dialer.db.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_pacing_decisions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pacing_decisions")),
    )
    with op.batch_alter_table("pacing_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_pacing_decisions_campaign_at", ["campaign_id", "at"], unique=False)

    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("call_uid", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("trunk", sa.String(length=100), nullable=False),
        sa.Column("pbx", sa.String(length=100), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "placed",
                "ringing",
                "answered",
                "connected",
                "ended",
                name="callstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "human_connected",
                "abandoned",
                "machine",
                "busy",
                "no_answer",
                "congestion",
                "unreachable",
                "rejected",
                "channel_unavailable",
                "failed",
                "pbx_restart",
                "cancelled",
                name="calloutcome",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("hangup_cause", sa.Integer(), nullable=True),
        sa.Column(
            "hangup_side",
            sa.Enum("customer", "operator", "system", "pbx", name="hangupside", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("amd_status", sa.String(length=20), nullable=True),
        sa.Column("amd_cause", sa.String(length=100), nullable=True),
        sa.Column("placed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ringing_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("amd_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("abandoned_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("connected_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("wrap_ended_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ring_seconds", sa.Float(), nullable=True),
        sa.Column("talk_seconds", sa.Float(), nullable=True),
        sa.Column("wrap_seconds", sa.Float(), nullable=True),
        sa.Column("disposition_code", sa.String(length=50), nullable=True),
        sa.Column("disposition_note", sa.Text(), nullable=True),
        sa.Column("disposition_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("disposed_by", sa.String(length=50), nullable=True),
        sa.Column("hot_lead", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("crm_pushed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("recording_key", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_calls_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_calls_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_calls_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_uid", name=op.f("uq_calls_call_uid")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_campaign_answered", ["campaign_id", "answered_at"], unique=False)
        batch_op.create_index("ix_calls_campaign_placed", ["campaign_id", "placed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_calls_operator_placed", ["operator_id", "placed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_outcome"), ["outcome"], unique=False)

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("compliance_profile", sa.String(length=40), server_default="custom", nullable=False)
        )
        batch_op.add_column(sa.Column("advertising", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("ring_timeout_s", sa.Integer(), server_default="20", nullable=False))
        batch_op.add_column(
            sa.Column("connect_limit_ms", sa.Integer(), server_default="2000", nullable=False)
        )
        batch_op.add_column(sa.Column("wrap_up_s", sa.Integer(), server_default="10", nullable=False))
        batch_op.add_column(
            sa.Column(
                "operator_connection",
                sa.Enum("nailed_up", "ringing", name="operatorconnection", native_enum=False, length=20),
                server_default="nailed_up",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("owner_heartbeat_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("callback_operator_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_contacts_campaign_due", ["campaign_id", "status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_contacts_lease_owner", ["lease_owner"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_callback_operator_id_operators"),
            "operators",
            ["callback_operator_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contacts_callback_operator_id_operators"), type_="foreignkey")
        batch_op.drop_index("ix_contacts_lease_owner")
        batch_op.drop_index("ix_contacts_campaign_due")
        batch_op.drop_column("callback_operator_id")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("consent")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("owner_heartbeat_at")
        batch_op.drop_column("owner")
        batch_op.drop_column("operator_connection")
        batch_op.drop_column("wrap_up_s")
        batch_op.drop_column("connect_limit_ms")
        batch_op.drop_column("ring_timeout_s")
        batch_op.drop_column("advertising")
        batch_op.drop_column("compliance_profile")

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_outcome"))
        batch_op.drop_index("ix_calls_operator_placed")
        batch_op.drop_index(batch_op.f("ix_calls_contact_id"))
        batch_op.drop_index("ix_calls_campaign_placed")
        batch_op.drop_index("ix_calls_campaign_answered")

    op.drop_table("calls")
    with op.batch_alter_table("pacing_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_pacing_decisions_campaign_at")

    op.drop_table("pacing_decisions")
    op.drop_table("operator_status")
    with op.batch_alter_table("operator_state_events", schema=None) as batch_op:
        batch_op.drop_index("ix_operator_state_events_operator_at")

    op.drop_table("operator_state_events")
