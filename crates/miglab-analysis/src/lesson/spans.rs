//! TOML with positions: deserialize a lesson file and map any byte offset back to the field path it sits in.
//!
//! Serde errors and semantic checks both end up here, so every mistake names `file:line:col`
//! and a field path like `predict.questions[1].after[0]`.

use super::file_diagnostic::FileDiagnostic;
use crate::diagnostic::{Diagnostic, Span};
use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A parsed TOML document kept beside its text, for locating fields.
pub struct Located<'a> {
    pub file: &'a str,
    pub text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Located<'a> {
    /// Keeps the positions of an already-checked file, for diagnostics found later (by the engine checks).
    pub fn new(file: &'a str, text: &'a str) -> Located<'a> {
        Located { file, text, root: DeTable::parse(text).ok() }
    }

    /// Deserializes `text` as `T`; on failure the diagnostic names the line and the field.
    pub fn parse<T: DeserializeOwned>(
        file: &'a str,
        text: &'a str,
    ) -> (Option<T>, Located<'a>, Vec<FileDiagnostic>) {
        let located = Located::new(file, text);
        match toml::from_str::<T>(text) {
            Ok(value) => (Some(value), located, Vec::new()),
            Err(error) => {
                let span = error.span().map(|range| Span::new(range.start, range.end));
                let field = span.and_then(|span| located.field_of(span, error.message()));
                let message = sentence(error.message());
                let diagnostic = Diagnostic::error("lesson-file-invalid", message)
                    .with_help(help_for(error.message()));
                let diagnostic = match span {
                    Some(span) => diagnostic.with_span(span, text),
                    None => diagnostic,
                };
                (None, located, vec![FileDiagnostic::new(file, field, diagnostic)])
            }
        }
    }

    /// A diagnostic pointing at the value of `path` (or the whole file when the path is absent).
    /// A model check's problem at its field's position.
    pub fn problem(&self, problem: &miglab_model::lesson::checks::Problem) -> FileDiagnostic {
        self.error(&problem.field, problem.code, problem.message.clone(), problem.help.clone())
    }

    pub fn error(
        &self,
        path: &str,
        code: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> FileDiagnostic {
        let diagnostic = Diagnostic::error(code, message).with_help(help);
        let diagnostic = match self.span_of(path) {
            Some(span) => diagnostic.with_span(span, self.text),
            None => diagnostic,
        };
        FileDiagnostic::new(self.file, Some(path.to_owned()), diagnostic)
    }

    /// The span of the value at a dotted path such as `predict.questions[1].after[0]`.
    pub fn span_of(&self, path: &str) -> Option<Span> {
        let root = self.root.as_ref()?;
        let mut span = root.span();
        let mut table = Some(root.get_ref());
        for segment in path.split('.') {
            let (key, indexes) = split_indexes(segment);
            let entry = table?.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)?;
            span = entry.span();
            let mut value = entry.get_ref();
            for index in indexes {
                let item = value.as_array()?.get(index)?;
                span = item.span();
                value = item.get_ref();
            }
            table = value.as_table();
        }
        Some(Span::new(span.start, span.end))
    }

    /// The field an error is about: for a missing field, the table it is missing from plus its name.
    fn field_of(&self, span: Span, message: &str) -> Option<String> {
        let Some(missing) =
            message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next())
        else {
            return self.path_at(span.start);
        };
        // The root table's span starts at 0; a nested table's starts at its header or brace.
        match self.path_at(span.start).filter(|_| span.start > 0) {
            Some(table) => Some(format!("{table}.{missing}")),
            None => Some(missing.to_owned()),
        }
    }

    /// The deepest field path whose key or value contains `offset`.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        let root = self.root.as_ref()?;
        let mut path = String::new();
        descend(root.get_ref(), offset, &mut path);
        (!path.is_empty()).then_some(path)
    }
}

fn descend(table: &DeTable<'_>, offset: usize, path: &mut String) {
    for (key, value) in table.iter() {
        if !key.span().contains(&offset) && !covers(value, offset) {
            continue;
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        descend_value(value.get_ref(), offset, path);
        return;
    }
}

fn descend_value(value: &DeValue<'_>, offset: usize, path: &mut String) {
    if let Some(table) = value.as_table() {
        descend(table, offset, path);
    } else if let Some(array) = value.as_array() {
        if let Some((index, item)) = array.iter().enumerate().find(|(_, item)| covers(item, offset))
        {
            path.push_str(&format!("[{index}]"));
            descend_value(item.get_ref(), offset, path);
        }
    }
}

/// Whether a value or anything inside it spans `offset`; an array of tables only spans its
/// first `[[header]]`, so the entries inside are searched too.
fn covers(value: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    if value.span().contains(&offset) {
        return true;
    }
    match value.get_ref() {
        DeValue::Table(table) => {
            table.iter().any(|(k, v)| k.span().contains(&offset) || covers(v, offset))
        }
        DeValue::Array(array) => array.iter().any(|item| covers(item, offset)),
        _ => false,
    }
}

/// `questions[1][0]` → (`questions`, [1, 0]).
fn split_indexes(segment: &str) -> (&str, Vec<usize>) {
    let key_end = segment.find('[').unwrap_or(segment.len());
    let indexes = segment[key_end..].split(['[', ']']).filter_map(|n| n.parse().ok()).collect();
    (&segment[..key_end], indexes)
}

/// The toml crate's messages are lowercase fragments; learners and instructors read sentences.
fn sentence(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

fn help_for(message: &str) -> String {
    if message.starts_with("unknown field") {
        "Remove the field or fix its spelling; the expected fields are listed above.".to_owned()
    } else if message.starts_with("missing field") {
        "Add the field; docs/lesson-format.md explains what it holds.".to_owned()
    } else if message.starts_with("unknown variant") {
        "Use one of the values listed above.".to_owned()
    } else if message.starts_with("invalid type") {
        "Write the value with the type the message names.".to_owned()
    } else {
        "Fix the value at this position; docs/lesson-format.md explains every field.".to_owned()
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
    }

    fn check(text: &str) -> String {
        let (_, _, diagnostics) = Located::parse::<Doc>("doc.toml", text);
        diagnostics.iter().map(FileDiagnostic::render).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn unknown_field_err() {
        insta::assert_snapshot!(check("name = \"a\"\n\n[[items]]\nid = \"x\"\n\n[[items]]\nid = \"y\"\ncolour = 1\n"), @r"
        doc.toml:8:1: field `items[1].colour`: Unknown field `colour`, expected `id`.
          help: Remove the field or fix its spelling; the expected fields are listed above.
        ");
    }

    #[test]
    fn missing_field_err() {
        insta::assert_snapshot!(check("items = []\n"), @r"
        doc.toml:1:1: field `name`: Missing field `name`.
          help: Add the field; docs/lesson-format.md explains what it holds.
        ");
    }

    #[test]
    fn span_of_ok() {
        let text = "name = \"a\"\n[[items]]\nid = \"x\"\n[[items]]\nid = \"y\"\n";
        let (doc, located, diagnostics) = Located::parse::<Doc>("doc.toml", text);
        assert!(doc.is_some() && diagnostics.is_empty());
        let span = located.span_of("items[1].id").expect("found");
        assert_eq!(&text[span.start..span.end], "\"y\"");
        assert_eq!(located.path_at(span.start).as_deref(), Some("items[1].id"));
    }
}
