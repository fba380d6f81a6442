"""merge the email and index branches

Revision ID: m
Revises: b1, b2
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "m"
down_revision = ("b1", "b2")
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.Text))


def upgrade():
    op.execute(users.update().where(users.c.email.is_(None)).values(email="unknown@example.com"))


def downgrade():
    pass
