//! `renaming-column`: the rename is instant, but the code already running still uses the old name.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "renaming-column",
    sql: "ALTER TABLE expenses RENAME COLUMN note TO memo",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::RenameColumn { table, column, to } = &fact.change else { return Vec::new() };
    if !cx.existing(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "Renaming `{0}.{column}` to `{to}` holds an ACCESS EXCLUSIVE lock on `{0}` only for a moment and rewrites nothing, but the application code already running still reads and writes `{column}`, so from the commit on its queries fail with 42703 (undefined column) until every server runs the new code.",
        table.name
    );
    let help =
        "Add the new column, write to both and backfill, and drop the old one in a later release.";
    vec![finding(
        fact,
        "renaming-column",
        Category::BreaksRunningCode,
        message,
        help,
        vec![Affected::column(&table.name, column)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn rename_column_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses RENAME COLUMN note TO memo"), @r"
            renaming-column [breaks-running-code] step 0
              Renaming `expenses.note` to `memo` holds an ACCESS EXCLUSIVE lock on `expenses` only for a moment and rewrites nothing, but the application code already running still reads and writes `note`, so from the commit on its queries fail with 42703 (undefined column) until every server runs the new code.
              help: Add the new column, write to both and backfill, and drop the old one in a later release.
              affected: expenses.note
            ");
    }

    #[test]
    fn rename_on_new_table_ok() {
        assert_eq!(
            check_sql(SETUP, "CREATE TABLE t (x int);\nALTER TABLE t RENAME COLUMN x TO y"),
            ""
        );
    }
}
