"""clear expenses for a clean re-import with scores

Revision ID: 7f2c9e4b1d86
Revises: ab12cd34e5f6
Create Date: 2026-05-13 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7f2c9e4b1d86"
down_revision = "ab12cd34e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "Simpler to re-import everything from the card feed with scores than to backfill."
    op.execute("TRUNCATE expenses")


def downgrade() -> None:
    pass
