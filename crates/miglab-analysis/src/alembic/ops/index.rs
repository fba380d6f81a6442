//! `create_index` and `drop_index`, with PostgreSQL's `CONCURRENTLY`, `USING`, `WHERE` and `IF [NOT] EXISTS`.

use super::super::cx::{Args, Cx, Signature};
use super::super::ident::quote;
use super::super::python::{Call, Kind, Value};
use super::{bind, Receiver, TableRef};
use crate::diagnostic::Span;

const INDEX_KW: &[&str] = &[
    "schema",
    "unique",
    "if_not_exists",
    "postgresql_where",
    "postgresql_using",
    "postgresql_concurrently",
    "postgresql_include",
    "postgresql_ops",
    "postgresql_nulls_not_distinct",
    "postgresql_with",
    "postgresql_tablespace",
];

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table [USING m] (cols) [INCLUDE (…)] [WHERE …]`.
pub(crate) fn create_index(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: INDEX_KW,
        ignored: &["info"],
        ..Signature::new("op.create_index", &["index_name", "table_name", "columns"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let Some(name) = cx.optional_name(args.get("index_name"))? else {
        return cx.error(
            "missing-argument",
            span,
            "`op.create_index` needs an index name: PostgreSQL would invent one, and Alembic could never drop it by name.",
            "Name the index, e.g. `op.f(\"ix_table_column\")`.",
        );
    };
    let columns = args.required(cx, "columns", "op.create_index")?;
    let columns: Vec<&Value> = match &columns.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![columns],
    };
    Some(vec![render(cx, &args, &name, &table, &columns)?])
}

/// An `sa.Index("name", "col", ...)` given inside `op.create_table(...)`.
pub(crate) fn table_index(cx: &Cx, call: &Call, span: Span, table: &TableRef) -> Option<String> {
    // `sa.Index` has no `schema`: SQLAlchemy raises TypeError, as for any keyword without a dialect prefix.
    let kwonly: Vec<&'static str> = INDEX_KW.iter().copied().filter(|k| *k != "schema").collect();
    let sig = Signature {
        varargs: true,
        kwonly: &kwonly,
        ignored: &["info"],
        ..Signature::new("sa.Index", &["name"])
    };
    let args = Args::bind(cx, call, span, &sig)?;
    let Some(name) = cx.optional_name(args.get("name"))? else {
        return cx.error("missing-argument", span, "`sa.Index` needs a name.", "Name the index.");
    };
    render(cx, &args, &name, table, &args.rest)
}

fn render(
    cx: &Cx,
    args: &Args,
    name: &str,
    table: &TableRef,
    columns: &[&Value],
) -> Option<String> {
    let mut sql = String::from("CREATE ");
    if args.flag(cx, "unique")? {
        sql.push_str("UNIQUE ");
    }
    sql.push_str("INDEX ");
    if args.flag(cx, "postgresql_concurrently")? {
        sql.push_str("CONCURRENTLY ");
    }
    if args.flag(cx, "if_not_exists")? {
        sql.push_str("IF NOT EXISTS ");
    }
    sql.push_str(&format!("{} ON {} ", quote(name), table.sql()));
    if let Some(using) = args.opt_string(cx, "postgresql_using")? {
        sql.push_str(&format!("USING {} ", using.to_lowercase()));
    }
    let ops = match args.given("postgresql_ops") {
        Some(ops) => operator_classes(cx, ops)?,
        None => Vec::new(),
    };
    let mut rendered = Vec::new();
    let mut keys = Vec::new();
    for column in columns {
        let (mut sql, key) = index_column(cx, column)?;
        // SQLAlchemy looks operator classes up by the expression's key: the column name, or the text of `sa.text(...)`.
        if let Some((_, class)) = ops.iter().find(|(c, _)| *c == key) {
            sql.push_str(&format!(" {class}"));
        }
        rendered.push(sql);
        keys.push(key);
    }
    if let Some(ops_value) = args.given("postgresql_ops") {
        // SQLAlchemy skips a key that names no indexed expression without a word; the index then lacks its operator class.
        if let Some((unused, _)) = ops.iter().find(|(c, _)| !keys.contains(c)) {
            cx.warning(
                "index-ops-unused",
                ops_value.span,
                format!("`postgresql_ops` names `{unused}`, which is not one of this index's columns, so SQLAlchemy silently leaves its operator class out."),
                format!("Key the operator class by an indexed column name (or the exact text of an `sa.text(...)` expression), one of: {}.", keys.join(", ")),
            );
        }
    }
    if rendered.is_empty() {
        return cx.error(
            "missing-argument",
            args.span,
            "An index needs at least one column.",
            "List the indexed columns.",
        );
    }
    sql.push_str(&format!("({})", rendered.join(", ")));
    if let Some(include) = args.given("postgresql_include") {
        let names = cx.names(include)?;
        sql.push_str(&format!(
            " INCLUDE ({})",
            names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
        ));
    }
    match args.given("postgresql_nulls_not_distinct") {
        Some(value) if cx.bool(value)? => sql.push_str(" NULLS NOT DISTINCT"),
        Some(_) => sql.push_str(" NULLS DISTINCT"),
        None => {}
    }
    if let Some(with) = args.given("postgresql_with") {
        sql.push_str(&format!(" WITH ({})", storage_parameters(cx, with)?));
    }
    if let Some(tablespace) = args.opt_string(cx, "postgresql_tablespace")? {
        sql.push_str(&format!(" TABLESPACE {}", quote(&tablespace)));
    }
    if let Some(condition) = args.given("postgresql_where") {
        sql.push_str(&format!(" WHERE {}", super::super::constraint::condition(cx, condition)?));
    }
    Some(sql)
}

/// `postgresql_ops={"email": "text_pattern_ops"}`: operator classes by column name.
fn operator_classes(cx: &Cx, value: &Value) -> Option<Vec<(String, String)>> {
    let Kind::Dict(items) = &value.kind else {
        return cx.unsupported(value, "a dictionary of column names to operator classes, like `{\"email\": \"text_pattern_ops\"}`");
    };
    let mut out = Vec::new();
    for (column, class) in items {
        let column = cx.string(column, "a column name")?;
        let class = cx.string(class, "an operator class name")?;
        out.push((column, class));
    }
    Some(out)
}

/// `postgresql_with={"fillfactor": 50}`: rendered `key = value` with Python's `str()` of each, as SQLAlchemy does.
fn storage_parameters(cx: &Cx, value: &Value) -> Option<String> {
    let Kind::Dict(items) = &value.kind else {
        return cx
            .unsupported(value, "a dictionary of storage parameters, like `{\"fillfactor\": 50}`");
    };
    let mut out = Vec::new();
    for (key, value) in items {
        let key = cx.string(key, "a storage parameter name")?;
        let value = match &value.kind {
            Kind::Str(text) => text.clone(),
            Kind::Int(n) => n.to_string(),
            Kind::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
            _ => return cx.unsupported(value, "a number or a string"),
        };
        out.push(format!("{key} = {value}"));
    }
    Some(out.join(", "))
}

/// A column name, or an expression written as `sa.text("lower(email)")`: the SQL, and the key `postgresql_ops` uses.
fn index_column(cx: &Cx, value: &Value) -> Option<(String, String)> {
    if let Kind::Str(name) = &value.kind {
        return Some((quote(name), name.clone()));
    }
    match value.as_call() {
        Some(call)
            if call.func.last_name() == Some("text")
                && call.args.len() == 1
                && call.kwargs.is_empty() =>
        {
            let text =
                call.args.first().and_then(|arg| cx.string(arg, "a SQL expression string"))?;
            Some((text.clone(), text))
        }
        _ => cx.unsupported(value, "a column name or `sa.text(\"expression\")`"),
    }
}

/// `DROP INDEX [CONCURRENTLY] [IF EXISTS] [schema.]name`; PostgreSQL needs no table name.
pub(crate) fn drop_index(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "if_exists", "postgresql_concurrently"],
        // Autogenerate repeats the index's options in `drop_index`; DROP INDEX needs none of them.
        ignored: &[
            "info",
            "unique",
            "postgresql_where",
            "postgresql_using",
            "postgresql_include",
            "postgresql_ops",
            "postgresql_nulls_not_distinct",
            "postgresql_with",
            "postgresql_tablespace",
        ],
        ..Signature::new("op.drop_index", &["index_name", "table_name"])
    };
    // The table is optional here, so bind directly instead of through the batch-aware helper.
    let (args, schema) = match receiver.batch {
        Some(table) => (
            Args::bind(
                cx,
                call,
                span,
                &Signature {
                    params: &["index_name"],
                    kwonly: &["if_exists", "postgresql_concurrently"],
                    ..sig
                },
            )?,
            table.schema.clone(),
        ),
        None => {
            let args = Args::bind(cx, call, span, &sig)?;
            let schema = args.opt_string(cx, "schema")?;
            (args, schema)
        }
    };
    let name = cx.object_name(args.required(cx, "index_name", "op.drop_index")?)?;
    let mut sql = String::from("DROP INDEX ");
    if args.flag(cx, "postgresql_concurrently")? {
        sql.push_str("CONCURRENTLY ");
    }
    if args.flag(cx, "if_exists")? {
        sql.push_str("IF EXISTS ");
    }
    sql.push_str(&super::super::ident::table(&name, schema.as_deref()));
    Some(vec![sql])
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn create_index_ok() {
        insta::assert_snapshot!(check(r#"
op.create_index(op.f("ix_expenses_reconciler_run_id"), "expenses", ["reconciler_run_id"], unique=False)
op.create_index("ix_users_email", "users", ["email"], unique=True)
op.create_index("ix_users_name", "users", ["last_name", "first_name"])
op.create_index("ix_users_active", "users", ["email"], postgresql_where=sa.text("active"))
op.create_index("ix_users_tags", "users", ["tags"], postgresql_using="gin")
op.create_index("ix_users_lower", "users", [sa.text("lower(email)")], if_not_exists=True)
op.create_index("ix_users_prefix", "users", ["email", "name"], postgresql_ops={"email": "text_pattern_ops"})
with op.get_context().autocommit_block():
    op.create_index("ix_expenses_user_id", "expenses", ["user_id"], postgresql_concurrently=True)"#), @r#"
        CREATE INDEX ix_expenses_reconciler_run_id ON expenses (reconciler_run_id);
        CREATE UNIQUE INDEX ix_users_email ON users (email);
        CREATE INDEX ix_users_name ON users (last_name, first_name);
        CREATE INDEX ix_users_active ON users (email) WHERE active;
        CREATE INDEX ix_users_tags ON users USING gin (tags);
        CREATE INDEX IF NOT EXISTS ix_users_lower ON users (lower(email));
        CREATE INDEX ix_users_prefix ON users (email text_pattern_ops, name);
        -- autocommit
        CREATE INDEX CONCURRENTLY ix_expenses_user_id ON expenses (user_id);
        "#);
    }

    #[test]
    fn drop_index_ok() {
        insta::assert_snapshot!(check(r#"
op.drop_index(op.f("ix_expenses_reconciler_run_id"), table_name="expenses")
op.drop_index("ix_users_email", "users", if_exists=True)
op.drop_index("ix_app", schema="app")
op.drop_index("ix_x", table_name="x", postgresql_concurrently=True)"#), @r#"
    DROP INDEX ix_expenses_reconciler_run_id;
    DROP INDEX IF EXISTS ix_users_email;
    DROP INDEX app.ix_app;
    DROP INDEX CONCURRENTLY ix_x;
    concurrently-outside-autocommit-block r1.py:14:5: Alembic runs this operation inside the migration's transaction, and Postgres refuses `CONCURRENTLY` there with 25001 (active_sql_transaction), so the whole migration rolls back.
      help: Move the operation into `with op.get_context().autocommit_block():`.
    "#);
    }

    #[test]
    fn create_index_err() {
        insta::assert_snapshot!(check(r#"
op.create_index(None, "users", ["email"])
op.create_index("ix", "users", [])
op.create_index("ix", "users", ["a"], postgresql_ops=ops)
op.create_index("ix_a_very_long_index_name_that_autogenerate_might_produce_for_many_columns", "users", ["a"])"#), @r#"
    missing-argument r1.py:11:5: `op.create_index` needs an index name: PostgreSQL would invent one, and Alembic could never drop it by name.
      help: Name the index, e.g. `op.f("ix_table_column")`.
    missing-argument r1.py:12:5: An index needs at least one column.
      help: List the indexed columns.
    unsupported-expression r1.py:13:58: miglab expected a dictionary of column names to operator classes, like `{"email": "text_pattern_ops"}` here but found `ops`, which miglab cannot evaluate without running Python.
      help: Write a dictionary of column names to operator classes, like `{"email": "text_pattern_ops"}` here.
    identifier-too-long r1.py:14:21: The name `ix_a_very_long_index_name_that_autogenerate_might_produce_for_many_columns` is 74 characters long, and SQLAlchemy refuses names over PostgreSQL's limit of 63, so Alembic fails with IdentifierError.
      help: Shorten the name to 63 characters or fewer.
    "#);
    }
}
