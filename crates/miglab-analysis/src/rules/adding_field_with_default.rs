//! `adding-field-with-default`: a volatile default makes Postgres rewrite the whole table.
//!
//! Since Postgres 11 a constant or stable default (`0`, `'draft'`, `now()`) is stored once and
//! costs nothing; a volatile one (`gen_random_uuid()`, `clock_timestamp()`, a serial's `nextval`)
//! must be computed per row, which rewrites the table.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

/// Functions that are not volatile and may appear in a default without a rewrite.
const NOT_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "lower",
    "upper",
];

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::AddColumn { table, column, .. } = &fact.change else { return Vec::new() };
    let volatile = match (&column.default, column.serial || column.identity) {
        (_, true) => Some("a serial or identity column's sequence".to_owned()),
        (Some(default), false) => volatile_call(default),
        (None, false) => None,
    };
    let Some(what) = volatile else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "The default uses {what}, which Postgres must compute for every existing row, so it rewrites all of `{}`{} under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.",
        table.name,
        cx.rows_note(&table.name)
    );
    let help = "Add the column without the default, backfill it in batches, then set the default.";
    vec![finding(
        fact,
        "adding-field-with-default",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::column(&table.name, &column.name)],
    )]
}

/// `Some("`gen_random_uuid()`")` when the default calls a function not known to be non-volatile.
fn volatile_call(default: &str) -> Option<String> {
    let (name, _) = default.split_once('(')?;
    let name = name
        .trim()
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .next()
        .unwrap_or(name)
        .to_lowercase();
    let bare = name.rsplit('.').next().unwrap_or(&name);
    (!bare.is_empty() && !NOT_VOLATILE.contains(&bare))
        .then(|| format!("the volatile function `{bare}()`"))
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn volatile_default_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN token UUID DEFAULT gen_random_uuid()"), @r#"
            adding-field-with-default [heavy-lock] step 0
              The default uses the volatile function `gen_random_uuid()`, which Postgres must compute for every existing row, so it rewrites all of `expenses` (it has 2 rows) under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.
              help: Add the column without the default, backfill it in batches, then set the default.
              affected: expenses.token
            "#);
    }

    #[test]
    fn stable_default_ok() {
        assert!(!check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN seen_at TIMESTAMPTZ DEFAULT now();\nALTER TABLE expenses ADD COLUMN score NUMERIC(4, 3) DEFAULT 0.000").contains("adding-field-with-default"));
    }
}
