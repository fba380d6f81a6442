"""index only matched expenses

Revision ID: 8b1d4e6f0a27
Revises: 3f7a9c2e8d41
Create Date: 2026-05-19 09:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8b1d4e6f0a27"
down_revision = "3f7a9c2e8d41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Most expenses are unmatched for weeks; a partial index leaves their NULLs out.
    op.drop_index("ix_expenses_matched_receipt_id", table_name="expenses")
    op.create_index(
        "ix_expenses_matched_receipt_id",
        "expenses",
        ["matched_receipt_id"],
        postgresql_where=sa.text("matched_receipt_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_expenses_matched_receipt_id", table_name="expenses")
    op.create_index("ix_expenses_matched_receipt_id", "expenses", ["matched_receipt_id"])
