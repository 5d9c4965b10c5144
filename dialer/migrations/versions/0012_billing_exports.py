"""billing export: calls in placing order

An index on calls (placed_at, id): a month's calls read in the order the billing export and the
statement list them, as a range of the index instead of a sort of the whole month.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_placed_id", ["placed_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_placed_id")
