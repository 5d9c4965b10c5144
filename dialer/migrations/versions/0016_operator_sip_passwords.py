"""operators: the softphone's SIP password

``operators.sip_password``: the generated password of the operator's PJSIP auth (dialer.softphones),
sealed at rest. Operators that exist get one here, in clear for the moment:
``dialer.db.migrate.upgrade`` seals it right after the migrations (``dialer.db.reseal.reseal_all``).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:30:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sip_password", sa.String(300), nullable=True))
    operators = sa.table("operators", sa.column("id", sa.Integer), sa.column("sip_password", sa.String))
    connection = op.get_bind()
    for (operator_id,) in connection.execute(sa.select(operators.c.id)).all():
        connection.execute(
            operators.update()
            .where(operators.c.id == operator_id)
            .values(sip_password=secrets.token_urlsafe(18))
        )


def downgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_column("sip_password")
