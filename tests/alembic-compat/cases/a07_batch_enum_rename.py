"""batch, enum and renames

Revision ID: a07
Revises:
Create Date: 2024-05-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a07"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("state", sa.Enum("new", "paid", "shipped", name="order_state"), nullable=False, server_default="new"))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.alter_column("total", existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_index(batch_op.f("ix_orders_note"), ["note"], unique=False)
        batch_op.drop_column("legacy")
        batch_op.create_unique_constraint("uq_orders_ref", ["ref"])
        batch_op.create_foreign_key("fk_orders_user", "users", ["user_id"], ["id"], ondelete="CASCADE")
        batch_op.create_check_constraint("ck_orders_total", "total >= 0")
    op.rename_table("orders", "purchases")
    op.add_column("purchases", sa.Column("channel", postgresql.ENUM("web", "shop", name="channel", create_type=False)))


def downgrade():
    op.drop_column("purchases", "channel")
    op.rename_table("purchases", "orders")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("ck_orders_total", type_="check")
        batch_op.drop_constraint("fk_orders_user", type_="foreignkey")
        batch_op.drop_constraint("uq_orders_ref", type_="unique")
        batch_op.add_column(sa.Column("legacy", sa.VARCHAR(), autoincrement=False, nullable=True))
        batch_op.drop_index(batch_op.f("ix_orders_note"))
        batch_op.alter_column("total", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_column("note")
    op.drop_column("orders", "state")
    sa.Enum(name="order_state").drop(op.get_bind())
