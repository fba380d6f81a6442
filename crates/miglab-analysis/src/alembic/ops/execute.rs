//! `op.execute("…")` and `op.execute(sa.text("…"))`: raw SQL, passed through as Alembic prints it.

use super::super::cx::{Args, Cx, Signature};
use super::super::dml;
use super::super::python::{Call, Kind};
use super::Receiver;
use crate::diagnostic::Span;

/// Alembic prints the SQL verbatim, minus surrounding whitespace, and appends `;`.
/// miglab keeps one statement per step: the text is split like a SQL file, so
/// `op.execute("UPDATE a …; UPDATE b …;")` becomes two steps and a trailing `;` is dropped.
pub(crate) fn execute(
    cx: &Cx,
    call: &Call,
    span: Span,
    _receiver: Receiver,
) -> Option<Vec<String>> {
    let sig =
        Signature { ignored: &["execution_options"], ..Signature::new("op.execute", &["sqltext"]) };
    let args = Args::bind(cx, call, span, &sig)?;
    let value = args.required(cx, "sqltext", "op.execute")?;
    let mut params = Vec::new();
    let sql = match &value.kind {
        Kind::Str(text) => text.clone(),
        Kind::Call(inner) if inner.func.last_name() == Some("text") => {
            let text_args =
                Args::bind(cx, inner, value.span, &Signature::new("sa.text", &["text"]))?;
            cx.string(text_args.required(cx, "text", "sa.text")?, "the SQL as a string")?
        }
        _ => {
            if let Some((text, bound)) = dml::bound_text(cx, value)? {
                params = bound;
                text
            } else if let Some(statement) = dml::statement(cx, value)? {
                // SQLAlchemy renders the statement itself: nothing to split or bind.
                return Some(vec![statement]);
            } else {
                return cx.unsupported(value, "SQL as a string, `sa.text(\"…\")`, or an update, delete or insert on `sa.table(...)`");
            }
        }
    };
    let sql = bind_parameters(cx, &sql, value.span, &params)?;
    let (steps, problems) = crate::sqlfile::split_statements(&sql);
    if !problems.is_empty() {
        // An unterminated string or comment: pass the text through whole and let PostgreSQL report it,
        // as running the migration would.
        return Some(vec![sql.trim().to_owned()]);
    }
    if steps.is_empty() {
        return cx.error(
            "empty-sql",
            value.span,
            "This `op.execute` runs no SQL.",
            "Write the SQL statement to run, or remove the call.",
        );
    }
    Some(steps.into_iter().map(|step| step.sql).collect())
}

/// Alembic wraps the SQL in `sa.text()`, which reads `:name` (after neither `:`, a word character nor `\\`)
/// as a bind parameter. Nothing binds it, so running the migration fails, and `--sql` prints `NULL` in its place.
/// `\\:name` escapes the colon and renders as `:name`.
/// Parameters given with `.bindparams(name=value)` are replaced by their literals, as `--sql` with literal binds prints them.
fn bind_parameters(cx: &Cx, sql: &str, span: Span, params: &[(String, String)]) -> Option<String> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars.iter().skip(i + 1).take_while(|c| word(**c)).count();
        let after = chars.get(i + 1 + run).copied();
        let is_param = c == ':' && run > 0 && after != Some(':');
        let before = i.checked_sub(1).and_then(|b| chars.get(b)).copied();
        if is_param && before == Some('\\') {
            out.pop();
        } else if is_param && !before.is_some_and(|b| b == ':' || word(b)) {
            let name: String = chars.iter().skip(i + 1).take(run).collect();
            if let Some((_, literal)) = params.iter().find(|(n, _)| *n == name) {
                out.push_str(literal);
                i += 1 + run;
                continue;
            }
            return cx.error(
                "sqlalchemy-bind-parameter",
                span,
                format!("SQLAlchemy reads `:{name}` in this SQL as a bind parameter that nothing fills in, so Alembic fails with \"A value is required for bind parameter '{name}'\"."),
                format!("Escape the colon as `\\\\:{name}` if it is meant literally."),
            );
        }
        out.push(c);
        i += 1;
    }
    if let Some((unused, _)) = params.iter().find(|(n, _)| !sql.contains(&format!(":{n}"))) {
        return cx.error(
            "invalid-argument",
            span,
            format!("This SQL has no `:{unused}` parameter, so SQLAlchemy refuses `.bindparams({unused}=…)`."),
            format!("Remove `{unused}=`, or add `:{unused}` to the SQL."),
        );
    }
    Some(out)
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn execute_ok() {
        insta::assert_snapshot!(check(r#"
op.execute("UPDATE users SET first_name = split_part(name, ' ', 1);")
op.execute(sa.text("UPDATE users SET last_name = '' WHERE last_name IS NULL"))
op.execute("UPDATE a SET x = ';'; -- first\nUPDATE b SET y = 1;")
op.execute("UPDATE t SET at = '12:30', k = x::text, c = '\\:literal'")
op.execute(
    """
    UPDATE users
    SET active = true
    """
)"#), @r#"
    UPDATE users SET first_name = split_part(name, ' ', 1);
    UPDATE users SET last_name = '' WHERE last_name IS NULL;
    UPDATE a SET x = ';';
    UPDATE b SET y = 1;
    UPDATE t SET at = '12:30', k = x::text, c = ':literal';
    UPDATE users
            SET active = true;
    "#);
    }

    #[test]
    fn execute_err() {
        insta::assert_snapshot!(check(r#"
op.execute(f"DROP TABLE {name}")
op.execute("   ")
op.execute(sa.select(1))
op.execute("UPDATE t SET note = ':x'")"#), @r#"
    unsupported-expression r1.py:11:16: miglab expected SQL as a string, `sa.text("…")`, or an update, delete or insert on `sa.table(...)` here but found an f-string with a value miglab cannot know.
      help: Write SQL as a string, `sa.text("…")`, or an update, delete or insert on `sa.table(...)` here.
    empty-sql r1.py:12:16: This `op.execute` runs no SQL.
      help: Write the SQL statement to run, or remove the call.
    unsupported-expression r1.py:13:16: miglab expected SQL as a string, `sa.text("…")`, or an update, delete or insert on `sa.table(...)` here but found a call to `sa.select()`, which miglab cannot evaluate without running Python.
      help: Write SQL as a string, `sa.text("…")`, or an update, delete or insert on `sa.table(...)` here.
    sqlalchemy-bind-parameter r1.py:14:16: SQLAlchemy reads `:x` in this SQL as a bind parameter that nothing fills in, so Alembic fails with "A value is required for bind parameter 'x'".
      help: Escape the colon as `\\:x` if it is meant literally.
    "#);
    }
}
