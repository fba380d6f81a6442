"""reset review_priority to the default

Revision ID: 3b7e0c5a9f14
Revises: f2b6c08d93a4
Create Date: 2026-05-27 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3b7e0c5a9f14"
down_revision = "f2b6c08d93a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "Everything should start from the default now that the column is NOT NULL."
    op.execute("UPDATE expenses SET review_priority = 0")


def downgrade() -> None:
    pass
