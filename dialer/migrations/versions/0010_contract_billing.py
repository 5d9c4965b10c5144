"""contract billing terms, frozen billing periods, volume alerts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import dialer.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_ROUNDINGS = (
    "ROUND_HALF_UP",
    "ROUND_HALF_EVEN",
    "ROUND_HALF_DOWN",
    "ROUND_UP",
    "ROUND_DOWN",
    "ROUND_CEILING",
    "ROUND_FLOOR",
)


def _enum(name: str, *values: str, length: int = 30) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(
            sa.Column("billing_timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch.add_column(sa.Column("talk_increment_s", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("talk_minimum_s", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("talk_free_under_s", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column(
                "vat_mode",
                _enum("vatmode", "none", "included", "added"),
                server_default="included",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column(
                "money_rounding",
                _enum("rounding", *_ROUNDINGS),
                server_default="ROUND_HALF_UP",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("contact_prices", _JSON, server_default="{}", nullable=False))
        batch.add_column(
            sa.Column(
                "contacts_counted",
                _enum("contactcounting", "final", "marked"),
                server_default="final",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column(
                "seat_count",
                _enum("seatcount", "max_concurrent", "distinct_operators", "average_daily"),
                server_default="max_concurrent",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("seat_pauses_paid", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(sa.Column("plan_hours", dialer.db.types.Money(precision=20, scale=6), nullable=True))
        batch.add_column(sa.Column("plan_price", dialer.db.types.Money(precision=20, scale=6), nullable=True))
        batch.add_column(
            sa.Column(
                "volume_scope",
                _enum("volumescope", "month", "contract"),
                server_default="month",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("alert_thresholds", _JSON, server_default='["0.8", "1"]', nullable=False))
        batch.add_column(
            sa.Column("stop_campaigns_when_used_up", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("recorded_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True))
        batch.create_index("ix_calls_campaign_recorded", ["campaign_id", "recorded_at"], unique=False)
    # Calls that ended before this revision were recorded when they ended.
    op.execute("UPDATE calls SET recorded_at = ended_at WHERE ended_at IS NOT NULL")

    op.create_table(
        "billing_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=7), nullable=False),
        sa.Column("starts_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pricing_model", sa.String(length=40), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("late_calls", sa.Integer(), nullable=False),
        sa.Column("subtotal", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("vat", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("total", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("statement", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_billing_periods_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_periods")),
        sa.UniqueConstraint(
            "contract_id", "period_key", name=op.f("uq_billing_periods_contract_id_period_key")
        ),
    )
    op.create_index(op.f("ix_billing_periods_contract_id"), "billing_periods", ["contract_id"], unique=False)

    op.create_table(
        "volume_alerts",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("span_key", sa.String(length=20), nullable=False),
        sa.Column("threshold", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("committed", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("used", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("crossed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("stopped_campaigns", _JSON, nullable=False),
        sa.Column(
            "delivery",
            _enum("alertdelivery", "pending", "delivered", "failed", "no_webhook", length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_volume_alerts_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volume_alerts")),
        sa.UniqueConstraint(
            "contract_id",
            "span_key",
            "threshold",
            name=op.f("uq_volume_alerts_contract_id_span_key_threshold"),
        ),
    )
    op.create_index(op.f("ix_volume_alerts_contract_id"), "volume_alerts", ["contract_id"], unique=False)
    op.create_index(
        "ix_volume_alerts_delivery_due", "volume_alerts", ["delivery", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_volume_alerts_delivery_due", table_name="volume_alerts")
    op.drop_index(op.f("ix_volume_alerts_contract_id"), table_name="volume_alerts")
    op.drop_table("volume_alerts")
    op.drop_index(op.f("ix_billing_periods_contract_id"), table_name="billing_periods")
    op.drop_table("billing_periods")
    with op.batch_alter_table("calls") as batch:
        batch.drop_index("ix_calls_campaign_recorded")
        batch.drop_column("recorded_at")
    with op.batch_alter_table("contracts") as batch:
        for column in (
            "stop_campaigns_when_used_up",
            "alert_thresholds",
            "volume_scope",
            "plan_price",
            "plan_hours",
            "seat_pauses_paid",
            "seat_count",
            "contacts_counted",
            "contact_prices",
            "money_rounding",
            "vat_mode",
            "talk_free_under_s",
            "talk_minimum_s",
            "talk_increment_s",
            "billing_timezone",
        ):
            batch.drop_column(column)
