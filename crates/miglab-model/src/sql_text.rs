//! SQL text the model writes itself: string literals the way SQLAlchemy renders literal binds.

/// A PostgreSQL string literal with single quotes doubled, as SQLAlchemy renders literal binds.
/// SQLAlchemy also doubles backslashes, because it cannot assume `standard_conforming_strings`.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''").replace('\\', "\\\\"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn literal_ok() {
        assert_eq!(literal(r"it's C:\tmp"), r"'it''s C:\\tmp'");
    }
}
