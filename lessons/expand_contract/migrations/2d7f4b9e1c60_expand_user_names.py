"""expand: add first_name and last_name to users

Revision ID: 2d7f4b9e1c60
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-15 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2d7f4b9e1c60"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("first_name", sa.String(127), nullable=True))
    op.add_column("users", sa.Column("last_name", sa.String(127), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "last_name")
    op.drop_column("users", "first_name")
