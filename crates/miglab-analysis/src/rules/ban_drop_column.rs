//! `ban-drop-column`: dropping a column deletes every value in it, and its indexes and constraints with it.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::DropColumn { table, column, .. } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "`DROP COLUMN {column}` deletes every value of `{0}.{column}`{1} and silently drops the indexes and constraints that use the column; a downgrade can only add it back empty.",
        table.name,
        cx.rows_note(&table.name)
    );
    let help = "Count and back up the column's non-null values, and get explicit approval before dropping it.";
    vec![finding(
        fact,
        "ban-drop-column",
        Category::Destructive,
        message,
        help,
        vec![Affected::column(&table.name, column)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn drop_column_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses DROP COLUMN legacy_notes"), @r#"
            ban-drop-column [destructive] step 0
              `DROP COLUMN legacy_notes` deletes every value of `expenses.legacy_notes` (it has 2 rows) and silently drops the indexes and constraints that use the column; a downgrade can only add it back empty.
              help: Count and back up the column's non-null values, and get explicit approval before dropping it.
              affected: expenses.legacy_notes
            "#);
    }

    #[test]
    fn drop_column_no_context_err() {
        insta::assert_snapshot!(check_sql("", "ALTER TABLE expenses DROP COLUMN legacy_notes"), @r#"
            ban-drop-column [destructive] step 0
              `DROP COLUMN legacy_notes` deletes every value of `expenses.legacy_notes` and silently drops the indexes and constraints that use the column; a downgrade can only add it back empty.
              help: Count and back up the column's non-null values, and get explicit approval before dropping it.
              affected: expenses.legacy_notes
            "#);
    }

    #[test]
    fn add_column_ok() {
        assert_eq!(
            check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3)"),
            ""
        );
    }
}
