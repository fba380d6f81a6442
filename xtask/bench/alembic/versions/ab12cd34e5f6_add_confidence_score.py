"""add confidence_score to expenses

Revision ID: ab12cd34e5f6
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-11 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "ab12cd34e5f6"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("confidence_score", sa.Numeric(4, 3), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "confidence_score")
