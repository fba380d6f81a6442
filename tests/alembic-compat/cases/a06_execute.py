"""split user name

Revision ID: a06
Revises:
Create Date: 2024-05-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a06"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("first_name", sa.String(length=100), nullable=True))
    op.add_column("users", sa.Column("last_name", sa.String(length=100), nullable=True))
    op.execute(
        """
        UPDATE users
        SET first_name = split_part(name, ' ', 1),
            last_name = substr(name, length(split_part(name, ' ', 1)) + 2)
        """
    )
    op.execute(sa.text("UPDATE users SET last_name = '' WHERE last_name IS NULL"))
    op.drop_column("users", "name")


def downgrade():
    op.add_column("users", sa.Column("name", sa.VARCHAR(length=200), autoincrement=False, nullable=True))
    op.execute("UPDATE users SET name = trim(first_name || ' ' || last_name);")
    op.drop_column("users", "last_name")
    op.drop_column("users", "first_name")
