"""drop unused legacy_notes from expenses

Revision ID: 6a2f8e1c9d47
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-21 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "6a2f8e1c9d47"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("expenses", "legacy_notes")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("legacy_notes", sa.Text(), nullable=True))
