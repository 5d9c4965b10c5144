"""sign-in limits, account lockout, token revocation, room for sealed secrets

Counters of sign-in attempts per account and per address shared by every process; on users, the
wrong passwords in a row, when the account locked, and the instant before which its tokens are dead
(deactivation); bearer tokens signed out before their expiry; CRM signing secrets and S3 delivery
keys widened to hold their sealed form (sealed by dialer.db.migrate.upgrade after the migrations).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialer.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_counters",
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_counters")),
    )
    with op.batch_alter_table("sign_in_counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_counters_window_start"), ["window_start"], unique=False)
    op.create_table(
        "revoked_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", dialer.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_revoked_tokens")),
    )
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revoked_tokens_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_at", dialer.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("tokens_valid_after", dialer.db.types.UtcDateTime(timezone=True), nullable=True)
        )

    # Room for sealed secrets (dialer.db.sealed): ``sealed:v1:`` and a Fernet token of the secret.
    with op.batch_alter_table("client_crm", schema=None) as batch_op:
        batch_op.alter_column(
            "signing_secret", existing_type=sa.String(length=200), type_=sa.String(length=1000)
        )
    with op.batch_alter_table("client_recording_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "secret_access_key", existing_type=sa.String(length=500), type_=sa.String(length=1000)
        )


def downgrade() -> None:
    with op.batch_alter_table("client_recording_delivery", schema=None) as batch_op:
        batch_op.alter_column(
            "secret_access_key", existing_type=sa.String(length=1000), type_=sa.String(length=500)
        )
    with op.batch_alter_table("client_crm", schema=None) as batch_op:
        batch_op.alter_column(
            "signing_secret", existing_type=sa.String(length=1000), type_=sa.String(length=200)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("tokens_valid_after")
        batch_op.drop_column("locked_at")
        batch_op.drop_column("failed_sign_ins")
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoked_tokens_expires_at"))
    op.drop_table("revoked_tokens")
    with op.batch_alter_table("sign_in_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_counters_window_start"))
    op.drop_table("sign_in_counters")
