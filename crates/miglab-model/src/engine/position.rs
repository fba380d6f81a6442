//! Error positions: Postgres reports a 1-based character offset into the SQL it was sent;
//! the learner needs the line and column in what they wrote.

use crate::diagnostic::{LineCol, LineIndex, Span};

/// The byte offset of Postgres's 1-based character `position` in `sql`, clamped to its end.
pub fn byte_offset(sql: &str, position: u32) -> usize {
    let chars = position.saturating_sub(1) as usize;
    sql.char_indices().nth(chars).map_or(sql.len(), |(i, _)| i)
}

/// Line:column of `position` in the text that was sent, for a script the learner typed as-is (the console).
pub fn in_text(sql: &str, position: u32) -> Option<LineCol> {
    (position > 0).then(|| LineIndex::new(sql).line_col(byte_offset(sql, position)))
}

/// Line:column in the learner's `source` file of an error at `position` in `sql`, a statement generated from `span`.
///
/// A plain SQL migration sends its statements verbatim, so the position lands on the exact character.
/// An Alembic operation generates SQL that does not appear in the Python source, so the error marks the operation.
pub fn in_source(sql: &str, position: Option<u32>, span: Span, source: &str) -> Option<LineCol> {
    let spanned = source.get(span.start..span.end)?;
    let index = LineIndex::new(source);
    let offset = match (spanned.find(sql), position) {
        (Some(found), Some(position)) if !sql.is_empty() => {
            span.start + found + byte_offset(sql, position)
        }
        _ => span.start,
    };
    Some(index.line_col(offset))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn in_text_ok() {
        assert_eq!(
            in_text("SELECT 1;\nSELECT nope FROM t", 18).map(|at| at.to_string()).as_deref(),
            Some("2:8")
        );
        assert_eq!(in_text("SELECT 'é', x", 13).map(|at| at.to_string()).as_deref(), Some("1:13"));
        assert_eq!(in_text("", 99).map(|at| at.to_string()).as_deref(), Some("1:1"));
        assert_eq!(in_text("SELECT", 0), None);
    }

    #[test]
    fn verbatim_sql_maps_exactly_ok() {
        let source = "-- up\nALTER TABLE expenses\n  ADD COLUMN x nope;\n";
        let sql = "ALTER TABLE expenses\n  ADD COLUMN x nope";
        let span = Span::new(6, 6 + sql.len());
        assert_eq!(
            in_source(sql, Some(37), span, source).map(|at| at.to_string()).as_deref(),
            Some("3:16")
        );
    }

    #[test]
    fn generated_sql_marks_operation_ok() {
        let source = "def upgrade():\n    op.add_column('expenses', sa.Column('x', sa.Nope()))\n";
        let span = Span::new(19, 72);
        assert_eq!(
            in_source("ALTER TABLE expenses ADD COLUMN x NOPE", Some(33), span, source)
                .map(|at| at.to_string())
                .as_deref(),
            Some("2:5")
        );
    }

    #[test]
    fn span_outside_source_err() {
        assert_eq!(in_source("x", Some(1), Span::new(50, 60), "short"), None);
    }
}
