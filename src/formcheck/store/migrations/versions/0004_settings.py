"""Settings the dashboard remembers: the report's therapist, practice and form of address.

Revision ID: 0004
Revises: 0003

One row per key (``report.therapist``, ``report.practice``, ``report.address``;
in clinic mode ``report.<name>@<username>`` per login). No patient data.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("setting")
