//! `holding-access-exclusive`: an ACCESS EXCLUSIVE lock is held until COMMIT, so every statement after it in the
//! same transaction lengthens the time the table is closed to reads and writes (Eugene's E4; no linter has it).

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::Fact;
use crate::locks::LockMode;

pub const CLAIM: LockClaim = LockClaim {
    code: "holding-access-exclusive",
    sql: "ALTER TABLE expenses ADD COLUMN n int;\nUPDATE users SET email = lower(email)",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let later = cx
        .later_in_transaction
        .iter()
        .map(|f| f.step)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if later == 0 {
        return Vec::new();
    }
    let exclusive = |f: &Fact| -> Vec<String> {
        cx.locks_on_existing(f)
            .into_iter()
            .filter(|(_, mode)| *mode == LockMode::AccessExclusive)
            .map(|(table, _)| table)
            .collect()
    };
    let already: Vec<String> = cx.earlier_in_transaction().iter().flat_map(exclusive).collect();
    let tables: Vec<String> =
        exclusive(fact).into_iter().filter(|t| !already.contains(t)).collect();
    tables
        .into_iter()
        .map(|table| {
            let statements = if later == 1 { "the statement after it runs".to_owned() } else { format!("the {later} statements after it run") };
            let message = format!(
                "This statement takes an ACCESS EXCLUSIVE lock on `{table}`, and Postgres holds it until the transaction commits, so every read and write of `{table}` keeps waiting while {statements}."
            );
            let help = "Move the later statements to their own migration, or make this statement the last one.";
            finding(fact, "holding-access-exclusive", Category::HeavyLock, message, help, vec![Affected::table(&table)])
        })
        .collect()
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn lock_then_backfill_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN n int;\nUPDATE expenses SET n = 0;\nALTER TABLE expenses ALTER COLUMN n SET NOT NULL"), @r"
            holding-access-exclusive [heavy-lock] step 0
              This statement takes an ACCESS EXCLUSIVE lock on `expenses`, and Postgres holds it until the transaction commits, so every read and write of `expenses` keeps waiting while the 2 statements after it run.
              help: Move the later statements to their own migration, or make this statement the last one.
              affected: expenses
            adding-not-nullable-field [fails-on-existing-data] step 2
              `SET NOT NULL` on `expenses.n` makes Postgres scan every row of `expenses` (it has 2 rows) under an ACCESS EXCLUSIVE lock, blocking reads and writes, and it fails with 23502 if any row still holds NULL.
              help: Backfill the NULLs first; on a large table add a `CHECK (column IS NOT NULL) NOT VALID` constraint and validate it before setting NOT NULL.
              affected: expenses.n
            ");
    }

    #[test]
    fn last_statement_ok() {
        assert!(!check_sql(
            SETUP,
            "UPDATE users SET email = lower(email);\nALTER TABLE expenses ADD COLUMN n int"
        )
        .contains("holding-access-exclusive"));
    }

    #[test]
    fn new_table_ok() {
        assert!(!check_sql(SETUP, "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1)")
            .contains("holding-access-exclusive"));
    }
}
