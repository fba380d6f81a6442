"""expand: add email_normalized to users

Revision ID: 4f1b7e2c9d03
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-17 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4f1b7e2c9d03"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email_normalized", sa.String(255), nullable=True))
    op.execute("UPDATE users SET email_normalized = lower(trim(email))")


def downgrade() -> None:
    op.drop_column("users", "email_normalized")
