//! Statement analysis: every SQL statement becomes a fact about the object it touches, the kind of change and its inverse.
//!
//! Analysis never fails: a statement that does not parse is a diagnostic with line:column, and a
//! statement miglab does not model is a `Change::Unknown` fact, so later stages can say "I don't know".

mod fact;
pub mod parse;
#[cfg(test)]
mod proptests;
mod statement;

pub use fact::{Change, ColumnSpec, ConstraintSpec, Fact, IndexSpec, Name};
pub use statement::{expression_columns, ident as ident_name, inverse};

use crate::diagnostic::{Diagnostic, Span};
use crate::migration::Step;

/// The facts of a list of steps, in order, and the diagnostics of the steps that did not parse.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    pub facts: Vec<Fact>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyses migration steps. A parse error's `span` is the step's span in the migration source
/// when the step has one (resolve `at` against that source); otherwise it points into the step's SQL.
pub fn analyze(steps: &[Step]) -> Analysis {
    let mut analysis = Analysis::default();
    for (index, step) in steps.iter().enumerate() {
        analysis.add(index, &step.sql, &step.sql, 0, step.span);
        if let Some(diagnostic) =
            analysis.diagnostics.last_mut().filter(|d| d.span.is_some() && step.span.is_some())
        {
            diagnostic.span = step.span;
            diagnostic.at = None;
        }
    }
    analysis
}

/// Analyses a whole SQL script; spans and positions point into `source`.
pub fn analyze_sql(source: &str) -> Analysis {
    let (steps, mut diagnostics) = steps_from_sql(source);
    let mut analysis = Analysis::default();
    for (index, step) in steps.iter().enumerate() {
        let start = step.span.map_or(0, |s| s.start);
        analysis.add(index, &step.sql, source, start, step.span);
    }
    diagnostics.append(&mut analysis.diagnostics);
    analysis.diagnostics = diagnostics;
    analysis
}

/// A SQL script as steps, one per statement, each with its span in `source`.
/// No step is marked autocommit: a script runs as one implicit transaction, as golang-migrate and psql `-1` run it.
/// The splitting is `sqlfile::split_statements`, so analysis and the SQL front end always agree on
/// where statements start and end (strings, dollar quotes, `BEGIN ATOMIC` bodies).
pub fn steps_from_sql(source: &str) -> (Vec<Step>, Vec<Diagnostic>) {
    let (mut steps, diagnostics) = crate::sqlfile::split_statements(source);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return parse::unreadable(source);
    }
    for step in &mut steps {
        step.autocommit = false;
    }
    (steps, diagnostics)
}

impl Analysis {
    fn add(&mut self, step: usize, sql: &str, source: &str, offset: usize, span: Option<Span>) {
        // sqlparser 0.63 does not parse `DROP INDEX CONCURRENTLY`; read it without the keyword.
        let (text, concurrently) = match strip_drop_concurrently(sql) {
            Some(stripped) => (stripped, true),
            None => (sql.to_owned(), false),
        };
        // sqlparser does not parse `DO` blocks; they are valid PostgreSQL, so they are unknown, not errors.
        if text.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("do")) {
            let change = Change::Unknown {
                reason: "miglab does not model DO blocks (procedural code)".to_owned(),
            };
            self.facts.push(Fact { step, span, sql: text, change, inverse: None });
            return;
        }
        let statements = match parse::parse(&text, source, offset) {
            Ok(statements) => statements,
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                return;
            }
        };
        for parsed in &statements {
            for mut change in statement::changes(parsed) {
                if let Change::DropIndex { concurrently: c, .. } = &mut change {
                    *c = concurrently;
                }
                let inverse = statement::inverse(&change);
                self.facts.push(Fact { step, span, sql: parsed.to_string(), change, inverse });
            }
        }
    }
}

fn strip_drop_concurrently(sql: &str) -> Option<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    match words.as_slice() {
        [drop, index, concurrently, rest @ ..]
            if drop.eq_ignore_ascii_case("drop")
                && index.eq_ignore_ascii_case("index")
                && concurrently.eq_ignore_ascii_case("concurrently") =>
        {
            Some(format!("DROP INDEX {}", rest.join(" ")))
        }
        _ => None,
    }
}
