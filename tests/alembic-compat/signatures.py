"""Prints the parameters real Alembic and SQLAlchemy accept for each call miglab translates, one call per line.

The output is committed as crates/miglab-analysis/fixtures/alembic/signatures.txt, which a test walks so that
no keyword argument can fall through silently: each one is rendered, refused, or listed as changing no DDL.
Regenerate with: target/alembic-venv/bin/python tests/alembic-compat/signatures.py > crates/miglab-analysis/fixtures/alembic/signatures.txt
"""
import inspect

import sqlalchemy as sa
from alembic.operations import Operations

OPS = [
    "create_table", "drop_table", "rename_table", "create_table_comment", "drop_table_comment",
    "add_column", "drop_column", "alter_column", "create_index", "drop_index",
    "create_unique_constraint", "create_primary_key", "create_check_constraint", "create_foreign_key",
    "drop_constraint", "execute", "bulk_insert",
]
OBJECTS = {
    "sa.Column": sa.Column, "sa.Index": sa.Index, "sa.ForeignKey": sa.ForeignKey,
    "sa.UniqueConstraint": sa.UniqueConstraint, "sa.PrimaryKeyConstraint": sa.PrimaryKeyConstraint,
    "sa.CheckConstraint": sa.CheckConstraint, "sa.ForeignKeyConstraint": sa.ForeignKeyConstraint,
}


def params(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name == "self":
            continue
        if p.kind == p.VAR_POSITIONAL:
            out.append("*" + p.name)
        elif p.kind == p.VAR_KEYWORD:
            out.append("**" + p.name)
        else:
            out.append(p.name)
    return out


for name in OPS:
    print("op." + name, " ".join(params(getattr(Operations, name))))
for name, cls in OBJECTS.items():
    print(name, " ".join(params(cls.__init__)))
