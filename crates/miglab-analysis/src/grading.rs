//! Grading with SQL read as Postgres reads it: the model's grader, given the analysis's parser as its [`Spelling`].

use crate::grade::{grade_with, squash, Answer, AnswerKey, Graded, Observed, Spelling};
use crate::pg_type::canonical_type;
use sqlparser::ast::{Expr, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod schema_prediction_test;

/// Grades one answer against its key and what the engine showed; `int` and `integer` are the same type, and
/// `'draft'` the same default as `'draft'::character varying`.
pub fn grade(key: &AnswerKey, answer: &Answer, observed: &Observed) -> Graded {
    grade_with(key, answer, observed, &Parsed)
}

/// Types and defaults read with sqlparser.
pub struct Parsed;

impl Spelling for Parsed {
    fn data_type(&self, text: &str) -> String {
        canonical_type(text)
    }

    fn default_value(&self, text: &str) -> String {
        let Ok(mut expr) =
            Parser::new(&PostgreSqlDialect {}).try_with_sql(text).and_then(|mut p| p.parse_expr())
        else {
            return squash(text);
        };
        while let Expr::Cast { expr: inner, .. } | Expr::Nested(inner) = expr {
            expr = *inner;
        }
        match expr {
            Expr::Value(value) => match value.value {
                Value::SingleQuotedString(s) => s,
                Value::Number(n, _) => n,
                other => other.to_string(),
            },
            other => squash(&other.to_string()),
        }
    }
}
