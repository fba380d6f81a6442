//! The human title of each rule code, so a screen can say "Dropping a column (`ban-drop-column`)" instead of the bare code.

/// Every code a rule can emit, with its title: a noun phrase naming the pattern the rule flags.
pub const TITLES: &[(&str, &str)] = &[
    ("adding-field-with-default", "Adding a column with a volatile default"),
    ("adding-foreign-key-constraint", "Adding a validated foreign key"),
    ("adding-not-nullable-field", "Setting a column NOT NULL"),
    ("adding-required-field", "Adding a NOT NULL column without a default"),
    ("adding-serial-primary-key-field", "Adding a primary key to an existing table"),
    (
        "ban-concurrent-index-creation-in-transaction",
        "Building an index concurrently inside a transaction",
    ),
    ("ban-drop-column", "Dropping a column"),
    ("ban-drop-constraint", "Dropping a constraint"),
    ("ban-drop-not-null", "Dropping NOT NULL"),
    ("ban-drop-table", "Dropping a table"),
    ("ban-truncate", "Truncating a table"),
    ("changing-column-type", "Changing a column's type"),
    ("constraint-missing-not-valid", "Adding a constraint without NOT VALID"),
    ("delete-without-where", "Deleting without WHERE"),
    ("disallowed-unique-constraint", "Adding a unique constraint under a full lock"),
    ("holding-access-exclusive", "Holding an ACCESS EXCLUSIVE lock"),
    ("renaming-column", "Renaming a column"),
    ("renaming-table", "Renaming a table"),
    ("require-concurrent-index-creation", "Creating an index without CONCURRENTLY"),
    ("require-concurrent-index-deletion", "Dropping an index without CONCURRENTLY"),
    ("require-timeout-settings", "Running without a lock timeout"),
    ("type-change-loses-data", "Changing a type in a way that loses data"),
    ("unique-over-existing-rows", "Adding a uniqueness rule over existing rows"),
    ("update-without-where", "Updating without WHERE"),
];

/// The title of a rule code, or `None` for a code no rule emits.
pub fn title(code: &str) -> Option<&'static str> {
    TITLES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// "Dropping a column (`ban-drop-column`)", or just "`code`" for a code without a title.
pub fn titled(code: &str) -> String {
    match title(code) {
        Some(t) => format!("{t} (`{code}`)"),
        None => format!("`{code}`"),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn titled_ok() {
        assert_eq!(titled("ban-drop-column"), "Dropping a column (`ban-drop-column`)");
        assert_eq!(titled("no-such-rule"), "`no-such-rule`");
    }
}
