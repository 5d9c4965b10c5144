"""contacts: extension, calling-hours parking; import jobs: the sheet read

``contacts.extension``: the office extension written after the number (``доб. 123``), dialed as DTMF
after answer. ``contacts.parked_due``: when a contact was due before the lease pushed it to the next
opening of the calling hours; a change of the campaign's hours puts it back to that time.
``import_jobs.sheet``: the XLSX sheet an import read.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialer.db.types import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extension", sa.String(16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("parked_due", UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sheet", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_column("sheet")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("parked_due")
        batch_op.drop_column("extension")
