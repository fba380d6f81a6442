//! A diagnostic about one lesson file: which file, which field, and the diagnostic itself.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

/// A mistake in a lesson file (or a check that failed on it).
/// `file` is relative to the lessons folder, e.g. `confidence_score/lesson.toml`;
/// `field` is a dotted path such as `predict.questions[1].key.expected`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDiagnostic {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub diagnostic: Diagnostic,
}

impl FileDiagnostic {
    pub fn new(file: &str, field: Option<String>, diagnostic: Diagnostic) -> FileDiagnostic {
        FileDiagnostic { file: file.to_owned(), field, diagnostic }
    }

    pub fn is_error(&self) -> bool {
        self.diagnostic.is_error()
    }

    /// `file:line:col: field `x`: message` and the help on the next line, as the CLI prints it.
    pub fn render(&self) -> String {
        let mut shown = self.diagnostic.clone();
        if let Some(field) = &self.field {
            shown.message = format!("field `{field}`: {}", shown.message);
        }
        if !shown.is_error() {
            shown.message = format!("warning: {}", shown.message);
        }
        shown.render(&self.file)
    }
}

impl std::fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}
