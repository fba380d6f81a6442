//! SQLAlchemy's expression language (`and_`, `or_`, `not_`, comparisons, `in_`, `is_`, `func.*`, `cast`, `literal`)
//! rendered as its PostgreSQL compiler renders it with literal binds, parentheses included.
//!
//! Parentheses follow SQLAlchemy's operator precedence (`sqlalchemy.sql.operators._PRECEDENCE`):
//! an operand is grouped when its operator binds no tighter than the one around it,
//! except that `AND`, `OR`, `+` and `*` chain without grouping.

use super::cx::Cx;
use super::ident::{literal, quote};
use super::python::{Call, Kind, Value};
use super::types::SqlType;
use ruff_python_ast::CmpOp;

/// Rendered SQL and the operator at its top, which decides whether an enclosing operator must group it.
#[derive(Clone, Debug)]
pub(crate) struct Sql {
    pub text: String,
    op: Option<&'static str>,
}

impl Sql {
    fn atom(text: String) -> Sql {
        Sql { text, op: None }
    }
}

/// Where a column is rendered: qualified by its table (`users.id`) in DML, bare in DDL (`CHECK (a > 0)`).
#[derive(Clone, Copy)]
pub(crate) struct Context {
    pub qualify: bool,
}

fn precedence(op: &str) -> i32 {
    match op {
        "*" | "/" | "%" => 8,
        "+" | "-" | "||" => 7,
        "AND" => 3,
        "OR" => 2,
        _ => 5, // comparisons, IS, IN, LIKE, NOT
    }
}

/// Operators SQLAlchemy lets chain without parentheses (`is_natural_self_precedent`).
fn associative(op: &str) -> bool {
    matches!(op, "AND" | "OR" | "+" | "*" | "||")
}

/// `inner` as an operand of `against`, in parentheses when SQLAlchemy would group it.
fn operand(inner: Sql, against: &str) -> String {
    match inner.op {
        Some(op) if op == against && associative(op) => inner.text,
        Some(op) if precedence(op) <= precedence(against) => format!("({})", inner.text),
        _ => inner.text,
    }
}

/// A boolean SQL condition (a `CHECK`, an index `WHERE`, a DML `WHERE`): a string, `sa.text(...)`, or an expression.
pub(crate) fn condition(cx: &Cx, value: &Value, context: Context) -> Option<String> {
    if let Some(text) = value.as_str() {
        return Some(text.to_owned());
    }
    Some(expression(cx, value, context)?.text)
}

/// Renders one expression.
pub(crate) fn expression(cx: &Cx, value: &Value, context: Context) -> Option<Sql> {
    match &value.kind {
        Kind::Compare(left, op, right) => compare(cx, left, *op, right, context),
        Kind::BinOp(left, op, right) => binary(cx, left, op, right, context),
        Kind::Call(call) => call_sql(cx, call, value, context),
        Kind::Attr(..) => match column(value, context) {
            Some(text) => Some(Sql::atom(text)),
            None => unsupported(cx, value),
        },
        _ => literal_sql(cx, value).map(Sql::atom),
    }
}

/// A Python value as a literal bind: `'text'`, `5`, `true`, `NULL`.
pub(crate) fn literal_sql(cx: &Cx, value: &Value) -> Option<String> {
    match &value.kind {
        Kind::Str(text) => Some(literal(text)),
        Kind::Int(n) => Some(n.to_string()),
        Kind::Float(f) => Some(format!("{f:?}")),
        Kind::Bool(b) => Some(b.to_string()),
        Kind::None => Some("NULL".to_owned()),
        _ => unsupported(cx, value),
    }
}

/// A Python value as SQLAlchemy's literal processor for the column's type renders it; `None` is always `NULL`.
/// A column without a type (`sa.column("a")`) or a type without a literal renderer makes SQLAlchemy fail,
/// and so does a value the type cannot take, so miglab refuses those too.
pub(crate) fn typed_literal(
    cx: &Cx,
    value: &Value,
    ty: Option<&SqlType>,
    column: &str,
) -> Option<String> {
    if value.is_none() {
        return Some("NULL".to_owned());
    }
    if !matches!(value.kind, Kind::Str(_) | Kind::Int(_) | Kind::Float(_) | Kind::Bool(_)) {
        return cx.unsupported(value, "a string, number, boolean or `None`");
    }
    let Some(ty) = ty else {
        return cx.error(
            "untyped-column",
            value.span,
            format!("The column `{column}` has no type, so SQLAlchemy cannot render this value and Alembic fails with \"No literal value renderer is available\"."),
            format!("Give the column a type, e.g. `sa.column(\"{column}\", sa.Text)`."),
        );
    };
    let sql = ty.sql.as_str();
    let head = sql.split(['(', ' ', '[']).next().unwrap_or_default();
    let rendered = match (head, &value.kind) {
        ("INTEGER" | "BIGINT" | "SMALLINT", Kind::Int(n)) => Some(n.to_string()),
        ("INTEGER" | "BIGINT" | "SMALLINT", Kind::Bool(b)) => Some(i64::from(*b).to_string()),
        ("INTEGER" | "BIGINT" | "SMALLINT", Kind::Float(f)) if f.is_finite() && f.abs() < 9e15 => {
            Some((f.trunc() as i64).to_string())
        }
        ("INTEGER" | "BIGINT" | "SMALLINT", Kind::Str(s)) => {
            s.trim().parse::<i64>().ok().map(|n| n.to_string())
        }
        ("BOOLEAN", Kind::Bool(b)) => Some(b.to_string()),
        ("BOOLEAN", Kind::Int(n @ (0 | 1))) => Some((*n == 1).to_string()),
        ("NUMERIC" | "FLOAT" | "REAL" | "DOUBLE", Kind::Int(n)) => Some(n.to_string()),
        ("NUMERIC" | "FLOAT" | "REAL" | "DOUBLE", Kind::Float(f))
            if *f == 0.0 || (f.abs() >= 1e-4 && f.abs() < 1e16) =>
        {
            Some(format!("{f:?}"))
        }
        ("VARCHAR" | "TEXT" | "CHAR" | "NVARCHAR" | "NCHAR" | "UUID", Kind::Str(s)) => {
            Some(literal(s))
        }
        (_, Kind::Str(s)) if ty.enum_type.is_some() => Some(literal(s)),
        _ => None,
    };
    match rendered {
        Some(text) => Some(text),
        None => cx.error(
            "literal-for-type",
            value.span,
            format!("SQLAlchemy cannot render {} as a literal of the column `{column}`'s type {sql}, so Alembic fails here.", value.describe()),
            "Write a value of the column's type (a string for text, a number for numbers, `True` or `False`), or use `op.execute()` with SQL.",
        ),
    }
}

fn unsupported<T>(cx: &Cx, value: &Value) -> Option<T> {
    cx.unsupported(
        value,
        "a SQLAlchemy expression miglab renders (a column, a literal, `sa.and_`, `sa.or_`, `sa.not_`, a comparison, `.in_`, `.is_`, `sa.func.…`, `sa.cast`, `sa.text`)",
    )
}

/// `t.c.name` (qualified by the table of `sa.table(...)` when rendering DML) or `sa.column("name")`.
pub(crate) fn column(value: &Value, context: Context) -> Option<String> {
    match &value.kind {
        Kind::Attr(owner, name) => {
            let Kind::Attr(table, c) = &owner.kind else { return None };
            if c != "c" {
                return None;
            }
            let table = table_name(table)?;
            Some(if context.qualify { format!("{table}.{}", quote(name)) } else { quote(name) })
        }
        Kind::Call(call) if call.func.last_name() == Some("column") => {
            call.args.first().and_then(Value::as_str).map(quote)
        }
        _ => None,
    }
}

/// The rendered name of `sa.table("t", ..., schema="s")`.
pub(crate) fn table_name(value: &Value) -> Option<String> {
    let call = value.as_call().filter(|c| matches!(c.func.last_name(), Some("table" | "Table")))?;
    let name = call.args.first()?.as_str()?;
    let schema = call
        .kwargs
        .iter()
        .find(|k| k.name.as_deref() == Some("schema"))
        .and_then(|k| k.value.as_str());
    Some(super::ident::table(name, schema))
}

fn compare(cx: &Cx, left: &Value, op: CmpOp, right: &Value, context: Context) -> Option<Sql> {
    // `col == None` is `IS NULL` in SQLAlchemy, `col != None` is `IS NOT NULL`.
    let op = match (op, right.is_none()) {
        (CmpOp::Eq | CmpOp::Is, true) => "IS",
        (CmpOp::NotEq | CmpOp::IsNot, true) => "IS NOT",
        (CmpOp::Eq, _) => "=",
        (CmpOp::NotEq, _) => "!=",
        (CmpOp::Lt, _) => "<",
        (CmpOp::LtE, _) => "<=",
        (CmpOp::Gt, _) => ">",
        (CmpOp::GtE, _) => ">=",
        _ => return unsupported(cx, left),
    };
    binary(cx, left, op, right, context)
}

fn binary(cx: &Cx, left: &Value, op: &'static str, right: &Value, context: Context) -> Option<Sql> {
    let left = expression(cx, left, context)?;
    let right = expression(cx, right, context)?;
    Some(Sql { text: format!("{} {op} {}", operand(left, op), operand(right, op)), op: Some(op) })
}

fn call_sql(cx: &Cx, call: &Call, value: &Value, context: Context) -> Option<Sql> {
    if let Some(text) = column(value, context) {
        return Some(Sql::atom(text));
    }
    let path = call.func.path().unwrap_or_default();
    let name = call.func.last_name().unwrap_or_default();
    // `sa.func.lower(x)`: any function name, rendered as SQLAlchemy does for generic functions.
    if let Kind::Attr(owner, function) = &call.func.kind {
        if owner.last_name() == Some("func") && owner.path().is_some() {
            if !call.kwargs.is_empty() {
                return unsupported(cx, value);
            }
            let args: Vec<String> = call
                .args
                .iter()
                .map(|a| expression(cx, a, context).map(|s| s.text))
                .collect::<Option<_>>()?;
            return Some(Sql::atom(format!("{function}({})", args.join(", "))));
        }
        // Methods of a column: `.in_`, `.is_`, `.like`…
        if let Some(sql) = method(cx, owner, function, call, value, context) {
            return sql;
        }
    }
    match name {
        "and_" | "or_" if call.kwargs.is_empty() && !call.args.is_empty() => {
            let op = if name == "and_" { "AND" } else { "OR" };
            let parts: Vec<String> = call
                .args
                .iter()
                .map(|a| expression(cx, a, context).map(|s| operand(s, op)))
                .collect::<Option<_>>()?;
            if parts.len() == 1 {
                return expression(cx, call.args.first()?, context);
            }
            Some(Sql { text: parts.join(&format!(" {op} ")), op: Some(op) })
        }
        "not_" if call.args.len() == 1 && call.kwargs.is_empty() => {
            not(cx, call.args.first()?, context)
        }
        "literal" if call.args.len() == 1 && call.kwargs.is_empty() => {
            literal_sql(cx, call.args.first()?).map(Sql::atom)
        }
        "null" if call.args.is_empty() => Some(Sql::atom("NULL".to_owned())),
        "true" if call.args.is_empty() => Some(Sql::atom("true".to_owned())),
        "false" if call.args.is_empty() => Some(Sql::atom("false".to_owned())),
        "text" if call.args.len() == 1 && call.kwargs.is_empty() => {
            Some(Sql::atom(cx.string(call.args.first()?, "the SQL as a string")?))
        }
        "cast" if call.args.len() == 2 && call.kwargs.is_empty() => {
            let [expr, ty] = call.args.as_slice() else { return None };
            let expr = expression(cx, expr, context)?;
            let ty = super::types::sql_type(cx, ty)?;
            Some(Sql::atom(format!("CAST({} AS {})", expr.text, ty.sql)))
        }
        _ => {
            let _ = path;
            unsupported(cx, value)
        }
    }
}

/// `NOT x`; a negated comparison flips its operator, as SQLAlchemy does.
fn not(cx: &Cx, inner: &Value, context: Context) -> Option<Sql> {
    if let Kind::Compare(left, op, right) = &inner.kind {
        let flipped = match op {
            CmpOp::Eq => CmpOp::NotEq,
            CmpOp::NotEq => CmpOp::Eq,
            CmpOp::Lt => CmpOp::GtE,
            CmpOp::GtE => CmpOp::Lt,
            CmpOp::Gt => CmpOp::LtE,
            CmpOp::LtE => CmpOp::Gt,
            CmpOp::Is => CmpOp::IsNot,
            CmpOp::IsNot => CmpOp::Is,
            _ => return unsupported(cx, inner),
        };
        return compare(cx, left, flipped, right, context);
    }
    // A negated column method is its opposite: `NOT LIKE`, `IS NOT`, `NOT IN`.
    if let Some(call) = inner.as_call() {
        if let Kind::Attr(owner, name) = &call.func.kind {
            let opposite = match name.as_str() {
                "in_" => Some("not_in"),
                "not_in" | "notin_" => Some("in_"),
                "is_" => Some("is_not"),
                "is_not" | "isnot" => Some("is_"),
                "like" => Some("not_like"),
                "not_like" | "notlike" => Some("like"),
                "ilike" => Some("not_ilike"),
                "not_ilike" | "notilike" => Some("ilike"),
                _ => None,
            };
            if let Some(opposite) = opposite {
                return method(cx, owner, opposite, call, inner, context).flatten();
            }
        }
    }
    let sql = expression(cx, inner, context)?;
    Some(Sql { text: format!("NOT {}", operand(sql, "NOT")), op: Some("NOT") })
}

/// Column methods: `.in_([...])`, `.not_in`, `.is_(None)`, `.isnot(None)`, `.like("x%")`, `.ilike`.
fn method(
    cx: &Cx,
    owner: &Value,
    method: &str,
    call: &Call,
    value: &Value,
    context: Context,
) -> Option<Option<Sql>> {
    let op = match method {
        "in_" => "IN",
        "not_in" | "notin_" => "NOT IN",
        "is_" => "IS",
        "is_not" | "isnot" => "IS NOT",
        "like" => "LIKE",
        "ilike" => "ILIKE",
        "not_like" | "notlike" => "NOT LIKE",
        "not_ilike" | "notilike" => "NOT ILIKE",
        _ => return None,
    };
    let [arg] = call.args.as_slice() else { return Some(unsupported(cx, value)) };
    if !call.kwargs.is_empty() {
        return Some(unsupported(cx, value));
    }
    Some(match op {
        "IN" | "NOT IN" => {
            let Kind::Seq(items) = &arg.kind else { return Some(unsupported(cx, arg)) };
            if items.is_empty() {
                return Some(cx.unsupported(arg, "a non-empty list"));
            }
            let left = match expression(cx, owner, context) {
                Some(left) => left,
                None => return Some(None),
            };
            let items: Option<Vec<String>> = items.iter().map(|i| literal_sql(cx, i)).collect();
            let Some(items) = items else { return Some(None) };
            let text = format!("{} {op} ({})", operand(left, op), items.join(", "));
            // SQLAlchemy always groups NOT IN: `(x NOT IN (1, 2))`.
            Some(match op {
                "NOT IN" => Sql::atom(format!("({text})")),
                _ => Sql { text, op: Some(op) },
            })
        }
        _ => binary(cx, owner, op, arg, context),
    })
}

/// Several `.where(…)` clauses, joined with AND as SQLAlchemy joins them.
pub(crate) fn and(clauses: Vec<Sql>) -> String {
    clauses.into_iter().map(|c| operand(c, "AND")).collect::<Vec<_>>().join(" AND ")
}

/// A value in a SET list or VALUES row: SQLAlchemy groups every binary expression there.
pub(crate) fn value_sql(cx: &Cx, value: &Value, context: Context) -> Option<String> {
    let sql = expression(cx, value, context)?;
    Some(match sql.op {
        Some(_) => format!("({})", sql.text),
        None => sql.text,
    })
}
