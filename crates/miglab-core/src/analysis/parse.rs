//! Splitting SQL text into statements and parsing each one, with errors mapped to line:column.
//!
//! Splitting uses sqlparser's tokenizer, so a `;` inside a string, a comment or a dollar-quoted
//! body never ends a statement, and every statement keeps its byte span in the source.

use crate::diagnostic::{Diagnostic, LineCol, LineIndex, Span};
use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

/// One statement's text (without the trailing `;`) and its byte span in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub sql: String,
    pub span: Span,
}

/// Splits `source` at top-level semicolons; empty statements are dropped.
/// A tokenizer error (an unterminated string, say) is a diagnostic, and the text is kept whole.
pub fn split(source: &str) -> (Vec<Piece>, Vec<Diagnostic>) {
    let index = LineIndex::new(source);
    let tokens = match Tokenizer::new(&PostgreSqlDialect {}, source).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(error) => {
            let at = index.offset(location(error.location));
            let diagnostic = Diagnostic::error("sql-syntax", format!("The SQL cannot be read: {}.", error.message)).with_help("Close the string, comment or dollar quote.").with_span(Span::new(at, at), source);
            let whole = Piece { sql: source.trim().to_owned(), span: Span::new(0, source.len()) };
            return (if whole.sql.is_empty() { Vec::new() } else { vec![whole] }, vec![diagnostic]);
        }
    };
    let mut pieces = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    for token in &tokens {
        match &token.token {
            Token::SemiColon => {
                if let Some(begin) = start.take() {
                    push(&mut pieces, source, begin, end);
                }
            }
            Token::Whitespace(_) | Token::EOF => {}
            _ => {
                let from = index.offset(location(token.span.start));
                start.get_or_insert(from);
                end = index.offset(location(token.span.end)).max(from);
            }
        }
    }
    if let Some(begin) = start {
        push(&mut pieces, source, begin, end);
    }
    (pieces, Vec::new())
}

fn push(pieces: &mut Vec<Piece>, source: &str, start: usize, end: usize) {
    if let Some(sql) = source.get(start..end) {
        pieces.push(Piece { sql: sql.to_owned(), span: Span::new(start, end) });
    }
}

fn location(location: Location) -> LineCol {
    LineCol { line: u32::try_from(location.line).unwrap_or(u32::MAX), column: u32::try_from(location.column).unwrap_or(u32::MAX) }
}

/// A statement parsed, or the diagnostic that says why not; `offset` is where `sql` starts in the
/// text `source` that the diagnostic's line:column should point into.
pub fn parse(sql: &str, source: &str, offset: usize) -> Result<Vec<Statement>, Diagnostic> {
    Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|error| {
        let (message, at) = describe(&error);
        // sqlparser reports the end of input at line 0; point at the end of the statement instead.
        let local = at.filter(|at| at.line > 0).map_or(sql.len(), |at| LineIndex::new(sql).offset(at));
        let start = offset.saturating_add(local);
        Diagnostic::error("sql-syntax", format!("This statement does not parse as PostgreSQL: {message}."))
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
    let Some((message, position)) = text.rsplit_once(" at Line: ") else { return (text.trim_end_matches('.').to_owned(), None) };
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
        let (pieces, diagnostics) = split("CREATE TABLE a (x text DEFAULT ';');\n-- a comment; here\nDO $$ BEGIN PERFORM 1; END $$;\n\nSELECT 1");
        assert!(diagnostics.is_empty());
        let shown: Vec<String> = pieces.iter().map(|p| format!("{}..{} {}", p.span.start, p.span.end, p.sql)).collect();
        insta::assert_snapshot!(shown.join("\n"), @r"
        0..35 CREATE TABLE a (x text DEFAULT ';')
        56..85 DO $$ BEGIN PERFORM 1; END $$
        88..96 SELECT 1
        ");
    }

    #[test]
    fn split_unterminated_err() {
        let (_, diagnostics) = split("SELECT 1;\nSELECT 'oops");
        insta::assert_snapshot!(diagnostics.iter().map(|d| d.render("up.sql")).collect::<String>(), @r"
        up.sql:2:8: The SQL cannot be read: Unterminated string literal.
          help: Close the string, comment or dollar quote.
        ");
    }

    #[test]
    fn parse_error_position_err() {
        let source = "SELECT 1;\nALTER TABLE expenses ADD COLUMN;";
        let error = parse("ALTER TABLE expenses ADD COLUMN", source, 10).err().map(|d| d.render("up.sql"));
        insta::assert_snapshot!(error.unwrap_or_default(), @r#"
            up.sql:2:32: This statement does not parse as PostgreSQL: Expected: identifier, found the end of the statement.
              help: Fix the SQL at the marked position.
            "#);
    }
}
