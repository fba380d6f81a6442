//! Diagnostics: a learner's or instructor's mistake as plain data with a position and a fix.

use serde::{Deserialize, Serialize};

/// A byte range in one source text (a Python file, a SQL script, a lesson file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for LineCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One finding or mistake.
/// `code` is a stable kebab-case name that lesson files may reference, so it never changes silently.
/// `message` is a full sentence for learners; `help` is one short imperative.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Where `span` points, resolved against the source text, for display as `file:line:col`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<LineCol>,
}

impl Diagnostic {
    pub fn error(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message)
    }

    pub fn warning(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message)
    }

    fn new(code: &str, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: code.to_owned(),
            severity,
            message: message.into(),
            help: None,
            span: None,
            at: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Attaches a span and resolves it to a line and column in `source`.
    pub fn with_span(mut self, span: Span, source: &str) -> Diagnostic {
        self.span = Some(span);
        self.at = Some(LineIndex::new(source).line_col(span.start));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: message`, the form the CLI prints.
    pub fn render(&self, file: &str) -> String {
        let mut out = match self.at {
            Some(at) => format!("{file}:{at}: {}", self.message),
            None => format!("{file}: {}", self.message),
        };
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

/// Maps byte offsets to 1-based line:column without ever panicking on an out-of-range offset.
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, line_starts }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self.source.get(start..offset).map_or(offset - start, |s| s.chars().count());
        LineCol { line: line as u32 + 1, column: column as u32 + 1 }
    }

    /// The byte offset of a 1-based line and column, clamped to the text.
    pub fn offset(&self, at: LineCol) -> usize {
        let line = (at.line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(line) else { return self.source.len() };
        let rest = &self.source[start..];
        let column = (at.column.max(1) - 1) as usize;
        start + rest.char_indices().nth(column).map_or(rest.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn line_col_ok() {
        let index = LineIndex::new("ab\ncdé\nf");
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(4), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(8), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(999), LineCol { line: 3, column: 2 });
        assert_eq!(index.offset(LineCol { line: 2, column: 2 }), 4);
    }
}
