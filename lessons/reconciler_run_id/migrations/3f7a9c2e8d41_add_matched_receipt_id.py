"""add matched_receipt_id to expenses

Revision ID: 3f7a9c2e8d41
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-18 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3f7a9c2e8d41"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("matched_receipt_id", sa.Uuid(), nullable=True))
    op.create_index("ix_expenses_matched_receipt_id", "expenses", ["matched_receipt_id"])


def downgrade() -> None:
    op.drop_index("ix_expenses_matched_receipt_id", table_name="expenses")
    op.drop_column("expenses", "matched_receipt_id")
