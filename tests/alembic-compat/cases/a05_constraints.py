"""constraints

Revision ID: a05
Revises:
Create Date: 2024-05-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a05"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_unique_constraint("uq_users_email", "users", ["email"])
    op.create_unique_constraint(None, "users", ["a", "b"])
    op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"], ondelete="CASCADE", onupdate="SET NULL")
    op.create_foreign_key(op.f("fk_posts_editor"), "posts", "users", ["editor_id"], ["id"])
    op.create_check_constraint("ck_price_positive", "items", "price > 0")
    op.create_check_constraint("ck_qty", "items", sa.text("qty > 0"))
    op.create_primary_key("pk_items", "items", ["id"])


def downgrade():
    op.drop_constraint("pk_items", "items", type_="primary")
    op.drop_constraint("ck_qty", "items", type_="check")
    op.drop_constraint("ck_price_positive", "items")
    op.drop_constraint(op.f("fk_posts_editor"), "posts", type_="foreignkey")
    op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")
    op.drop_constraint("uq_users_email", "users", type_="unique")
