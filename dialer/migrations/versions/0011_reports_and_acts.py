"""daily and monthly reports, acceptance acts, mail outbox

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import dialer.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_recipients",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column(
            "emails",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("daily_email", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("daily_webhook", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("monthly_email", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "updated_at",
            dialer.db.types.UtcDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_report_recipients_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_report_recipients")),
    )
    op.create_table(
        "monthly_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("generated_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_monthly_reports_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_reports")),
        sa.UniqueConstraint("contract_id", "period", name=op.f("uq_monthly_reports_contract_id_period")),
    )
    op.create_index(op.f("ix_monthly_reports_contract_id"), "monthly_reports", ["contract_id"], unique=False)
    op.create_table(
        "acceptance_acts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("replaces_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("net", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("vat", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("total", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "issued",
                "signed",
                "disputed",
                "deemed_accepted",
                name="actstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("issued_by", sa.String(length=50), nullable=False),
        sa.Column("decided_by", sa.String(length=50), nullable=True),
        sa.Column("created_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_acceptance_acts_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_acceptance_acts_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["acceptance_acts.id"],
            name=op.f("fk_acceptance_acts_replaces_id_acceptance_acts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monthly_reports.id"],
            name=op.f("fk_acceptance_acts_report_id_monthly_reports"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptance_acts")),
        sa.UniqueConstraint("number", name=op.f("uq_acceptance_acts_number")),
    )
    op.create_index(op.f("ix_acceptance_acts_client_id"), "acceptance_acts", ["client_id"], unique=False)
    op.create_index(
        "ix_acceptance_acts_contract_period", "acceptance_acts", ["contract_id", "period"], unique=False
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "recipients",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("lead_delivery_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="mailstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=100), nullable=True),
        sa.Column("lease_expires_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_delivery_id"],
            ["lead_deliveries.id"],
            name=op.f("fk_mail_outbox_lead_delivery_id_lead_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_outbox_key")),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        op.f("ix_mail_outbox_lead_delivery_id"), "mail_outbox", ["lead_delivery_id"], unique=False
    )
    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_outbox.id"],
            name=op.f("fk_mail_attachments_message_id_mail_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
    )
    op.create_index(op.f("ix_mail_attachments_message_id"), "mail_attachments", ["message_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_attachments_message_id"), table_name="mail_attachments")
    op.drop_table("mail_attachments")
    op.drop_index(op.f("ix_mail_outbox_lead_delivery_id"), table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_acceptance_acts_contract_period", table_name="acceptance_acts")
    op.drop_index(op.f("ix_acceptance_acts_client_id"), table_name="acceptance_acts")
    op.drop_table("acceptance_acts")
    op.drop_index(op.f("ix_monthly_reports_contract_id"), table_name="monthly_reports")
    op.drop_table("monthly_reports")
    op.drop_table("report_recipients")
