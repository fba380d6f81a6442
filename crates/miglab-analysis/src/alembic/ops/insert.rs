//! `op.bulk_insert(table, rows)`: one `INSERT` per row, as Alembic renders it in `--sql` mode.
//!
//! The table comes from `sa.table("t", sa.column("id"), ...)` or from the result of `op.create_table(...)`,
//! often bound to a name first; miglab only needs its name and column order.

use super::super::cx::{Args, Cx, Signature};
use super::super::ident::quote;
use super::super::python::{Call, Kind, Value};
use super::super::sqlexpr::typed_literal;
use super::super::types::{sql_type, SqlType};
use super::TableRef;
use crate::diagnostic::Span;

/// What `bulk_insert` needs to know about a table: where it is and its columns, in order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TableShape {
    pub table: TableRef,
    pub columns: Vec<String>,
    /// Each column's type, `None` for `sa.column("a")` without one; SQLAlchemy renders values through it.
    pub types: Vec<Option<SqlType>>,
}

/// The type of `sa.column("a", sa.Text)` / `sa.Column("a", sa.Text())` (positional or `type_=`), `None` without one.
pub(crate) fn column_type(cx: &Cx, column: &Call) -> Option<Option<SqlType>> {
    let given = column.args.get(1).or_else(|| {
        column.kwargs.iter().find(|k| k.name.as_deref() == Some("type_")).map(|k| &k.value)
    });
    match given {
        Some(ty) if !ty.is_none() => sql_type(cx, ty).map(Some),
        _ => Some(None),
    }
}

/// The shape of `sa.table("t", sa.column("a"), …, schema=…)` or `op.create_table("t", sa.Column("a", …), …)`.
pub(crate) fn shape(cx: &Cx, value: &Value) -> Option<TableShape> {
    let Some(call) = value.as_call() else {
        return cx.unsupported(value, "`sa.table(...)` or `op.create_table(...)`");
    };
    let (column_fn, what) = match call.func.path().as_deref() {
        Some("op.create_table") => ("Column", "op.create_table"),
        _ if matches!(call.func.last_name(), Some("table" | "Table")) => ("column", "sa.table"),
        _ => return cx.unsupported(value, "`sa.table(...)` or `op.create_table(...)`"),
    };
    let sig = Signature {
        varargs: true,
        kwonly: &["schema"],
        ignored: &["comment", "info", "if_not_exists"],
        ..Signature::new(what, &["name"])
    };
    let args = Args::bind(cx, call, value.span, &sig)?;
    let name = cx.name(args.required(cx, "name", what)?)?;
    let schema = args.opt_string(cx, "schema")?;
    let mut columns = Vec::new();
    let mut types = Vec::new();
    for item in &args.rest {
        let Some(column) = item
            .as_call()
            .filter(|c| c.func.last_name().is_some_and(|n| n.eq_ignore_ascii_case(column_fn)))
        else {
            continue; // constraints and indexes have no values to insert
        };
        match column.args.first() {
            Some(first) => columns.push(cx.string(first, "the column name as a string")?),
            None => return cx.unsupported(item, "a column with a name"),
        }
        types.push(column_type(cx, column)?);
    }
    Some(TableShape { table: TableRef { name, schema }, columns, types })
}

/// `INSERT INTO t (a, b) VALUES (1, 'x')` per row, columns in table order, only those the row gives.
pub(crate) fn bulk_insert(cx: &Cx, call: &Call, span: Span) -> Option<Vec<String>> {
    let sig = Signature::new("op.bulk_insert", &["table", "rows", "multiinsert"]);
    let args = Args::bind(cx, call, span, &sig)?;
    let table = args.required(cx, "table", sig.what)?;
    let shape = shape(cx, table)?;
    let rows = args.required(cx, "rows", sig.what)?;
    let Kind::Seq(rows) = &rows.kind else { return cx.unsupported(rows, "a list of dictionaries") };
    let mut out = Vec::new();
    for row in rows {
        out.push(insert(cx, &shape, row)?);
    }
    Some(out)
}

fn insert(cx: &Cx, shape: &TableShape, row: &Value) -> Option<String> {
    let Kind::Dict(items) = &row.kind else {
        return cx.unsupported(row, "a dictionary of column values");
    };
    let mut given = Vec::new();
    for (key, value) in items {
        let column = cx.string(key, "a column name")?;
        if !shape.columns.contains(&column) {
            return cx.error(
                "invalid-argument",
                key.span,
                format!(
                    "The table {} has no column `{column}`, so SQLAlchemy rejects this row.",
                    shape.table.name
                ),
                format!("Add `{column}` to the table's columns, or remove it from the row."),
            );
        }
        let ty = shape
            .columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| shape.types.get(i))
            .and_then(Option::as_ref);
        given.push((column.clone(), typed_literal(cx, value, ty, &column)?));
    }
    let (columns, values): (Vec<String>, Vec<String>) = shape
        .columns
        .iter()
        .filter_map(|c| given.iter().find(|(g, _)| g == c).map(|(_, v)| (quote(c), v.clone())))
        .unzip();
    Some(format!(
        "INSERT INTO {} ({}) VALUES ({})",
        shape.table.sql(),
        columns.join(", "),
        values.join(", ")
    ))
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn bulk_insert_ok() {
        insta::assert_snapshot!(check(r#"
op.bulk_insert(sa.table("statuses", sa.column("id", sa.Integer), sa.column("name", sa.String), schema="app"), [{"name": "open", "id": 1}, {"id": 2, "name": None}])"#), @r#"
    INSERT INTO app.statuses (id, name) VALUES (1, 'open');
    INSERT INTO app.statuses (id, name) VALUES (2, NULL);
    "#);
    }

    #[test]
    fn bulk_insert_err() {
        insta::assert_snapshot!(check(r#"
op.bulk_insert(statuses, [{"id": 1}])
op.bulk_insert(sa.table("t", sa.column("id")), [{"nope": 1}])
op.bulk_insert(sa.table("t", sa.column("id")), [{"id": sa.func.now()}])"#), @r#"
    unsupported-expression r1.py:11:20: miglab expected `sa.table(...)` or `op.create_table(...)` here but found `statuses`, which miglab cannot evaluate without running Python.
      help: Write `sa.table(...)` or `op.create_table(...)` here.
    invalid-argument r1.py:12:54: The table t has no column `nope`, so SQLAlchemy rejects this row.
      help: Add `nope` to the table's columns, or remove it from the row.
    unsupported-expression r1.py:13:60: miglab expected a string, number, boolean or `None` here but found a call to `sa.func.now()`, which miglab cannot evaluate without running Python.
      help: Write a string, number, boolean or `None` here.
    "#);
    }
}
