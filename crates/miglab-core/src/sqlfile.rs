//! Plain SQL migrations: up/down file pairs in golang-migrate and Flyway naming.
//!
//! A pair becomes the same [`Migration`] an Alembic file does: one step per statement,
//! each with its span in the file it came from, `CONCURRENTLY` and `VACUUM` marked autocommit.

mod name;
mod split;

pub use split::split_statements;

use crate::alembic::Parsed;
use crate::diagnostic::{Diagnostic, Span};
use crate::migration::{Migration, Revision};
use name::{file_name, Role};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// Reads an up file and its optional down (golang-migrate) or undo (Flyway) file.
///
/// Spans of upgrade steps point into `up_sql`, spans of downgrade steps into `down_sql`.
/// Diagnostics about the down file are resolved against `down_sql` too, and say which file they are about.
pub fn parse_pair(up_name: &str, up_sql: &str, down_name: Option<&str>, down_sql: Option<&str>) -> Parsed {
    let mut diagnostics = Vec::new();
    let up = file_name(up_name);
    let revision = match &up {
        Some(up) if up.direction == Role::Up => Revision { revision: up.version.clone(), message: up.description.clone(), ..Revision::default() },
        _ => {
            diagnostics.push(
                Diagnostic::warning(
                    "sql-file-name",
                    format!("`{up_name}` does not follow golang-migrate or Flyway naming, so miglab cannot tell its version."),
                )
                .with_help("Name it like `000001_add_x.up.sql` or `V1__add_x.sql`."),
            );
            Revision { revision: stem(up_name).to_owned(), message: stem(up_name).replace('_', " "), ..Revision::default() }
        }
    };
    if let (Some(up), Some(down_name)) = (&up, down_name) {
        match file_name(down_name) {
            Some(down) if down.direction == Role::Down && down.version == up.version && down.style == up.style => {}
            _ => diagnostics.push(
                Diagnostic::error(
                    "sql-pair-mismatch",
                    format!("`{down_name}` is not the down migration of `{up_name}`: the versions or naming styles differ."),
                )
                .with_help(format!("Name the down file after its up file, e.g. `{}`.", expected_down(up_name))),
            ),
        }
    }
    let (upgrade, up_diagnostics) = statements(up_sql);
    diagnostics.extend(up_diagnostics);
    let (downgrade, down_diagnostics) = match down_sql {
        Some(sql) => statements(sql),
        None => (Vec::new(), Vec::new()),
    };
    let down_label = down_name.unwrap_or("the down file");
    diagnostics.extend(down_diagnostics.into_iter().map(|mut d| {
        d.message = format!("In {down_label}: {}", d.message);
        d
    }));
    Parsed { migration: Migration { revision, upgrade, downgrade }, diagnostics }
}

/// Splits, then asks sqlparser about each statement. sqlparser does not know all of PostgreSQL,
/// so a statement it cannot parse is a warning: the engine has the final word when the step runs.
fn statements(sql: &str) -> (Vec<crate::migration::Step>, Vec<Diagnostic>) {
    let (steps, mut diagnostics) = split_statements(sql);
    let dialect = PostgreSqlDialect {};
    for step in &steps {
        if let Err(error) = Parser::parse_sql(&dialect, &step.sql) {
            let span = step.span.unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning("sql-not-parsed", format!("miglab could not parse this statement ({error}); PostgreSQL may still accept it."))
                    .with_help("Check the statement's syntax; running it shows PostgreSQL's verdict.")
                    .with_span(Span::new(span.start, span.start), sql),
            );
        }
    }
    (steps, diagnostics)
}

fn stem(name: &str) -> &str {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    name.strip_suffix(".up.sql").or_else(|| name.strip_suffix(".sql")).unwrap_or(name)
}

fn expected_down(up_name: &str) -> String {
    let name = up_name.rsplit(['/', '\\']).next().unwrap_or(up_name);
    match name.strip_suffix(".up.sql") {
        Some(stem) => format!("{stem}.down.sql"),
        None => format!("U{}", name.strip_prefix('V').unwrap_or(name)),
    }
}
