"""create posts

Revision ID: a03
Revises:
Create Date: 2024-05-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a03"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_posts_user_id"), "posts", ["user_id"], unique=False)
    op.create_table(
        "everything",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("small", sa.SmallInteger(), server_default="1"),
        sa.Column("name", sa.String(50), unique=True, comment="display name"),
        sa.Column("name2", sa.String(), index=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("ratio", sa.Numeric()),
        sa.Column("score", sa.Float()),
        sa.Column("score53", sa.Float(precision=53)),
        sa.Column("happened", sa.DateTime()),
        sa.Column("day", sa.Date()),
        sa.Column("at", sa.Time()),
        sa.Column("at_tz", sa.Time(timezone=True)),
        sa.Column("took", sa.Interval()),
        sa.Column("doc", sa.JSON()),
        sa.Column("docb", postgresql.JSONB(astext_type=sa.Text())),
        sa.Column("uid", sa.UUID()),
        sa.Column("uid2", postgresql.UUID()),
        sa.Column("mood", sa.Enum("sad", "ok", "happy", name="mood")),
        sa.Column("blob", sa.LargeBinary()),
        sa.Column("tags", postgresql.ARRAY(sa.String())),
        sa.Column("nums", sa.ARRAY(sa.Integer())),
        sa.Column("made", sa.DateTime(), server_default=sa.func.now()),
        sa.Column("v", sa.VARCHAR(length=10)),
        sa.Column("ts", postgresql.TIMESTAMP(timezone=True)),
        sa.Column("seq", sa.Integer(), autoincrement=True),
        sa.Column("dp", postgresql.DOUBLE_PRECISION()),
        sa.Column("ch", sa.CHAR(3)),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.CheckConstraint("price >= 0", name="ck_everything_price"),
        sa.UniqueConstraint("name2", "day", name="uq_everything_name2_day"),
        sa.ForeignKeyConstraint(["id"], ["posts.id"], name="fk_everything_post", onupdate="CASCADE"),
    )
    op.create_table(
        "pairs",
        sa.Column("a", sa.Integer(), nullable=False),
        sa.Column("b", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("a", "b", name="pk_pairs"),
        comment="pairs of things",
    )


def downgrade():
    op.drop_table("pairs")
    op.drop_table("everything")
    op.drop_index(op.f("ix_posts_user_id"), table_name="posts")
    op.drop_table("posts")
