"""drop users.role, roles move to the identity provider

Revision ID: 5b0d8e3a1f69
Revises: a1b2c3d4e5f6
Create Date: 2026-07-08 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5b0d8e3a1f69"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("users", "role")


def downgrade() -> None:
    op.add_column(
        "users",
        sa.Column("role", sa.String(20), server_default="submitter", nullable=False),
    )
