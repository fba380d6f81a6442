"""add cost_center to expenses and backfill it

Revision ID: 6a2d9e4f1b38
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-13 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "6a2d9e4f1b38"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("cost_center", sa.String(length=20), nullable=True))
    op.execute("UPDATE expenses SET cost_center = 'CC-' || upper(category)")


def downgrade() -> None:
    op.drop_column("expenses", "cost_center")
