//! A safety finding: stable code, category, learner-facing message and help, and the affected objects.

use crate::diagnostic::{Diagnostic, Severity, Span};
use serde::{Deserialize, Serialize};

pub mod titles;

pub use titles::{title, titled};

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
