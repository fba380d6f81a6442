"""add review_priority to expenses, nullable

Revision ID: 71c4e9a0b2d8
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-25 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "71c4e9a0b2d8"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_priority", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "review_priority")
