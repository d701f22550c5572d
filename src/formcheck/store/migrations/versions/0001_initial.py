"""Patients and their sessions.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pseudonym", sa.String(80), nullable=False),
        sa.Column("birth_year", sa.Integer, nullable=True),
        sa.Column("height_cm", sa.Float, nullable=True),
        sa.Column("leg_length_cm", sa.Float, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
    )
    op.create_index("ix_patient_pseudonym", "patient", ["pseudonym"], unique=True)
    op.create_table(
        "session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id", ondelete="CASCADE"), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("view", sa.String(16), nullable=False),
        sa.Column("video_sha256", sa.String(64), nullable=False),
        sa.Column("video_ext", sa.String(8), nullable=False),
        sa.Column("video_name", sa.String(255), nullable=False, server_default=""),
        sa.Column("capture_fps", sa.Float, nullable=True),
        sa.Column("analysis", sa.JSON, nullable=False),
        sa.Column("formcheck_version", sa.String(32), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, server_default=sa.func.now()),
    )
    op.create_index("ix_session_patient_id", "session", ["patient_id"])
    op.create_index("ix_session_video_sha256", "session", ["video_sha256"])


def downgrade() -> None:
    op.drop_table("session")
    op.drop_table("patient")
