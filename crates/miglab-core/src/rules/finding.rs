//! A safety finding: stable code, category, learner-facing message and help, and the affected objects.

use crate::diagnostic::{Diagnostic, Severity, Span};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Loses data: the drop guard stops the run.
    Destructive,
    /// Fails when the table already holds rows that break the new rule.
    FailsOnExistingData,
    /// Takes a lock that blocks reads or writes for as long as the statement runs.
    HeavyLock,
    /// Postgres refuses to run it inside a transaction block.
    NoTransaction,
    /// Succeeds, but the application code already running stops working (a renamed column, a new NULL).
    BreaksRunningCode,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Destructive => "destructive",
            Category::FailsOnExistingData => "fails-on-existing-data",
            Category::HeavyLock => "heavy-lock",
            Category::NoTransaction => "no-transaction",
            Category::BreaksRunningCode => "breaks-running-code",
        }
    }
}

/// An object a finding is about, so the drop guard can count non-null values and back it up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub table: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// An index or constraint name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

impl Affected {
    pub fn table(table: &str) -> Affected {
        Affected { table: table.to_owned(), ..Affected::default() }
    }

    pub fn column(table: &str, column: &str) -> Affected {
        Affected { table: table.to_owned(), column: Some(column.to_owned()), object: None }
    }

    pub fn object(table: &str, object: &str) -> Affected {
        Affected { table: table.to_owned(), column: None, object: Some(object.to_owned()) }
    }
}

impl Affected {
    /// The query the drop guard runs to say what would be lost: the rows of the table, or the
    /// non-null values of the column.
    pub fn count_sql(&self) -> String {
        match &self.column {
            Some(column) => {
                format!("SELECT count({}) FROM {}", quote_ident(column), quote_ident(&self.table))
            }
            None => format!("SELECT count(*) FROM {}", quote_ident(&self.table)),
        }
    }

    /// The query for a sample of what would be lost (the app adds its own LIMIT for a sample,
    /// or runs it whole for a CSV backup): every column of the rows that hold a value.
    pub fn values_sql(&self) -> String {
        match &self.column {
            Some(column) => format!(
                "SELECT * FROM {} WHERE {} IS NOT NULL",
                quote_ident(&self.table),
                quote_ident(column)
            ),
            None => format!("SELECT * FROM {}", quote_ident(&self.table)),
        }
    }
}

/// An identifier as Postgres needs it written: bare when it is lower-case letters, digits and
/// underscores not starting with a digit and not a keyword (`user` would call a function),
/// otherwise double-quoted with inner quotes doubled.
pub fn quote_ident(name: &str) -> String {
    let keyword = sqlparser::keywords::ALL_KEYWORDS.contains(&name.to_ascii_uppercase().as_str());
    let plain = !keyword
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

impl std::fmt::Display for Affected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.table)?;
        if let Some(column) = &self.column {
            write!(f, ".{column}")?;
        }
        if let Some(object) = &self.object {
            write!(f, " ({object})")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case code; lesson files reference it.
    pub code: String,
    pub category: Category,
    /// What Postgres does and what it blocks, in full sentences.
    pub message: String,
    /// One short imperative.
    pub help: String,
    /// The index of the step the finding is about.
    pub step: usize,
    /// The step's span in the migration source, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    pub affected: Vec<Affected>,
}

impl Finding {
    pub fn is_destructive(&self) -> bool {
        self.category == Category::Destructive
    }

    /// The finding as a diagnostic; with the migration's `source`, its line and column are resolved.
    pub fn to_diagnostic(&self, source: Option<&str>) -> Diagnostic {
        let severity = if self.is_destructive() { Severity::Error } else { Severity::Warning };
        let mut diagnostic =
            Diagnostic::warning(&self.code, self.message.clone()).with_help(self.help.clone());
        diagnostic.severity = severity;
        match (self.span, source) {
            (Some(span), Some(source)) => diagnostic.with_span(span, source),
            (span, _) => {
                diagnostic.span = span;
                diagnostic
            }
        }
    }
}

/// Builds a finding for `fact`; every rule goes through here so spans and steps are filled alike.
pub fn finding(
    fact: &crate::analysis::Fact,
    code: &str,
    category: Category,
    message: String,
    help: &str,
    affected: Vec<Affected>,
) -> Finding {
    Finding {
        code: code.to_owned(),
        category,
        message,
        help: help.to_owned(),
        step: fact.step,
        span: fact.span,
        affected,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn affected_sql_ok() {
        let column = Affected::column("expenses", "legacy_notes");
        let odd = Affected::column("Weird \"Name\"", "user");
        insta::assert_snapshot!([column.count_sql(), column.values_sql(), odd.count_sql()].join("\n"), @r#"
            SELECT count(legacy_notes) FROM expenses
            SELECT * FROM expenses WHERE legacy_notes IS NOT NULL
            SELECT count("user") FROM "Weird ""Name"""
            "#);
    }
}
