"""backfill review_priority

Revision ID: a8d35f27c1e9
Revises: 71c4e9a0b2d8
Create Date: 2026-05-25 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a8d35f27c1e9"
down_revision = "71c4e9a0b2d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Large expenses are reviewed first; everything else gets the normal priority 0.
    op.execute(
        "UPDATE expenses SET review_priority = CASE WHEN amount >= 500 THEN 1 ELSE 0 END "
        "WHERE review_priority IS NULL"
    )


def downgrade() -> None:
    # The backfilled values cannot be told apart from values written later, so they stay.
    pass
