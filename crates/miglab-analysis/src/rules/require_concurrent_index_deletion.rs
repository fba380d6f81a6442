//! `require-concurrent-index-deletion`: a plain DROP INDEX blocks reads and writes on a live table while it waits.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "require-concurrent-index-deletion",
    sql: "DROP INDEX ix_expenses_status",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::DropIndex { index, concurrently: false, .. } = &fact.change else {
        return Vec::new();
    };
    let Some(table) = cx.schema.tables.iter().find(|t| t.index(&index.name).is_some()) else {
        return Vec::new();
    };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "`DROP INDEX {}` takes an ACCESS EXCLUSIVE lock on `{}`, so every read and write of the table queues behind it while it waits for running queries to finish.",
        index.name, table.name
    );
    vec![finding(
        fact,
        "require-concurrent-index-deletion",
        Category::HeavyLock,
        message,
        "Use `DROP INDEX CONCURRENTLY`, outside a transaction.",
        vec![Affected::object(&table.name, &index.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn plain_drop_index_err() {
        insta::assert_snapshot!(check_sql(SETUP, "DROP INDEX ix_expenses_status"), @r#"
            require-concurrent-index-deletion [heavy-lock] step 0
              `DROP INDEX ix_expenses_status` takes an ACCESS EXCLUSIVE lock on `expenses`, so every read and write of the table queues behind it while it waits for running queries to finish.
              help: Use `DROP INDEX CONCURRENTLY`, outside a transaction.
              affected: expenses (ix_expenses_status)
            "#);
    }

    #[test]
    fn drop_index_concurrently_ok() {
        assert!(!check_sql(SETUP, "DROP INDEX CONCURRENTLY ix_expenses_status")
            .contains("require-concurrent-index-deletion"));
    }
}
