"""rename vendors.name to business_name

Revision ID: e7a2d5c9f014
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-01 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7a2d5c9f014"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("vendors", "name", new_column_name="business_name")


def downgrade() -> None:
    op.alter_column("vendors", "business_name", new_column_name="name")
