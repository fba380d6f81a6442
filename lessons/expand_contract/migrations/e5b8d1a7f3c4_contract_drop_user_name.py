"""contract: drop users.name

Revision ID: e5b8d1a7f3c4
Revises: 9a3c6e0f5b21
Create Date: 2026-06-29 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e5b8d1a7f3c4"
down_revision = "9a3c6e0f5b21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("users", "name")


def downgrade() -> None:
    op.add_column("users", sa.Column("name", sa.String(255), nullable=True))
    op.execute("UPDATE users SET name = concat_ws(' ', first_name, NULLIF(last_name, ''))")
