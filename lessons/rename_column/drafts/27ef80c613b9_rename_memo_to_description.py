"""rename memo to description

Revision ID: 27ef80c613b9
Revises: e7a2d5c9f014
Create Date: 2026-05-27 10:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "27ef80c613b9"
down_revision = "e7a2d5c9f014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("expenses", "memo")
    op.add_column("expenses", sa.Column("description", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "description")
    op.add_column("expenses", sa.Column("memo", sa.Text(), nullable=True))
