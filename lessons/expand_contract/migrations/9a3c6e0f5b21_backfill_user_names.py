"""backfill first_name and last_name from name

Revision ID: 9a3c6e0f5b21
Revises: 2d7f4b9e1c60
Create Date: 2026-06-15 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9a3c6e0f5b21"
down_revision = "2d7f4b9e1c60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE users
        SET first_name = split_part(name, ' ', 1),
            last_name = split_part(name, ' ', 2)
        WHERE first_name IS NULL
        """
    )


def downgrade() -> None:
    op.execute("UPDATE users SET first_name = NULL, last_name = NULL")
