"""delete a user's posts with the user

Revision ID: d3f7a0b5c982
Revises: a1b2c3d4e5f6
Create Date: 2026-07-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d3f7a0b5c982"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("posts_user_id_fkey", "posts", type_="foreignkey")
    op.create_foreign_key(
        "posts_user_id_fkey", "posts", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )


def downgrade() -> None:
    op.drop_constraint("posts_user_id_fkey", "posts", type_="foreignkey")
    op.create_foreign_key("posts_user_id_fkey", "posts", "users", ["user_id"], ["id"])
