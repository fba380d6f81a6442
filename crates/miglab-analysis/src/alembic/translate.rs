//! Operations: what an evaluated `op.…` call (or `batch_op.…`, an enum's `.create()`, a bind's `.execute()`) runs.
//!
//! The evaluator hands each call it reaches here; a call that is no operation miglab knows is reported,
//! never guessed at.

use super::cx::Cx;
use super::ops::{self, Receiver, TableRef};
use super::python::{BatchTable, Call, Kind, Value};
use super::types::sql_type;

/// `op.…` attributes that build values instead of running anything.
const PURE_OP: &[&str] = &["f", "get_bind", "get_context", "inline_literal", "batch_alter_table"];

/// Whether evaluating this call runs something: an operation, an enum's `.create()`/`.drop()`, or a query through the bind.
pub(crate) fn is_effect(value: &Value) -> bool {
    let Some(call) = value.as_call() else { return false };
    let Kind::Attr(receiver, name) = &call.func.kind else { return false };
    match &receiver.kind {
        Kind::Name(r) if r == "op" => !PURE_OP.contains(&name.as_str()),
        Kind::Batch(_) => name != "f",
        Kind::Call(inner) => {
            (matches!(name.as_str(), "create" | "drop") && is_enum(inner)) || is_query(value)
        }
        _ => is_query(value),
    }
}

/// `op.get_bind().execute(...)` (or `.exec_driver_sql`), possibly through a name bound to the bind.
pub(crate) fn is_query(value: &Value) -> bool {
    let Some(call) = value.as_call() else { return false };
    let Kind::Attr(receiver, name) = &call.func.kind else { return false };
    if matches!(name.as_str(), "execute" | "exec_driver_sql") && is_bind(receiver) {
        return true;
    }
    // `bind.execute(...).fetchall()`: a method on the result of a query.
    is_query(receiver)
}

fn is_bind(value: &Value) -> bool {
    value.as_call().and_then(|c| c.func.path()).is_some_and(|p| {
        p == "op.get_bind" || p == "op.get_context().bind" || p.ends_with(".connection")
    })
}

/// Renders one operation; `None` after reporting why it cannot be translated.
pub(crate) fn effect(cx: &Cx, value: &Value) -> Option<Vec<String>> {
    let Some(call) = value.as_call() else {
        return cx.error(
            "unsupported-statement",
            value.span,
            format!("miglab expected an `op.…` call here but found {}.", value.describe()),
            "Remove the expression, or make it an `op.…` call.",
        );
    };
    match &call.func.kind {
        Kind::Attr(receiver, name) => match &receiver.kind {
            Kind::Name(r) if r == "op" && name == "bulk_insert" => {
                ops::bulk_insert(cx, call, value.span)
            }
            Kind::Name(r) if r == "op" => {
                ops::operation(cx, name, call, value.span, Receiver { batch: None })
            }
            Kind::Batch(table) => {
                let table = TableRef { name: table.name.clone(), schema: table.schema.clone() };
                ops::operation(cx, name, call, value.span, Receiver { batch: Some(&table) })
            }
            Kind::Call(inner) if matches!(name.as_str(), "create" | "drop") && is_enum(inner) => {
                enum_ddl(cx, receiver, name, call, value)
            }
            _ if is_query(value) => bind_execute(cx, call, value),
            _ => not_an_operation(cx, value),
        },
        _ => not_an_operation(cx, value),
    }
}

/// `op.get_bind().execute(sa.text("…"))` as a statement: offline, the bind is a mock connection that prints the SQL,
/// as `op.execute` would. A result that is read (`.fetchall()`, `.scalar()`) cannot be known before the run.
fn bind_execute(cx: &Cx, call: &Call, value: &Value) -> Option<Vec<String>> {
    let Kind::Attr(receiver, name) = &call.func.kind else { return not_an_operation(cx, value) };
    if name != "execute" || !is_bind(receiver) {
        return query_result(cx, value);
    }
    // Parameters or options beside the statement change what the connection runs; miglab does not model them.
    if let Some(extra) = call.args.get(1).or(call.kwargs.first().map(|k| &k.value)) {
        return cx.unsupported(extra, "only the statement, as in `bind.execute(sa.text(\"…\"))`");
    }
    // SQLAlchemy 2.0 refuses a plain string here (ObjectNotExecutableError); only `op.execute` wraps one in `text()`.
    if let Some(plain) = call.args.first().filter(|a| a.as_str().is_some()) {
        return cx.error(
            "plain-string-execute",
            plain.span,
            "SQLAlchemy 2.0 refuses a plain string in `Connection.execute`, so Alembic fails with ObjectNotExecutableError.",
            "Wrap the SQL in `sa.text(\"…\")`, or call `op.execute(\"…\")`.",
        );
    }
    ops::operation(cx, "execute", call, value.span, Receiver { batch: None })
}

/// The error for reading what a query returns.
pub(crate) fn query_result<T>(cx: &Cx, value: &Value) -> Option<T> {
    cx.error(
        "query-result",
        value.span,
        "This reads the result of a query, which only exists when the migration runs against a database; `alembic upgrade --sql` fails here, and miglab cannot know it either.",
        "Compute the values when writing the migration, or do the work in SQL with `op.execute()`.",
    )
}

fn not_an_operation(cx: &Cx, value: &Value) -> Option<Vec<String>> {
    cx.error(
        "unsupported-statement",
        value.span,
        format!(
            "miglab only translates `op.…` operations, and {} is not one it knows.",
            value.describe()
        ),
        "Use an `op.…` operation, or write the SQL with `op.execute()`.",
    )
}

/// Alembic's own statements are only concurrent when they say so at the start.
pub(crate) fn is_concurrent(sql: &str) -> bool {
    ["CREATE INDEX CONCURRENTLY", "CREATE UNIQUE INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY"]
        .iter()
        .any(|p| sql.starts_with(p))
}

fn is_enum(call: &Call) -> bool {
    matches!(call.func.last_name(), Some("Enum" | "ENUM"))
}

/// `sa.Enum(..., name="x").create(op.get_bind(), checkfirst=…)` and `.drop(…)`.
/// Offline, the bind is a mock connection that cannot look, so `checkfirst` changes nothing and the DDL is printed.
fn enum_ddl(
    cx: &Cx,
    enum_value: &Value,
    method: &str,
    call: &Call,
    whole: &Value,
) -> Option<Vec<String>> {
    let sig = super::cx::Signature::new(
        if method == "create" { "Enum.create" } else { "Enum.drop" },
        &["bind", "checkfirst"],
    );
    let args = super::cx::Args::bind(cx, call, whole.span, &sig)?;
    let bind = args.required(cx, "bind", sig.what)?;
    if !is_bind(bind) {
        return cx.unsupported(bind, "`op.get_bind()`");
    }
    if let Some(checkfirst) = args.given("checkfirst") {
        cx.bool(checkfirst)?;
    }
    let ty = sql_type(cx, enum_value)?;
    let Some(enum_type) = ty.enum_type else {
        return cx.unsupported(enum_value, "a native enum with `name=`");
    };
    Some(vec![if method == "create" { enum_type.create_sql() } else { enum_type.drop_sql() }])
}

pub(crate) fn is_autocommit_block(value: &Value) -> bool {
    let Some(call) = value.as_call() else { return false };
    let Kind::Attr(receiver, name) = &call.func.kind else { return false };
    name == "autocommit_block"
        && receiver.as_call().and_then(|c| c.func.path()).as_deref() == Some("op.get_context")
}

/// `op.batch_alter_table("t", schema=None, ...)`. On PostgreSQL a batch is plain ALTERs,
/// unless `recreate="always"` asks for the copy-and-move that miglab does not model.
pub(crate) fn batch_table(cx: &Cx, call: &Call, value: &Value) -> Option<BatchTable> {
    let sig = super::cx::Signature {
        kwonly: &["schema", "recreate"],
        ignored: &[
            "partial_reordering",
            "copy_from",
            "table_args",
            "table_kwargs",
            "reflect_args",
            "reflect_kwargs",
            "naming_convention",
        ],
        ..super::cx::Signature::new("op.batch_alter_table", &["table_name"])
    };
    let args = super::cx::Args::bind(cx, call, value.span, &sig)?;
    if let Some(recreate) = args.given("recreate") {
        if recreate.as_str() == Some("always") {
            return cx.error(
                "unsupported-argument",
                recreate.span,
                "`recreate=\"always\"` makes Alembic copy the table into a new one, which miglab does not translate.",
                "Remove `recreate`: on PostgreSQL a batch is a series of ALTER TABLE statements.",
            );
        }
    }
    let name = cx.name(args.required(cx, "table_name", "op.batch_alter_table")?)?;
    let schema = args.opt_string(cx, "schema")?;
    Some(BatchTable { name, schema })
}

#[cfg(test)]
mod test {
    use super::super::check;

    #[test]
    fn batch_and_autocommit_ok() {
        insta::assert_snapshot!(check(r#"
with op.batch_alter_table("orders", schema=None) as batch_op:
    batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    batch_op.alter_column("total", existing_type=sa.INTEGER(), nullable=False)
    batch_op.create_index(batch_op.f("ix_orders_note"), ["note"], unique=False)
    batch_op.drop_constraint("uq_old", type_="unique")
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE mood ADD VALUE 'meh'")
sa.Enum("a", "b", name="kind").create(op.get_bind())
postgresql.ENUM(name="old_kind").drop(op.get_bind(), checkfirst=False)"#), @r#"
    ALTER TABLE orders ADD COLUMN note TEXT;
    ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
    CREATE INDEX ix_orders_note ON orders (note);
    ALTER TABLE orders DROP CONSTRAINT uq_old;
    -- autocommit
    ALTER TYPE mood ADD VALUE 'meh';
    CREATE TYPE kind AS ENUM ('a', 'b');
    DROP TYPE old_kind;
    "#);
    }
}
