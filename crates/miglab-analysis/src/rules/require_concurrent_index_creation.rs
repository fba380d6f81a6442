//! `require-concurrent-index-creation`: a plain CREATE INDEX blocks every write to a live table until it is built.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "require-concurrent-index-creation",
    sql: "CREATE INDEX ix_expenses_note ON expenses (note)",
    relation: "expenses",
    mode: LockMode::Share,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::CreateIndex { index } = &fact.change else { return Vec::new() };
    if index.concurrently || !cx.live(&index.table.name) {
        return Vec::new();
    }
    let name = index.name.clone().unwrap_or_default();
    let message = format!(
        "`CREATE INDEX` without CONCURRENTLY takes a SHARE lock on `{}`{}: reads go on, but every INSERT, UPDATE and DELETE waits until the whole index is built.",
        index.table.name,
        cx.rows_note(&index.table.name)
    );
    let help = "Use `CREATE INDEX CONCURRENTLY`, outside a transaction.";
    vec![finding(
        fact,
        "require-concurrent-index-creation",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::object(&index.table.name, &name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn plain_index_err() {
        insta::assert_snapshot!(check_sql(SETUP, "CREATE INDEX ix_expenses_note ON expenses (note)"), @r#"
            require-concurrent-index-creation [heavy-lock] step 0
              `CREATE INDEX` without CONCURRENTLY takes a SHARE lock on `expenses` (it has 2 rows): reads go on, but every INSERT, UPDATE and DELETE waits until the whole index is built.
              help: Use `CREATE INDEX CONCURRENTLY`, outside a transaction.
              affected: expenses (ix_expenses_note)
            "#);
    }

    #[test]
    fn index_on_new_table_ok() {
        assert_eq!(check_sql(SETUP, "CREATE TABLE t (x int);\nCREATE INDEX ix_t_x ON t (x)"), "");
    }
}
