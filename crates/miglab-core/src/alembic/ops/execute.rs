//! `op.execute("…")` and `op.execute(sa.text("…"))`: raw SQL, passed through as Alembic prints it.

use super::super::cx::{Args, Cx, Signature};
use super::super::python::{Call, Kind};
use super::Receiver;
use crate::diagnostic::Span;

/// Alembic prints the SQL verbatim, minus surrounding whitespace, and appends `;`.
/// miglab keeps one statement per step, so a trailing `;` the author wrote is dropped here.
pub(crate) fn execute(cx: &Cx, call: &Call, span: Span, _receiver: Receiver) -> Option<Vec<String>> {
    let sig = Signature { ignored: &["execution_options"], ..Signature::new("op.execute", &["sqltext"]) };
    let args = Args::bind(cx, call, span, &sig)?;
    let value = args.required(cx, "sqltext", "op.execute")?;
    let sql = match &value.kind {
        Kind::Str(text) => text.clone(),
        Kind::Call(inner) if inner.func.last_name() == Some("text") => {
            let text_args = Args::bind(cx, inner, value.span, &Signature::new("sa.text", &["text"]))?;
            cx.string(text_args.required(cx, "text", "sa.text")?, "the SQL as a string")?
        }
        _ => return cx.unsupported(value, "SQL as a string or `sa.text(\"…\")`"),
    };
    let sql = sql.trim();
    let sql = sql.strip_suffix(';').unwrap_or(sql).trim_end();
    if sql.is_empty() {
        return cx.error("empty-sql", value.span, "This `op.execute` runs no SQL.", "Write the SQL statement to run, or remove the call.");
    }
    Some(vec![sql.to_owned()])
}
