"""add reconciler_run_id to expenses

Revision ID: 50bd4c44b874
Revises: 3f7a9c2e8d41
Create Date: 2026-05-20 16:52:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "50bd4c44b874"
down_revision = "3f7a9c2e8d41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("reconciler_run_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "reconciler_run_id")
