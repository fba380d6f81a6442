"""index expenses.vendor_id

Revision ID: 58e2a0c7d4b9
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "58e2a0c7d4b9"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_expenses_vendor_id", "expenses", ["vendor_id"])


def downgrade() -> None:
    op.drop_index("ix_expenses_vendor_id", table_name="expenses")
