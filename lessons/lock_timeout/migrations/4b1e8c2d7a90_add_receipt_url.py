"""add receipt_url to expenses

Revision ID: 4b1e8c2d7a90
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4b1e8c2d7a90"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("receipt_url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "receipt_url")
