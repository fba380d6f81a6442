//! `add_column`, `drop_column` and `alter_column`.

use super::super::column::column;
use super::super::constraint::Constraint;
use super::super::cx::{Cx, Signature};
use super::super::default::server_default;
use super::super::ident::{literal, quote};
use super::super::python::{Call, Kind};
use super::super::types::sql_type;
use super::table::{column_comment, column_index};
use super::{bind, Receiver, TableRef};
use crate::diagnostic::Span;

/// `ALTER TABLE … ADD COLUMN …`, then the constraints, index and comment the column declares.
pub(crate) fn add_column(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "if_not_exists"],
        ignored: &["insert_before", "insert_after"],
        ..Signature::new("op.add_column", &["table_name", "column"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let column = column(cx, args.required(cx, "column", "op.add_column")?)?;
    if let Some(enum_type) = column.ty.enum_type.as_ref().filter(|e| e.create) {
        cx.warning(
            "enum-type-not-created",
            column.span,
            format!(
                "Alembic's `add_column` does not create the enum type {}: unless an earlier step created it, PostgreSQL rejects the ALTER because the type does not exist.",
                enum_type.name
            ),
            "Create the type first with `sa.Enum(..., name=…).create(op.get_bind())`.",
        );
    }
    let exists = if args.flag(cx, "if_not_exists")? { "IF NOT EXISTS " } else { "" };
    let primary_key: Vec<String> =
        if column.primary_key { vec![column.name.clone()] } else { Vec::new() };
    let mut out = vec![format!(
        "ALTER TABLE {} ADD COLUMN {exists}{}",
        table.sql(),
        column.spec(&primary_key)
    )];
    out.extend(column.derived_constraints().iter().map(|c| add_constraint(&table, c)));
    if column.index {
        out.push(column_index(&table, &column));
    }
    out.extend(column_comment(&table, &column));
    Some(out)
}

pub(crate) fn add_constraint(table: &TableRef, constraint: &Constraint) -> String {
    format!("ALTER TABLE {} ADD {}", table.sql(), constraint.sql())
}

pub(crate) fn drop_column(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "if_exists"],
        ignored: &["mssql_drop_check", "mssql_drop_default", "mssql_drop_foreign_key"],
        ..Signature::new("op.drop_column", &["table_name", "column_name"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let name = cx.name(args.required(cx, "column_name", "op.drop_column")?)?;
    let exists = if args.flag(cx, "if_exists")? { "IF EXISTS " } else { "" };
    Some(vec![format!("ALTER TABLE {} DROP COLUMN {exists}{}", table.sql(), quote(&name))])
}

const ALTER_PARAMS: &[&str] = &[
    "table_name",
    "column_name",
    "nullable",
    "comment",
    "server_default",
    "new_column_name",
    "type_",
];
const ALTER_IGNORED: &[&str] = &[
    "existing_type",
    "existing_server_default",
    "existing_nullable",
    "existing_comment",
    "autoincrement",
    "existing_autoincrement",
];

/// On PostgreSQL Alembic emits, in this order: the type change (with `USING`), nullability,
/// the default, the comment, and the rename last.
pub(crate) fn alter_column(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "postgresql_using"],
        ignored: ALTER_IGNORED,
        ..Signature::new("op.alter_column", ALTER_PARAMS)
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let name = cx.name(args.required(cx, "column_name", "op.alter_column")?)?;
    let alter = format!("ALTER TABLE {} ALTER COLUMN {}", table.sql(), quote(&name));
    let mut out = Vec::new();
    let using = args.opt_string(cx, "postgresql_using")?;
    match args.given("type_") {
        Some(ty) => {
            let ty = sql_type(cx, ty)?;
            let using = using.map(|u| format!(" USING {u}")).unwrap_or_default();
            out.push(format!("{alter} TYPE {}{using}", ty.sql));
        }
        None if using.is_some() => {
            return cx.error(
                "missing-argument",
                span,
                "`postgresql_using` only applies to a type change: Alembic raises \"postgresql_using must be used with the type_ parameter\".",
                "Add `type_=` with the new type, or remove `postgresql_using`.",
            )
        }
        None => {}
    }
    if let Some(nullable) = args.given("nullable") {
        out.push(format!(
            "{alter} {}",
            if cx.bool(nullable)? { "DROP NOT NULL" } else { "SET NOT NULL" }
        ));
    }
    // `server_default=None` is meaningful here (DROP DEFAULT), so look at `get`, not `given`;
    // `False` is Alembic's own "leave it alone" default for `server_default` and `comment`.
    let unchanged = |name: &str| args.get(name).filter(|v| v.kind != Kind::Bool(false));
    if let Some(default) = unchanged("server_default") {
        match default.is_none() {
            true => out.push(format!("{alter} DROP DEFAULT")),
            false => out.push(format!("{alter} SET DEFAULT {}", server_default(cx, default)?)),
        }
    }
    if let Some(comment) = unchanged("comment") {
        let comment = match comment.is_none() {
            true => "NULL".to_owned(),
            false => literal(&cx.string(comment, "the comment as a string")?),
        };
        out.push(format!("COMMENT ON COLUMN {}.{} IS {comment}", table.sql(), quote(&name)));
    }
    if let Some(new_name) = args.given("new_column_name") {
        let new_name = cx.name(new_name)?;
        out.push(format!(
            "ALTER TABLE {} RENAME {} TO {}",
            table.sql(),
            quote(&name),
            quote(&new_name)
        ));
    }
    if out.is_empty() {
        cx.warning(
            "alter-column-does-nothing",
            span,
            "This `op.alter_column` changes nothing, so Alembic emits no SQL for it.",
            "Pass `nullable=`, `server_default=`, `type_=`, `comment=` or `new_column_name=`.",
        );
    }
    Some(out)
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn add_column_ok() {
        insta::assert_snapshot!(check(r#"
op.add_column("expenses", sa.Column("confidence_score", sa.Numeric(4, 3), nullable=True))
op.add_column("expenses", sa.Column("reconciler_run_id", postgresql.UUID(as_uuid=True), nullable=True))
op.add_column("users", sa.Column("email", sa.String(255), nullable=False, unique=True, server_default=""))
op.add_column("users", sa.Column("region", sa.String(8), index=True, comment="ISO region"))
op.add_column("users", sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="SET NULL")))
op.add_column("users", sa.Column("joined", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
op.add_column("users", sa.Column("nick", sa.Text()), schema="app", if_not_exists=True)"#), @r#"
    ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3);
    ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID;
    ALTER TABLE users ADD COLUMN email VARCHAR(255) DEFAULT '' NOT NULL;
    ALTER TABLE users ADD UNIQUE (email);
    ALTER TABLE users ADD COLUMN region VARCHAR(8);
    CREATE INDEX ix_users_region ON users (region);
    COMMENT ON COLUMN users.region IS 'ISO region';
    ALTER TABLE users ADD COLUMN team_id INTEGER;
    ALTER TABLE users ADD FOREIGN KEY(team_id) REFERENCES teams (id) ON DELETE SET NULL;
    ALTER TABLE users ADD COLUMN joined TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL;
    ALTER TABLE app.users ADD COLUMN IF NOT EXISTS nick TEXT;
    "#);
    }

    #[test]
    fn add_enum_column_err() {
        insta::assert_snapshot!(check(r#"op.add_column("orders", sa.Column("state", sa.Enum("new", "paid", name="order_state")))"#), @r#"
            ALTER TABLE orders ADD COLUMN state order_state;
            enum-type-not-created r1.py:10:29: Alembic's `add_column` does not create the enum type order_state: unless an earlier step created it, PostgreSQL rejects the ALTER because the type does not exist.
              help: Create the type first with `sa.Enum(..., name=…).create(op.get_bind())`.
            "#);
    }

    #[test]
    fn drop_column_ok() {
        insta::assert_snapshot!(check(r#"
op.drop_column("expenses", "legacy_notes")
op.drop_column("expenses", "old", if_exists=True, schema="app")"#), @r#"
    ALTER TABLE expenses DROP COLUMN legacy_notes;
    ALTER TABLE app.expenses DROP COLUMN IF EXISTS "old";
    "#);
    }

    #[test]
    fn alter_column_ok() {
        insta::assert_snapshot!(check(r#"
op.alter_column("expenses", "amount", existing_type=sa.NUMERIC(10, 2), nullable=False)
op.alter_column("expenses", "status", server_default="pending")
op.alter_column("expenses", "status", server_default=None)
op.alter_column("expenses", "note", new_column_name="memo")
op.alter_column("expenses", "amount", type_=sa.String(32), existing_type=sa.Numeric(10, 2), postgresql_using="amount::text")
op.alter_column("expenses", "memo", comment="free text")
op.alter_column("expenses", "memo", comment=None, existing_comment="free text")
op.alter_column("expenses", "memo", server_default=False, comment=False, nullable=None)
op.alter_column("expenses", "n", nullable=True, server_default=sa.text("0"), type_=sa.BigInteger(), new_column_name="m", comment="x")"#), @r#"
    ALTER TABLE expenses ALTER COLUMN amount SET NOT NULL;
    ALTER TABLE expenses ALTER COLUMN status SET DEFAULT 'pending';
    ALTER TABLE expenses ALTER COLUMN status DROP DEFAULT;
    ALTER TABLE expenses RENAME note TO memo;
    ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(32) USING amount::text;
    COMMENT ON COLUMN expenses.memo IS 'free text';
    COMMENT ON COLUMN expenses.memo IS NULL;
    ALTER TABLE expenses ALTER COLUMN n TYPE BIGINT;
    ALTER TABLE expenses ALTER COLUMN n DROP NOT NULL;
    ALTER TABLE expenses ALTER COLUMN n SET DEFAULT 0;
    COMMENT ON COLUMN expenses.n IS 'x';
    ALTER TABLE expenses RENAME n TO m;
    alter-column-does-nothing r1.py:18:5: This `op.alter_column` changes nothing, so Alembic emits no SQL for it.
      help: Pass `nullable=`, `server_default=`, `type_=`, `comment=` or `new_column_name=`.
    "#);
    }

    #[test]
    fn alter_column_err() {
        insta::assert_snapshot!(check(r#"
op.alter_column("t", "a", postgresql_using="a::int")
op.alter_column("t", "a")
op.alter_column("t", "a", nullable="yes")
op.add_column("t", sa.Column("user_id", sa.ForeignKey("users.id")))"#), @r#"
    missing-argument r1.py:11:5: `postgresql_using` only applies to a type change: Alembic raises "postgresql_using must be used with the type_ parameter".
      help: Add `type_=` with the new type, or remove `postgresql_using`.
    alter-column-does-nothing r1.py:12:5: This `op.alter_column` changes nothing, so Alembic emits no SQL for it.
      help: Pass `nullable=`, `server_default=`, `type_=`, `comment=` or `new_column_name=`.
    unsupported-expression r1.py:13:40: miglab expected `True` or `False` here but found the string "yes".
      help: Write `True` or `False` here.
    missing-argument r1.py:14:45: This column has no type: SQLAlchemy would copy it from the referenced column, which miglab cannot see.
      help: Write the type before the foreign key, e.g. `sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"))`.
    "#);
    }
}
