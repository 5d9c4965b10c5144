"""QA scorecards, scores, comments and daily samples

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import dialer.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "qa_scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sample_per_operator", sa.Integer(), nullable=True),
        sa.Column("created_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_qa_scorecards_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_scorecards")),
        sa.UniqueConstraint("campaign_id", "version", name=op.f("uq_qa_scorecards_campaign_id_version")),
    )
    op.create_table(
        "qa_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("weight", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column(
            "scale",
            sa.Enum("points", "yes_no", name="scale", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("max_points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["qa_scorecards.id"],
            name=op.f("fk_qa_criteria_scorecard_id_qa_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_criteria")),
        sa.UniqueConstraint("scorecard_id", "key", name=op.f("uq_qa_criteria_scorecard_id_key")),
    )
    op.create_table(
        "qa_scores",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("call_id", BIG_ID, nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("call_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("scorer", sa.String(length=100), nullable=False),
        sa.Column("scorer_role", sa.String(length=20), nullable=False),
        sa.Column("percent", dialer.db.types.Money(precision=20, scale=6), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column(
            "moments",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_qa_scores_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_qa_scores_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_qa_scores_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["qa_scorecards.id"],
            name=op.f("fk_qa_scores_scorecard_id_qa_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_scores")),
        sa.UniqueConstraint("call_id", "scorer", name=op.f("uq_qa_scores_call_id_scorer")),
    )
    with op.batch_alter_table("qa_scores", schema=None) as batch_op:
        batch_op.create_index("ix_qa_scores_campaign_call_at", ["campaign_id", "call_at"], unique=False)
        batch_op.create_index("ix_qa_scores_operator_call_at", ["operator_id", "call_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_qa_scores_scorecard_id"), ["scorecard_id"], unique=False)

    op.create_table(
        "qa_score_values",
        sa.Column("score_id", BIG_ID, nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["qa_criteria.id"],
            name=op.f("fk_qa_score_values_criterion_id_qa_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["qa_scores.id"],
            name=op.f("fk_qa_score_values_score_id_qa_scores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("score_id", "criterion_id", name=op.f("pk_qa_score_values")),
    )
    with op.batch_alter_table("qa_score_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_score_values_criterion_id"), ["criterion_id"], unique=False)

    op.create_table(
        "qa_queue",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("call_id", BIG_ID, nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "claimed", "done", name="queuestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("score_id", BIG_ID, nullable=True),
        sa.Column("done_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_qa_queue_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_qa_queue_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_qa_queue_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["score_id"], ["qa_scores.id"], name=op.f("fk_qa_queue_score_id_qa_scores"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_queue")),
        sa.UniqueConstraint("call_id", name=op.f("uq_qa_queue_call_id")),
    )
    with op.batch_alter_table("qa_queue", schema=None) as batch_op:
        batch_op.create_index("ix_qa_queue_operator_day", ["operator_id", "day"], unique=False)
        batch_op.create_index("ix_qa_queue_status_campaign", ["status", "campaign_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("qa_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_queue_status_campaign")
        batch_op.drop_index("ix_qa_queue_operator_day")
    op.drop_table("qa_queue")
    with op.batch_alter_table("qa_score_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_score_values_criterion_id"))
    op.drop_table("qa_score_values")
    with op.batch_alter_table("qa_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_scores_scorecard_id"))
        batch_op.drop_index("ix_qa_scores_operator_call_at")
        batch_op.drop_index("ix_qa_scores_campaign_call_at")
    op.drop_table("qa_scores")
    op.drop_table("qa_criteria")
    op.drop_table("qa_scorecards")
