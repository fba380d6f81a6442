//! `renaming-table`: the rename is instant, but the code already running still queries the old name.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "renaming-table",
    sql: "ALTER TABLE users RENAME TO accounts",
    relation: "users",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::RenameTable { table, to } = &fact.change else { return Vec::new() };
    if !cx.existing(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "Renaming `{0}` to `{to}` holds an ACCESS EXCLUSIVE lock on `{0}` only for a moment and rewrites nothing, but the application code already running still queries `{0}`, so from the commit on its queries fail with 42P01 (undefined table) until every server runs the new code.",
        table.name
    );
    let help = "Keep the old name for running code, for example with a view named after it, until every server uses the new name.";
    vec![finding(
        fact,
        "renaming-table",
        Category::BreaksRunningCode,
        message,
        help,
        vec![Affected::table(&table.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn rename_table_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE users RENAME TO accounts"), @r"
            renaming-table [breaks-running-code] step 0
              Renaming `users` to `accounts` holds an ACCESS EXCLUSIVE lock on `users` only for a moment and rewrites nothing, but the application code already running still queries `users`, so from the commit on its queries fail with 42P01 (undefined table) until every server runs the new code.
              help: Keep the old name for running code, for example with a view named after it, until every server uses the new name.
              affected: users
            ");
    }

    #[test]
    fn rename_new_table_ok() {
        assert_eq!(check_sql(SETUP, "CREATE TABLE t (x int);\nALTER TABLE t RENAME TO u"), "");
    }
}
