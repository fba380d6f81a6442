"""drop users.name

Revision ID: c6a0e4d8b1f7
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-17 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c6a0e4d8b1f7"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("users", "name")


def downgrade() -> None:
    op.add_column("users", sa.Column("name", sa.String(255), nullable=True))
