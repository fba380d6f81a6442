//! Splits a SQL script into statements with sqlparser's PostgreSQL tokenizer, so `;` inside strings,
//! dollar-quoted bodies, quoted identifiers and comments never splits a statement.

use crate::diagnostic::{Diagnostic, LineCol, LineIndex, Span};
use crate::migration::Step;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// One statement per step, each without its `;` and without the comments and whitespace around it.
/// A tokenizer error (an unterminated string or comment) is an error diagnostic and yields no steps,
/// because where the statements end is then unknown.
pub fn split_statements(sql: &str) -> (Vec<Step>, Vec<Diagnostic>) {
    let dialect = PostgreSqlDialect {};
    let tokens = match Tokenizer::new(&dialect, sql).with_unescape(false).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(error) => {
            let index = LineIndex::new(sql);
            let at = offset(&index, error.location);
            let message =
                format!("This SQL cannot be read: {}.", error.message.trim_end_matches('.'));
            let diagnostic = Diagnostic::error("sql-syntax-error", message)
                .with_help("Close the string, quoted name or comment that starts here.")
                .with_span(Span::new(at, at), sql);
            return (Vec::new(), vec![diagnostic]);
        }
    };
    let index = LineIndex::new(sql);
    let mut steps = Vec::new();
    let mut current: Vec<&TokenWithSpan> = Vec::new();
    let mut atomic_depth = 0usize;
    for token in &tokens {
        // `BEGIN ATOMIC … END` bodies (SQL-standard function bodies) contain `;` that end nothing.
        if let Token::Word(word) = &token.token {
            let previous = current.iter().rev().find(|t| !is_trivia(&t.token)).map(|t| &t.token);
            if word.keyword == Keyword::ATOMIC
                && matches!(previous, Some(Token::Word(w)) if w.keyword == Keyword::BEGIN)
            {
                atomic_depth += 1;
            } else if word.keyword == Keyword::END && atomic_depth > 0 {
                atomic_depth -= 1;
            }
        }
        if token.token == Token::SemiColon && atomic_depth == 0 {
            steps.extend(step(sql, &index, &current));
            current.clear();
        } else {
            current.push(token);
        }
    }
    steps.extend(step(sql, &index, &current));
    (steps, Vec::new())
}

fn step(sql: &str, index: &LineIndex, tokens: &[&TokenWithSpan]) -> Option<Step> {
    let first = tokens.iter().find(|t| !is_trivia(&t.token))?;
    let last = tokens.iter().rev().find(|t| !is_trivia(&t.token))?;
    let start = offset(index, first.span.start);
    let end = offset(index, last.span.end).max(start);
    let text = sql.get(start..end)?.to_owned();
    let autocommit = must_autocommit(tokens);
    Some(Step { sql: text, autocommit, span: Some(Span::new(start, end)), documented: Vec::new() })
}

fn is_trivia(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_) | Token::EOF)
}

/// PostgreSQL refuses to run these inside a transaction block:
/// `CREATE/DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`, `DETACH PARTITION … CONCURRENTLY` and `VACUUM`.
/// (`REFRESH MATERIALIZED VIEW CONCURRENTLY` is the exception: it runs fine in a transaction.)
fn must_autocommit(tokens: &[&TokenWithSpan]) -> bool {
    let words: Vec<Keyword> = tokens
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.keyword),
            _ => None,
        })
        .collect();
    let first = words.first().copied();
    if first == Some(Keyword::VACUUM) {
        return true;
    }
    words.contains(&Keyword::CONCURRENTLY) && first != Some(Keyword::REFRESH)
}

fn offset(index: &LineIndex, location: Location) -> usize {
    let line = u32::try_from(location.line).unwrap_or(u32::MAX);
    let column = u32::try_from(location.column).unwrap_or(u32::MAX);
    index.offset(LineCol { line, column })
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(sql: &str) -> String {
        let (steps, diagnostics) = split_statements(sql);
        let mut out: Vec<String> = steps
            .iter()
            .map(|s| {
                let span = s.span.unwrap_or_default();
                format!(
                    "{}..{}{} {}",
                    span.start,
                    span.end,
                    if s.autocommit { " autocommit" } else { "" },
                    s.sql
                )
            })
            .collect();
        out.extend(diagnostics.iter().map(|d| d.render("x.sql")));
        out.join("\n")
    }

    #[test]
    fn split_ok() {
        insta::assert_snapshot!(check("-- add a column\nALTER TABLE t ADD COLUMN a int;\n\n  SELECT ';' ; ;\nCREATE INDEX CONCURRENTLY ix ON t (a)\n"), @r#"
            16..46 ALTER TABLE t ADD COLUMN a int
            51..61 SELECT ';'
            66..103 autocommit CREATE INDEX CONCURRENTLY ix ON t (a)
            "#);
    }

    #[test]
    fn dollar_quoted_ok() {
        insta::assert_snapshot!(check("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT \"a;b\" FROM t /* ; */;"), @r#"
            0..63 CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql
            65..84 SELECT "a;b" FROM t
            "#);
    }

    #[test]
    fn begin_atomic_ok() {
        insta::assert_snapshot!(check("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nVACUUM t;\nREFRESH MATERIALIZED VIEW CONCURRENTLY v"), @r#"
            0..81 CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END
            83..91 autocommit VACUUM t
            93..133 REFRESH MATERIALIZED VIEW CONCURRENTLY v
            "#);
    }

    #[test]
    fn unicode_ok() {
        insta::assert_snapshot!(check("SELECT 'é';SELECT 2"), @r#"
            0..11 SELECT 'é'
            12..20 SELECT 2
            "#);
    }

    #[test]
    fn unterminated_err() {
        insta::assert_snapshot!(check("SELECT 1;\nSELECT 'oops"), @r#"
            x.sql:2:8: This SQL cannot be read: Unterminated string literal.
              help: Close the string, quoted name or comment that starts here.
            "#);
    }
}
