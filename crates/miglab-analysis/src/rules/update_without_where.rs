//! `update-without-where`: an UPDATE with no WHERE overwrites a column in every row.
//!
//! Backfilling a column this same migration added is the safe NOT NULL sequence, not data loss,
//! so columns added earlier in the migration are not flagged.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::Update { table, columns, filtered: false } = &fact.change else {
        return Vec::new();
    };
    let overwritten: Vec<&String> =
        columns.iter().filter(|c| !cx.was_added(&table.name, c)).collect();
    if overwritten.is_empty() || !cx.live(&table.name) {
        return Vec::new();
    }
    let names: Vec<String> = overwritten.iter().map(|c| format!("`{c}`")).collect();
    let message = format!("This UPDATE has no WHERE clause, so Postgres overwrites {} in every row of `{}`{}; the old values are gone once it commits.", names.join(", "), table.name, cx.rows_note(&table.name));
    let affected = overwritten.iter().map(|c| Affected::column(&table.name, c)).collect();
    vec![finding(
        fact,
        "update-without-where",
        Category::Destructive,
        message,
        "Add a WHERE clause, or back up the columns you overwrite.",
        affected,
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn update_all_err() {
        insta::assert_snapshot!(check_sql(SETUP, "UPDATE expenses SET status = 'done'"), @r#"
            update-without-where [destructive] step 0
              This UPDATE has no WHERE clause, so Postgres overwrites `status` in every row of `expenses` (it has 2 rows); the old values are gone once it commits.
              help: Add a WHERE clause, or back up the columns you overwrite.
              affected: expenses.status
            "#);
    }

    #[test]
    fn backfill_new_column_ok() {
        assert!(!check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3);\nUPDATE expenses SET confidence_score = 0.000").contains("update-without-where"));
    }
}
