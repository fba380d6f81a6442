"""widen expenses.amount to numeric(12,2)

Revision ID: 6d1a8c4f2e95
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "6d1a8c4f2e95"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Large hotel invoices need more digits; widening keeps amounts numeric.
    op.alter_column(
        "expenses",
        "amount",
        existing_type=sa.Numeric(10, 2),
        type_=sa.Numeric(12, 2),
        existing_nullable=False,
    )


def downgrade() -> None:
    op.alter_column(
        "expenses",
        "amount",
        existing_type=sa.Numeric(12, 2),
        type_=sa.Numeric(10, 2),
        existing_nullable=False,
    )
