"""index expenses.vendor_id concurrently

Revision ID: 0f6d9b3e7a25
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0f6d9b3e7a25"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # CONCURRENTLY cannot run inside a transaction, so this step commits Alembic's
    # transaction, runs on its own, and a new transaction starts after it.
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_expenses_vendor_id",
            "expenses",
            ["vendor_id"],
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_expenses_vendor_id",
            table_name="expenses",
            postgresql_concurrently=True,
        )
