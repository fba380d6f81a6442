//! Walks the body of `upgrade()` or `downgrade()` and turns each statement into steps.
//!
//! Only `op.…` calls, `with op.batch_alter_table(...)`, `with op.get_context().autocommit_block()`,
//! enum `.create()`/`.drop()`, tables bound for `op.bulk_insert` and `pass` are understood;
//! any other Python is reported, never guessed at.

use super::cx::Cx;
use super::ops::{self, Receiver, TableRef, TableShape};
use super::python::{self, Call, Kind, Value};
use super::types::sql_type;
use crate::migration::Step;
use ruff_python_ast::{Expr, Stmt, StmtAssign, StmtWith};
use ruff_text_size::Ranged;

#[derive(Clone, Copy, Default)]
struct Block<'a> {
    /// The `as` alias and table of the enclosing `batch_alter_table`.
    batch: Option<(&'a str, &'a TableRef)>,
    autocommit: bool,
}

/// What a function body has produced so far, and the tables it bound to local names for `bulk_insert`.
#[derive(Default)]
struct Walk {
    steps: Vec<Step>,
    tables: Vec<(String, TableShape)>,
}

pub(crate) fn function_body(cx: &Cx, body: &[Stmt]) -> Vec<Step> {
    let mut walk = Walk::default();
    statements(cx, body, Block::default(), &mut walk);
    walk.steps
}

fn statements(cx: &Cx, body: &[Stmt], block: Block, walk: &mut Walk) {
    for stmt in body {
        match stmt {
            // Imports change no schema; `pass` is an empty body.
            Stmt::Pass(_) | Stmt::Import(_) | Stmt::ImportFrom(_) => {}
            Stmt::Expr(expr) => {
                let value = cx.value(&expr.value);
                if let Kind::Str(_) = value.kind {
                    continue; // a docstring or a string used as a comment
                }
                expression(cx, &value, block, walk);
            }
            Stmt::With(with) => with_block(cx, with, block, walk),
            Stmt::Assign(assign) if is_table_binding(assign) => {
                table_binding(cx, assign, block, walk)
            }
            other => {
                cx.error::<()>(
                    "unsupported-statement",
                    python::span(other.range()),
                    format!("miglab translates `op.…` calls but does not run Python, so it cannot follow {}.", describe(other)),
                    "Express the change with `op.…` operations, or write the SQL with `op.execute()`.",
                );
            }
        }
    }
}

/// `name = sa.table(...)` or `name = op.create_table(...)`, the two assignments `bulk_insert` needs.
fn is_table_binding(assign: &StmtAssign) -> bool {
    let [Expr::Name(_)] = assign.targets.as_slice() else { return false };
    let Expr::Call(call) = assign.value.as_ref() else { return false };
    let value = python::value(&call.func);
    value.path().as_deref() == Some("op.create_table")
        || matches!(value.last_name(), Some("table" | "Table"))
}

fn table_binding(cx: &Cx, assign: &StmtAssign, block: Block, walk: &mut Walk) {
    let [Expr::Name(name)] = assign.targets.as_slice() else { return };
    let value = cx.value(&assign.value);
    if let Some(shape) = ops::table_shape(cx, &value) {
        walk.tables.retain(|(n, _)| n != name.id.as_str());
        walk.tables.push((name.id.as_str().to_owned(), shape));
    }
    // `op.create_table` also creates the table; `sa.table` only describes one.
    if value.as_call().and_then(|c| c.func.path()).as_deref() == Some("op.create_table") {
        expression(cx, &value, block, walk);
    }
}

fn expression(cx: &Cx, value: &Value, block: Block, walk: &mut Walk) {
    let Some(call) = value.as_call() else {
        cx.error::<()>(
            "unsupported-statement",
            value.span,
            format!("miglab expected an `op.…` call here but found {}.", value.describe()),
            "Remove the expression, or make it an `op.…` call.",
        );
        return;
    };
    let sql = match &call.func.kind {
        Kind::Attr(receiver, name) => match (&receiver.kind, block.batch) {
            (Kind::Name(r), _) if r == "op" && name == "bulk_insert" => {
                ops::bulk_insert(cx, call, value.span, &walk.tables)
            }
            (Kind::Name(r), _) if r == "op" => {
                ops::operation(cx, name, call, value.span, Receiver { batch: None })
            }
            (Kind::Name(r), Some((alias, table))) if r == alias => {
                ops::operation(cx, name, call, value.span, Receiver { batch: Some(table) })
            }
            (Kind::Call(inner), _)
                if matches!(name.as_str(), "create" | "drop") && is_enum(inner) =>
            {
                enum_ddl(cx, receiver, name, call, value)
            }
            _ => not_an_operation(cx, value),
        },
        _ => not_an_operation(cx, value),
    };
    let Some(sql) = sql else { return };
    for sql in sql {
        // Alembic runs every operation outside `autocommit_block()` inside the migration's transaction,
        // concurrent index operations included, so the step stays transactional and Postgres refuses it (25001).
        if is_concurrent(&sql) && !block.autocommit {
            cx.warning(
                "concurrently-outside-autocommit-block",
                value.span,
                "Alembic runs this operation inside the migration's transaction, and Postgres refuses `CONCURRENTLY` there with 25001 (active_sql_transaction), so the whole migration rolls back.",
                "Move the operation into `with op.get_context().autocommit_block():`.",
            );
        }
        walk.steps.push(Step {
            sql,
            autocommit: block.autocommit,
            span: Some(value.span),
            documented: Vec::new(),
        });
    }
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
fn is_concurrent(sql: &str) -> bool {
    ["CREATE INDEX CONCURRENTLY", "CREATE UNIQUE INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY"]
        .iter()
        .any(|p| sql.starts_with(p))
}

fn is_enum(call: &Call) -> bool {
    matches!(call.func.last_name(), Some("Enum" | "ENUM"))
}

/// `sa.Enum(..., name="x").create(op.get_bind())` and `.drop(op.get_bind())`.
fn enum_ddl(
    cx: &Cx,
    enum_value: &Value,
    method: &str,
    call: &Call,
    whole: &Value,
) -> Option<Vec<String>> {
    let bind_ok = call.args.len() == 1
        && call.args.first().and_then(|a| a.as_call()).and_then(|c| c.func.path()).as_deref()
            == Some("op.get_bind");
    if !bind_ok {
        return cx.unsupported(whole, &format!("`.{method}(op.get_bind())`"));
    }
    for kwarg in &call.kwargs {
        // `checkfirst=False` is the default; `True` needs a database to look at, which `--sql` mode lacks.
        if kwarg.name.as_deref() == Some("checkfirst") && kwarg.value.kind == Kind::Bool(false) {
            continue;
        }
        return cx.error(
            "unsupported-argument",
            kwarg.value.span,
            format!("miglab cannot translate `.{method}()` with extra arguments such as `checkfirst=True`: in `--sql` mode Alembic cannot look at the database."),
            format!("Call `.{method}(op.get_bind())` without extra arguments."),
        );
    }
    let ty = sql_type(cx, enum_value)?;
    let Some(enum_type) = ty.enum_type else {
        return cx.unsupported(enum_value, "a native enum with `name=`");
    };
    Some(vec![if method == "create" { enum_type.create_sql() } else { enum_type.drop_sql() }])
}

fn with_block(cx: &Cx, with: &StmtWith, block: Block, walk: &mut Walk) {
    let [item] = with.items.as_slice() else {
        cx.error::<()>(
            "unsupported-statement",
            python::span(with.range),
            "miglab understands a `with` statement with one context manager only.",
            "Nest the `with` blocks instead.",
        );
        return;
    };
    let context = cx.value(&item.context_expr);
    if is_autocommit_block(&context) {
        statements(cx, &with.body, Block { autocommit: true, ..block }, walk);
        return;
    }
    if let Some(call) =
        context.as_call().filter(|c| c.func.path().as_deref() == Some("op.batch_alter_table"))
    {
        let Some(table) = batch_table(cx, call, &context) else { return };
        let alias = match item.optional_vars.as_deref() {
            Some(ruff_python_ast::Expr::Name(name)) => name.id.as_str().to_owned(),
            _ => {
                cx.error::<()>(
                    "unsupported-statement",
                    context.span,
                    "A `batch_alter_table` block needs a name for its operations, as in `as batch_op`.",
                    "Write `with op.batch_alter_table(\"table\") as batch_op:`.",
                );
                return;
            }
        };
        statements(cx, &with.body, Block { batch: Some((&alias, &table)), ..block }, walk);
        return;
    }
    cx.error::<()>(
        "unsupported-statement",
        context.span,
        format!("miglab understands `with op.batch_alter_table(...)` and `with op.get_context().autocommit_block()`, not {}.", context.describe()),
        "Use one of those blocks, or move the operations out of the `with`.",
    );
}

fn is_autocommit_block(value: &Value) -> bool {
    let Some(call) = value.as_call() else { return false };
    let Kind::Attr(receiver, name) = &call.func.kind else { return false };
    name == "autocommit_block"
        && receiver.as_call().and_then(|c| c.func.path()).as_deref() == Some("op.get_context")
}

/// `op.batch_alter_table("t", schema=None, ...)`. On PostgreSQL a batch is plain ALTERs,
/// unless `recreate="always"` asks for the copy-and-move that miglab does not model.
fn batch_table(cx: &Cx, call: &Call, value: &Value) -> Option<TableRef> {
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
    Some(TableRef { name, schema })
}

fn describe(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::AugAssign(_) => "an assignment",
        Stmt::If(_) => "an `if` statement",
        Stmt::For(_) | Stmt::While(_) => "a loop",
        Stmt::Try(_) => "a `try` block",
        Stmt::FunctionDef(_) | Stmt::ClassDef(_) => "a nested definition",
        Stmt::Return(_) => "a `return`",
        Stmt::Raise(_) => "a `raise`",
        _ => "this statement",
    }
}

#[cfg(test)]
mod test {
    use super::super::{check, parse, render_for_test};

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

    #[test]
    fn module_constants_ok() {
        let source = r#"
from alembic import op
import sqlalchemy as sa

revision = "c1"
down_revision = None
TABLE = "expenses"
COLUMNS = ["a", "b"]
TWICE = "x"
TWICE = "y"


def upgrade():
    op.create_index("ix_expenses_a_b", TABLE, COLUMNS)
    op.drop_column(TWICE, "z")


def downgrade():
    op.drop_index("ix_expenses_a_b", table_name=TABLE)
"#;
        insta::assert_snapshot!(render_for_test(&parse(source), "c1.py"), @r#"
            -- upgrade
            CREATE INDEX ix_expenses_a_b ON expenses (a, b);
            -- downgrade
            DROP INDEX ix_expenses_a_b;
            -- Error unsupported-expression: c1.py:15:20: miglab expected a name string (or `op.f("…")`) here but found `TWICE`, which miglab cannot evaluate without running Python.
              help: Write a name string (or `op.f("…")`) here.
            "#);
    }

    #[test]
    fn python_statements_err() {
        insta::assert_snapshot!(check(r#"
"""A docstring is fine."""
import sqlalchemy  # so are imports
bind = op.get_bind()
bind.execute(sa.text("SELECT 1"))
try:
    op.drop_table("t")
except Exception:
    pass
with open("x") as f:
    pass
with op.batch_alter_table("t"):
    pass
print("hello")"#), @r#"
    unsupported-statement r1.py:13:5: miglab translates `op.…` calls but does not run Python, so it cannot follow an assignment.
      help: Express the change with `op.…` operations, or write the SQL with `op.execute()`.
    unsupported-statement r1.py:14:5: miglab only translates `op.…` operations, and a call to `bind.execute()` is not one it knows.
      help: Use an `op.…` operation, or write the SQL with `op.execute()`.
    unsupported-statement r1.py:15:5: miglab translates `op.…` calls but does not run Python, so it cannot follow a `try` block.
      help: Express the change with `op.…` operations, or write the SQL with `op.execute()`.
    unsupported-statement r1.py:19:10: miglab understands `with op.batch_alter_table(...)` and `with op.get_context().autocommit_block()`, not a call to `open()`.
      help: Use one of those blocks, or move the operations out of the `with`.
    unsupported-statement r1.py:21:10: A `batch_alter_table` block needs a name for its operations, as in `as batch_op`.
      help: Write `with op.batch_alter_table("table") as batch_op:`.
    unsupported-statement r1.py:23:5: miglab only translates `op.…` operations, and a call to `print()` is not one it knows.
      help: Use an `op.…` operation, or write the SQL with `op.execute()`.
    "#);
    }
}
