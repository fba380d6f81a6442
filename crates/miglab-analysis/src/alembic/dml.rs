//! `t.update().where(…).values(…)`, `t.delete().where(…)` and `t.insert().values(…)` on an `sa.table(...)`,
//! and `sa.text("…").bindparams(…)`, rendered as `op.execute` prints them in `--sql` mode.

use super::cx::Cx;
use super::ident::quote;
use super::python::{Call, Kind, Value};
use super::sqlexpr::{self, Context};
use super::types::SqlType;

/// The statement a DML construct renders, `None` (with an error) if it cannot be rendered,
/// or `Some(None)` when the value is no DML construct at all.
pub(crate) fn statement(cx: &Cx, value: &Value) -> Option<Option<String>> {
    let mut methods: Vec<(&str, &Call, &Value)> = Vec::new();
    let mut current = value;
    let (verb, table) = loop {
        let Some(call) = current.as_call() else { return Some(None) };
        let Kind::Attr(receiver, method) = &call.func.kind else {
            // `sa.update(t)`, `sa.delete(t)`, `sa.insert(t)`.
            return match (call.func.last_name(), call.args.as_slice()) {
                (Some(verb @ ("update" | "delete" | "insert")), [table])
                    if sqlexpr::table_name(table).is_some() && call.kwargs.is_empty() =>
                {
                    render(cx, verb, table, &methods, value).map(Some)
                }
                _ => Some(None),
            };
        };
        match method.as_str() {
            verb @ ("update" | "delete" | "insert") if sqlexpr::table_name(receiver).is_some() => {
                if !call.args.is_empty() || !call.kwargs.is_empty() {
                    return cx.unsupported(current, &format!("`.{verb}()` without arguments"));
                }
                break (verb, receiver.as_ref());
            }
            "update" | "delete" | "insert" => {
                if let Kind::Name(_) = receiver.kind {
                    return Some(None);
                }
                break_verb_on_unknown(cx, receiver)?;
                return Some(None);
            }
            _ => {
                methods.push((method.as_str(), call, current));
                current = receiver;
            }
        }
    };
    render(cx, verb, table, &methods, value).map(Some)
}

/// `x.update()` on something that is not `sa.table(...)`.
fn break_verb_on_unknown(cx: &Cx, receiver: &Value) -> Option<()> {
    cx.unsupported(receiver, "a table written as `sa.table(\"name\", sa.column(\"col\"), …)`")
}

fn render(
    cx: &Cx,
    verb: &str,
    table: &Value,
    methods: &[(&str, &Call, &Value)],
    whole: &Value,
) -> Option<String> {
    let context = Context { qualify: true };
    let name = sqlexpr::table_name(table)?;
    let columns = table_columns(cx, table)?;
    let mut wheres = Vec::new();
    let mut values: Vec<(String, &Value)> = Vec::new();
    // Methods were collected outermost first; SQLAlchemy applies them innermost first.
    for (method, call, at) in methods.iter().rev() {
        match *method {
            "where" | "filter" if verb != "insert" && call.kwargs.is_empty() => {
                for condition in &call.args {
                    wheres.push(sqlexpr::expression(cx, condition, context)?);
                }
            }
            "values" => {
                for kwarg in &call.kwargs {
                    match &kwarg.name {
                        Some(name) => values.push((name.clone(), &kwarg.value)),
                        None => return cx.unsupported(&kwarg.value, "keyword arguments"),
                    }
                }
                for arg in &call.args {
                    let Kind::Dict(items) = &arg.kind else {
                        return cx.unsupported(arg, "a dictionary of column values");
                    };
                    for (key, value) in items {
                        let key = match (&key.kind, sqlexpr::column(key, context)) {
                            (Kind::Str(name), _) => name.clone(),
                            (_, Some(_)) => key.last_name().unwrap_or_default().to_owned(),
                            _ => return cx.unsupported(key, "a column name"),
                        };
                        values.push((key, value));
                    }
                }
            }
            _ => {
                return cx
                    .unsupported(at, &format!("`.where(…)` or `.values(…)` on this `{verb}()`"))
            }
        }
    }
    for (column, value) in &values {
        if !columns.iter().any(|(c, _)| c == column) {
            return cx.error(
                "invalid-argument",
                value.span,
                format!("The table {name} has no column `{column}`, so SQLAlchemy refuses this statement (\"Unconsumed column names\")."),
                format!("Add `sa.column(\"{column}\")` to the table, or remove `{column}`."),
            );
        }
    }
    // SQLAlchemy lists SET and VALUES in the table's column order, not the order they were given in.
    let mut ordered = Vec::new();
    for (column, ty) in &columns {
        if let Some((_, value)) = values.iter().rev().find(|(c, _)| c == column) {
            // A Python value goes through the column type's literal processor; a SQL expression renders as itself.
            let sql = match value.kind {
                Kind::Str(_) | Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) | Kind::None => {
                    sqlexpr::typed_literal(cx, value, ty.as_ref(), column)?
                }
                _ => sqlexpr::value_sql(cx, value, context)?,
            };
            ordered.push((quote(column), sql));
        }
    }
    let clause = |wheres: Vec<sqlexpr::Sql>| -> String {
        match wheres.len() {
            0 => String::new(),
            1 => format!(" WHERE {}", wheres.into_iter().map(|w| w.text).collect::<String>()),
            _ => format!(" WHERE {}", sqlexpr::and(wheres)),
        }
    };
    Some(match verb {
        "update" => {
            if ordered.is_empty() {
                return cx.error(
                    "missing-argument",
                    whole.span,
                    "This UPDATE sets no column, and SQLAlchemy renders no statement without one.",
                    "Add `.values(column=value)`.",
                );
            }
            let set: Vec<String> = ordered.iter().map(|(c, v)| format!("{c}={v}")).collect();
            format!("UPDATE {name} SET {}{}", set.join(", "), clause(wheres))
        }
        "delete" => {
            if !values.is_empty() {
                return cx.unsupported(whole, "a DELETE without `.values(…)`");
            }
            format!("DELETE FROM {name}{}", clause(wheres))
        }
        _ => {
            if ordered.is_empty() {
                return cx.error(
                    "missing-argument",
                    whole.span,
                    "This INSERT gives no values, which miglab does not render.",
                    "Add `.values(column=value)`.",
                );
            }
            let (names, values): (Vec<String>, Vec<String>) = ordered.into_iter().unzip();
            format!("INSERT INTO {name} ({}) VALUES ({})", names.join(", "), values.join(", "))
        }
    })
}

/// The column names of `sa.table("t", sa.column("a", sa.Text), …)`, in order, with their types.
fn table_columns(cx: &Cx, table: &Value) -> Option<Vec<(String, Option<SqlType>)>> {
    let call = table.as_call()?;
    let mut columns = Vec::new();
    for arg in call.args.iter().skip(1) {
        match arg.as_call().filter(|c| matches!(c.func.last_name(), Some("column" | "Column"))) {
            Some(column) => match column.args.first().and_then(Value::as_str) {
                Some(name) => columns.push((name.to_owned(), super::ops::column_type(cx, column)?)),
                None => return cx.unsupported(arg, "a column with a name"),
            },
            None => return cx.unsupported(arg, "`sa.column(\"name\")`"),
        }
    }
    if let Some(kwarg) = call.kwargs.iter().find(|k| k.name.as_deref() != Some("schema")) {
        return cx.unsupported(&kwarg.value, "`schema=` as the only keyword of `sa.table`");
    }
    Some(columns)
}

/// SQL text and its bound parameters, each as a SQL literal.
pub(crate) type BoundText = (String, Vec<(String, String)>);

/// `sa.text("… :name …").bindparams(name=value)`: the text and each parameter as a SQL literal.
pub(crate) fn bound_text(cx: &Cx, value: &Value) -> Option<Option<BoundText>> {
    let Some(call) = value.as_call() else { return Some(None) };
    let Kind::Attr(receiver, method) = &call.func.kind else { return Some(None) };
    if method != "bindparams" {
        return Some(None);
    }
    let Some(text) = receiver.as_call().filter(|c| c.func.last_name() == Some("text")) else {
        return Some(None);
    };
    let [sql] = text.args.as_slice() else { return cx.unsupported(receiver, "`sa.text(\"…\")`") };
    let sql = cx.string(sql, "the SQL as a string")?;
    if let Some(arg) = call.args.first() {
        return cx
            .unsupported(arg, "parameters passed by keyword, as in `.bindparams(name=\"value\")`");
    }
    let mut params = Vec::new();
    for kwarg in &call.kwargs {
        let Some(name) = &kwarg.name else {
            return cx.unsupported(&kwarg.value, "a keyword argument");
        };
        params.push((name.clone(), sqlexpr::literal_sql(cx, &kwarg.value)?));
    }
    Some(Some((sql, params)))
}
