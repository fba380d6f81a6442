"""indexes

Revision ID: a04
Revises:
Create Date: 2024-05-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a04"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_index("ix_users_last_first", "users", ["last_name", "first_name"])
    op.create_index("ix_users_active", "users", ["email"], postgresql_where=sa.text("active"))
    op.create_index("ix_users_tags", "users", ["tags"], postgresql_using="gin")
    op.create_index("ix_users_lower", "users", [sa.text("lower(email)")])
    op.create_index("ix_users_maybe", "users", ["name"], if_not_exists=True)
    with op.get_context().autocommit_block():
        op.create_index("ix_expenses_user_id", "expenses", ["user_id"], postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_expenses_user_id", table_name="expenses", postgresql_concurrently=True)
    op.drop_index("ix_users_maybe", table_name="users", if_exists=True)
    op.drop_index("ix_users_lower", table_name="users")
    op.drop_index("ix_users_tags", table_name="users")
    op.drop_index("ix_users_active", table_name="users")
    op.drop_index("ix_users_last_first", table_name="users")
    op.drop_index("ix_users_email", table_name="users")
