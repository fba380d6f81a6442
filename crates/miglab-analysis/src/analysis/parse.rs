//! Splitting SQL text into statements and parsing each one, with errors mapped to line:column.
//!
//! Splitting uses sqlparser's tokenizer, so a `;` inside a string, a comment or a dollar-quoted
//! body never ends a statement, and every statement keeps its byte span in the source.

use crate::diagnostic::{Diagnostic, LineCol, LineIndex, Span};
use crate::migration::Step;
use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Tokenizer};

/// A script the tokenizer cannot read (an unterminated string, say): the whole text as one step,
/// so nothing the learner wrote is dropped, and a diagnostic at the place reading stopped.
pub fn unreadable(source: &str) -> (Vec<Step>, Vec<Diagnostic>) {
    let Err(error) = Tokenizer::new(&PostgreSqlDialect {}, source).tokenize_with_location() else {
        return (Vec::new(), Vec::new());
    };
    let at = LineIndex::new(source).offset(location(error.location));
    let diagnostic =
        Diagnostic::error("sql-syntax", format!("The SQL cannot be read: {}.", error.message))
            .with_help("Close the string, comment or dollar quote.")
            .with_span(Span::new(at, at), source);
    let whole = source.trim();
    let steps = if whole.is_empty() {
        Vec::new()
    } else {
        vec![Step {
            sql: whole.to_owned(),
            autocommit: false,
            span: Some(Span::new(0, source.len())),
            documented: Vec::new(),
        }]
    };
    (steps, vec![diagnostic])
}

fn location(location: Location) -> LineCol {
    LineCol {
        line: u32::try_from(location.line).unwrap_or(u32::MAX),
        column: u32::try_from(location.column).unwrap_or(u32::MAX),
    }
}

/// A statement parsed, or the diagnostic that says why not; `offset` is where `sql` starts in the
/// text `source` that the diagnostic's line:column should point into.
pub fn parse(sql: &str, source: &str, offset: usize) -> Result<Vec<Statement>, Diagnostic> {
    Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|error| {
        let (message, at) = describe(&error);
        // sqlparser reports the end of input at line 0; point at the end of the statement instead.
        let local =
            at.filter(|at| at.line > 0).map_or(sql.len(), |at| LineIndex::new(sql).offset(at));
        let start = offset.saturating_add(local);
        Diagnostic::error(
            "sql-syntax",
            format!("This statement does not parse as PostgreSQL: {message}."),
        )
        .with_help("Fix the SQL at the marked position.")
        .with_span(Span::new(start, start), source)
    })
}

/// sqlparser appends ` at Line: L, Column: C` to its messages; this takes the position back out.
fn describe(error: &ParserError) -> (String, Option<LineCol>) {
    let text = match error {
        ParserError::TokenizerError(text) | ParserError::ParserError(text) => text.as_str(),
        ParserError::RecursionLimitExceeded => "the statement is nested too deeply",
    };
    let text = text.replace("found: EOF", "found the end of the statement");
    let Some((message, position)) = text.rsplit_once(" at Line: ") else {
        return (text.trim_end_matches('.').to_owned(), None);
    };
    let mut numbers = position.split(", Column: ").map(|n| n.trim().parse::<u32>().ok());
    let at = match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(line), Some(column)) => Some(LineCol { line, column }),
        _ => None,
    };
    (message.trim_end_matches('.').to_owned(), at)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn split_ok() {
        let (pieces, diagnostics) = crate::analysis::steps_from_sql("CREATE TABLE a (x text DEFAULT ';');\n-- a comment; here\nDO $$ BEGIN PERFORM 1; END $$;\n\nSELECT 1");
        assert!(diagnostics.is_empty());
        let shown: Vec<String> = pieces
            .iter()
            .map(|p| p.span.unwrap_or_default())
            .zip(&pieces)
            .map(|(span, p)| format!("{}..{} {}", span.start, span.end, p.sql))
            .collect();
        insta::assert_snapshot!(shown.join("\n"), @r"
        0..35 CREATE TABLE a (x text DEFAULT ';')
        56..85 DO $$ BEGIN PERFORM 1; END $$
        88..96 SELECT 1
        ");
    }

    #[test]
    fn split_unterminated_err() {
        let (_, diagnostics) = crate::analysis::steps_from_sql("SELECT 1;\nSELECT 'oops");
        insta::assert_snapshot!(diagnostics.iter().map(|d| d.render("up.sql")).collect::<String>(), @r"
        up.sql:2:8: The SQL cannot be read: Unterminated string literal.
          help: Close the string, comment or dollar quote.
        ");
    }

    #[test]
    fn parse_error_position_err() {
        let source = "SELECT 1;\nALTER TABLE expenses ADD COLUMN;";
        let error =
            parse("ALTER TABLE expenses ADD COLUMN", source, 10).err().map(|d| d.render("up.sql"));
        insta::assert_snapshot!(error.unwrap_or_default(), @r#"
            up.sql:2:32: This statement does not parse as PostgreSQL: Expected: identifier, found the end of the statement.
              help: Fix the SQL at the marked position.
            "#);
    }
}
