"""Clinic server mode: therapist accounts and the audit log.

Revision ID: 0003
Revises: 0002

The audit log names patients by id only (a pseudonym is erased with its
patient; the log entry that records the erasure stays) and never holds video
content or analysis numbers.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
    )
    op.create_index("ix_account_username", "account", ["username"], unique=True)
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("patient_id", sa.Integer, nullable=True),
        sa.Column("session_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.String(255), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_patient", "audit", ["patient_id"])


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("account")
