//! `adding-not-nullable-field`: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock and fails on any NULL.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "adding-not-nullable-field",
    sql: "ALTER TABLE expenses ALTER COLUMN user_id SET NOT NULL",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::SetNotNull { table, column } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "`SET NOT NULL` on `{0}.{column}` makes Postgres scan every row of `{0}`{1} under an ACCESS EXCLUSIVE lock, blocking reads and writes, and it fails with 23502 if any row still holds NULL.",
        table.name,
        cx.rows_note(&table.name)
    );
    let help = "Backfill the NULLs first; on a large table add a `CHECK (column IS NOT NULL) NOT VALID` constraint and validate it before setting NOT NULL.";
    vec![finding(
        fact,
        "adding-not-nullable-field",
        Category::FailsOnExistingData,
        message,
        help,
        vec![Affected::column(&table.name, column)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn set_not_null_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN status SET NOT NULL"), @r#"
            adding-not-nullable-field [fails-on-existing-data] step 0
              `SET NOT NULL` on `expenses.status` makes Postgres scan every row of `expenses` (it has 2 rows) under an ACCESS EXCLUSIVE lock, blocking reads and writes, and it fails with 23502 if any row still holds NULL.
              help: Backfill the NULLs first; on a large table add a `CHECK (column IS NOT NULL) NOT VALID` constraint and validate it before setting NOT NULL.
              affected: expenses.status
            "#);
    }

    #[test]
    fn set_not_null_new_table_ok() {
        assert_eq!(
            check_sql(SETUP, "CREATE TABLE t (x int);\nALTER TABLE t ALTER COLUMN x SET NOT NULL"),
            ""
        );
    }
}
