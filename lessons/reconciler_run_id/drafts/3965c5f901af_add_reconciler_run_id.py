"""add reconciler_run_id to expenses

Revision ID: 3965c5f901af
Revises: 3f7a9c2e8d41
Create Date: 2026-05-20 16:52:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3965c5f901af"
down_revision = "3f7a9c2e8d41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("reconciler_run_id", sa.Uuid(), nullable=True))
    op.create_index("ix_expenses_reconciler_run_id", "expenses", ["reconciler_run_id"])


def downgrade() -> None:
    op.drop_index("ix_expenses_reconciler_run_id", table_name="expenses")
    op.drop_column("expenses", "reconciler_run_id")
