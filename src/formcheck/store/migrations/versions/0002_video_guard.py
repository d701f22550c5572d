"""A one-row table whose row lock serialises every change to the stored video files.

Revision ID: 0002
Revises: 0001

A save that places a video and inserts its session, and an erasure that checks
a video's users and deletes the file, both start by updating this row, so on
SQLite (one writer at a time) and PostgreSQL (row lock until commit) neither
can run between the other's check and its change.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    guard = op.create_table(
        "video_guard",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("changes", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(guard, [{"id": 1, "changes": 0}])


def downgrade() -> None:
    op.drop_table("video_guard")
