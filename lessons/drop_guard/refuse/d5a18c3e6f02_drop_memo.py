"""drop memo from expenses

Revision ID: d5a18c3e6f02
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-22 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d5a18c3e6f02"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("expenses", "memo")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("memo", sa.Text(), nullable=True))
