//! `server_default=` values rendered the way SQLAlchemy writes a column's `DEFAULT` clause.

use super::cx::Cx;
use super::ident::literal;
use super::python::{Kind, Value};

/// Functions SQLAlchemy renders as bare SQL keywords, without parentheses.
const ANSI_FUNCTIONS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "localtime",
    "localtimestamp",
    "session_user",
    "user",
];

/// A string becomes a quoted literal; `sa.text()` is inserted verbatim; `sa.func.now()` becomes `now()`.
pub(crate) fn server_default(cx: &Cx, value: &Value) -> Option<String> {
    match &value.kind {
        Kind::Str(text) => Some(literal(text)),
        Kind::Call(call) => {
            let path = call.func.path().unwrap_or_default();
            let last = call.func.last_name().unwrap_or_default();
            if let Some(function) = path
                .strip_prefix("sa.func.")
                .or_else(|| path.strip_prefix("func."))
                .or_else(|| path.strip_prefix("sqlalchemy.func."))
            {
                return function_call(cx, function, &call.args, value);
            }
            match last {
                "text" | "literal_column" if call.args.len() == 1 && call.kwargs.is_empty() => {
                    call.args.first().and_then(|arg| cx.string(arg, "a SQL string"))
                }
                "true" | "false" | "null" if call.args.is_empty() && call.kwargs.is_empty() => {
                    Some(if last == "null" { "NULL".to_owned() } else { last.to_owned() })
                }
                _ => not_a_default(cx, value),
            }
        }
        _ => not_a_default(cx, value),
    }
}

fn function_call(cx: &Cx, function: &str, args: &[Value], whole: &Value) -> Option<String> {
    if function.contains('.') {
        return not_a_default(cx, whole);
    }
    if args.is_empty() && ANSI_FUNCTIONS.contains(&function.to_lowercase().as_str()) {
        return Some(function.to_uppercase());
    }
    let mut rendered = Vec::new();
    for arg in args {
        rendered.push(match &arg.kind {
            Kind::Str(text) => literal(text),
            Kind::Int(n) => n.to_string(),
            Kind::Float(n) => n.to_string(),
            Kind::Call(_) => server_default(cx, arg)?,
            _ => return not_a_default(cx, arg),
        });
    }
    Some(format!("{function}({})", rendered.join(", ")))
}

fn not_a_default<T>(cx: &Cx, value: &Value) -> Option<T> {
    cx.error(
        "unsupported-server-default",
        value.span,
        format!("miglab cannot render {} as a server default; SQLAlchemy accepts a string, `sa.text(\"…\")` or a SQL function.", value.describe()),
        "Write the default as a string such as `\"0\"` or as `sa.text(\"now()\")`.",
    )
}
