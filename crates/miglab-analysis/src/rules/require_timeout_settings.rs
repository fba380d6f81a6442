//! `require-timeout-settings`: without `lock_timeout`, a migration waiting for its lock makes every later query on the table wait too.
//!
//! Reported once, at the first schema change that locks a table the migration did not create, naming what is missing
//! (`lock_timeout`, `statement_timeout` or both) among the `SET`s before it. Data changes (INSERT, UPDATE, DELETE) take
//! only ROW EXCLUSIVE, which queues behind nothing a running application holds, so they do not count, as in squawk.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "require-timeout-settings",
    sql: "ALTER TABLE expenses ADD COLUMN n int",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Some((table, mode)) = locking(fact, cx) else { return Vec::new() };
    if cx.earlier.iter().any(|f| locking(f, cx).is_some()) {
        return Vec::new();
    }
    let set = |name: &str| cx.earlier.iter().any(|f| setting(&f.sql).as_deref() == Some(name));
    let missing: Vec<&str> =
        ["lock_timeout", "statement_timeout"].into_iter().filter(|name| !set(name)).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let later = if mode.blocks_reads() {
        format!("every later read and write of `{table}`")
    } else if mode.blocks_writes() {
        format!("every later write to `{table}`")
    } else {
        format!("every later schema change of `{table}`")
    };
    let queue = if missing.contains(&"lock_timeout") {
        format!("With no `lock_timeout`, this statement waits as long as any query holds `{table}`, and while it waits for its {mode} lock, {later} queues behind it")
    } else {
        format!("With no `statement_timeout`, a slow statement keeps its {mode} lock on `{table}` for as long as it runs, and {later} waits")
    };
    let message = format!(
        "{queue}; this migration sets {} first.",
        missing.iter().map(|m| format!("no `{m}`")).collect::<Vec<_>>().join(" and ")
    );
    let help = "Start the migration with `SET lock_timeout = '2s'` and `SET statement_timeout = '30s'`, and retry when it times out.";
    vec![finding(
        fact,
        "require-timeout-settings",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::table(&table)],
    )]
}

/// The strongest documented lock a schema change takes on a table that existed before the migration.
fn locking(fact: &Fact, cx: &Cx) -> Option<(String, LockMode)> {
    if matches!(fact.change, Change::Insert { .. } | Change::Update { .. } | Change::Delete { .. })
    {
        return None;
    }
    cx.locks_on_existing(fact).into_iter().max_by_key(|(_, mode)| *mode)
}

/// The parameter a `SET [SESSION | LOCAL] name { = | TO } value` statement sets, lower-cased.
fn setting(sql: &str) -> Option<String> {
    let mut words = sql.split(|c: char| c.is_whitespace() || c == '=').filter(|w| !w.is_empty());
    if !words.next()?.eq_ignore_ascii_case("set") {
        return None;
    }
    let mut name = words.next()?;
    if name.eq_ignore_ascii_case("session") || name.eq_ignore_ascii_case("local") {
        name = words.next()?;
    }
    Some(name.trim_matches('"').to_lowercase())
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql_all, SETUP};

    #[test]
    fn no_timeouts_err() {
        insta::assert_snapshot!(check_sql_all(SETUP, "ALTER TABLE expenses ADD COLUMN n int;\nCREATE INDEX ix_n ON expenses (n)"), @r"
            require-timeout-settings [heavy-lock] step 0
              With no `lock_timeout`, this statement waits as long as any query holds `expenses`, and while it waits for its ACCESS EXCLUSIVE lock, every later read and write of `expenses` queues behind it; this migration sets no `lock_timeout` and no `statement_timeout` first.
              help: Start the migration with `SET lock_timeout = '2s'` and `SET statement_timeout = '30s'`, and retry when it times out.
              affected: expenses
            holding-access-exclusive [heavy-lock] step 0
              This statement takes an ACCESS EXCLUSIVE lock on `expenses`, and Postgres holds it until the transaction commits, so every read and write of `expenses` keeps waiting while the statement after it runs.
              help: Move the later statements to their own migration, or make this statement the last one.
              affected: expenses
            require-concurrent-index-creation [heavy-lock] step 1
              `CREATE INDEX` without CONCURRENTLY takes a SHARE lock on `expenses` (it has 2 rows): reads go on, but every INSERT, UPDATE and DELETE waits until the whole index is built.
              help: Use `CREATE INDEX CONCURRENTLY`, outside a transaction.
              affected: expenses (ix_n)
            ");
    }

    #[test]
    fn lock_timeout_only_err() {
        insta::assert_snapshot!(check_sql_all(SETUP, "SET lock_timeout = '2s';\nALTER TABLE expenses ADD COLUMN n int"), @r"
            require-timeout-settings [heavy-lock] step 1
              With no `statement_timeout`, a slow statement keeps its ACCESS EXCLUSIVE lock on `expenses` for as long as it runs, and every later read and write of `expenses` waits; this migration sets no `statement_timeout` first.
              help: Start the migration with `SET lock_timeout = '2s'` and `SET statement_timeout = '30s'`, and retry when it times out.
              affected: expenses
            ");
    }

    #[test]
    fn both_set_ok() {
        assert_eq!(check_sql_all(SETUP, "SET LOCAL lock_timeout TO '2s';\nSET statement_timeout = '30s';\nALTER TABLE expenses ADD COLUMN n int"), "");
    }

    #[test]
    fn new_table_and_data_ok() {
        assert_eq!(
            check_sql_all(
                SETUP,
                "CREATE TABLE t (x int);\nINSERT INTO expenses (amount) VALUES (1)"
            ),
            ""
        );
    }
}
