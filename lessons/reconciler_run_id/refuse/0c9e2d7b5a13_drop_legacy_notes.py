"""drop unused legacy_notes from expenses

Revision ID: 0c9e2d7b5a13
Revises: 3f7a9c2e8d41
Create Date: 2026-05-20 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0c9e2d7b5a13"
down_revision = "3f7a9c2e8d41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("expenses", "legacy_notes")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("legacy_notes", sa.Text(), nullable=True))
