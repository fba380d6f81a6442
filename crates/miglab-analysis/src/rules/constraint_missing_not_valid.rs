//! `constraint-missing-not-valid`: a CHECK or FOREIGN KEY added without NOT VALID scans the whole table under its lock,
//! and so does a VALIDATE in the same transaction as the NOT VALID that took the lock.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::{documented, LockMode, Target};
use crate::schema::ConstraintKind;

pub const CLAIM: LockClaim = LockClaim {
    code: "constraint-missing-not-valid",
    sql: "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0)",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub const CLAIM_FOREIGN_KEY: LockClaim = LockClaim {
    code: "constraint-missing-not-valid",
    sql: "ALTER TABLE expenses ADD CONSTRAINT expenses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)",
    relation: "users",
    mode: LockMode::ShareRowExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    if let Some(finding) = validate_in_same_transaction(fact, cx) {
        return vec![finding];
    }
    let Change::AddConstraint { table, constraint, not_valid: false } = &fact.change else {
        return Vec::new();
    };
    if !matches!(constraint.kind, ConstraintKind::Check | ConstraintKind::ForeignKey)
        || !cx.existing(&table.name)
    {
        return Vec::new();
    }
    let message = format!(
        "Adding this constraint makes Postgres check every row of `{}`{} while it holds {}.",
        table.name,
        cx.rows_note(&table.name),
        held(&fact.change)
    );
    let help =
        "Add the constraint with `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration.";
    let name = constraint.name.clone().unwrap_or_default();
    vec![finding(
        fact,
        "constraint-missing-not-valid",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::object(&table.name, &name)],
    )]
}

/// The locks a change takes and what they block, as a phrase: "an ACCESS EXCLUSIVE lock on `t`, so reads and writes wait".
fn held(change: &Change) -> String {
    let locks = documented(change);
    let on: Vec<String> =
        locks.iter().map(|l| format!("{} on `{}`", l.mode.a_lock(), l.target.name())).collect();
    let blocks = if locks.iter().any(|l| l.mode.blocks_reads()) {
        "every read and write of them waits"
    } else {
        "every INSERT, UPDATE and DELETE on them waits"
    };
    format!("{}, so {blocks} until the scan ends", on.join(" and "))
}

/// `VALIDATE CONSTRAINT name` after `ADD CONSTRAINT name … NOT VALID` in the same transaction: the lock the add took is still held.
fn validate_in_same_transaction(fact: &Fact, cx: &Cx) -> Option<Finding> {
    let name = validated(&fact.sql)?;
    let added = cx.earlier_in_transaction().iter().find(|f| matches!(&f.change, Change::AddConstraint { constraint, not_valid: true, .. } if constraint.name.as_deref() == Some(name.as_str())))?;
    let table = added.change.table()?.name.clone();
    if !cx.existing(&table) {
        return None;
    }
    let message = format!(
        "`VALIDATE CONSTRAINT {name}` runs in the same transaction as the `NOT VALID` that added it, which took {}; validating scans every row of `{table}`{} while that lock is still held.",
        documented(&added.change).iter().filter(|l| l.target == Target::Table(table.clone())).map(|l| format!("{} on `{table}`", l.mode.a_lock())).next().unwrap_or_default(),
        cx.rows_note(&table)
    );
    let help = "Validate the constraint in a later migration, after the one that adds it `NOT VALID` has committed.";
    Some(finding(
        fact,
        "constraint-missing-not-valid",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::object(&table, &name)],
    ))
}

/// The constraint name of `ALTER TABLE t VALIDATE CONSTRAINT name`, as Postgres folds it.
fn validated(sql: &str) -> Option<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let at = words.windows(2).position(|w| {
        w[0].eq_ignore_ascii_case("validate") && w[1].eq_ignore_ascii_case("constraint")
    })?;
    let name = words.get(at + 2)?.trim_end_matches(';');
    Some(match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.to_owned(),
        None => name.to_lowercase(),
    })
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn check_without_not_valid_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0)"), @r"
            constraint-missing-not-valid [heavy-lock] step 0
              Adding this constraint makes Postgres check every row of `expenses` (it has 2 rows) while it holds an ACCESS EXCLUSIVE lock on `expenses`, so every read and write of them waits until the scan ends.
              help: Add the constraint with `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration.
              affected: expenses (amount_positive)
            ");
    }

    #[test]
    fn validate_in_same_transaction_err() {
        let sql = "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;\nALTER TABLE expenses VALIDATE CONSTRAINT amount_positive";
        insta::assert_snapshot!(check_sql(SETUP, sql), @r"
            holding-access-exclusive [heavy-lock] step 0
              This statement takes an ACCESS EXCLUSIVE lock on `expenses`, and Postgres holds it until the transaction commits, so every read and write of `expenses` keeps waiting while the statement after it runs.
              help: Move the later statements to their own migration, or make this statement the last one.
              affected: expenses
            constraint-missing-not-valid [heavy-lock] step 1
              `VALIDATE CONSTRAINT amount_positive` runs in the same transaction as the `NOT VALID` that added it, which took an ACCESS EXCLUSIVE lock on `expenses`; validating scans every row of `expenses` (it has 2 rows) while that lock is still held.
              help: Validate the constraint in a later migration, after the one that adds it `NOT VALID` has committed.
              affected: expenses (amount_positive)
            ");
    }

    #[test]
    fn not_valid_alone_ok() {
        assert!(!check_sql(
            SETUP,
            "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID"
        )
        .contains("constraint-missing-not-valid"));
    }

    #[test]
    fn new_table_ok() {
        assert_eq!(
            check_sql(
                SETUP,
                "CREATE TABLE t (x int);\nALTER TABLE t ADD CONSTRAINT x_positive CHECK (x > 0)"
            ),
            ""
        );
    }
}
