"""add review_note to expenses

Revision ID: 49a2e7179de5
Revises: ab12cd34e5f6
Create Date: 2026-05-13 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "49a2e7179de5"
down_revision = "ab12cd34e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_note", sa.String(255), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "review_note")
