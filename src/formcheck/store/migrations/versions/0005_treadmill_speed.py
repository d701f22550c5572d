"""Treadmill speed: remembered per patient, stored with each session.

Revision ID: 0005
Revises: 0004

``patient.speed_mps``: the belt speed last used for the patient (the dashboard and
``formcheck sessions add`` offer it again); ``session.speed_mps``: the speed the
session was analysed with (also in its result, ``analysis.speed_mps``), so a
progress report compares sessions of the same speed. Both in m/s, NULL = not known.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("speed_mps", sa.Float, nullable=True))
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("speed_mps", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("speed_mps")
    with op.batch_alter_table("patient") as batch:
        batch.drop_column("speed_mps")
