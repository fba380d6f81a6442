"""rename expenses.memo to description

Revision ID: 1b5f9c2e8d63
Revises: e7a2d5c9f014
Create Date: 2026-06-02 09:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1b5f9c2e8d63"
down_revision = "e7a2d5c9f014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("expenses", "memo", new_column_name="description")


def downgrade() -> None:
    op.alter_column("expenses", "description", new_column_name="memo")
