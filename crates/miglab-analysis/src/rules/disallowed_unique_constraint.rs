//! `disallowed-unique-constraint`: `ADD CONSTRAINT … UNIQUE` builds its index under an ACCESS EXCLUSIVE lock.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;
use crate::schema::ConstraintKind;

pub const CLAIM: LockClaim = LockClaim {
    code: "disallowed-unique-constraint",
    sql: "ALTER TABLE expenses ADD CONSTRAINT expenses_note_key UNIQUE (note)",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(false),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let (table, columns) = match &fact.change {
        Change::AddConstraint { table, constraint, .. }
            if constraint.kind == ConstraintKind::Unique =>
        {
            (table, constraint.columns.clone())
        }
        Change::AddColumn { table, column, .. }
            if column.constraints.iter().any(|c| c.kind == ConstraintKind::Unique) =>
        {
            (table, vec![column.name.clone()])
        }
        _ => return Vec::new(),
    };
    if !cx.existing(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "A UNIQUE constraint on `{0}` ({1}) builds its unique index while holding an ACCESS EXCLUSIVE lock on `{0}`{2}, so every read and write of the table waits until the whole index is built.",
        table.name,
        columns.join(", "),
        cx.rows_note(&table.name)
    );
    let help = "Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the constraint with `UNIQUE USING INDEX`.";
    vec![finding(
        fact,
        "disallowed-unique-constraint",
        Category::HeavyLock,
        message,
        help,
        vec![Affected::table(&table.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn unique_constraint_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)"), @r"
            disallowed-unique-constraint [heavy-lock] step 0
              A UNIQUE constraint on `users` (email) builds its unique index while holding an ACCESS EXCLUSIVE lock on `users` (it has 0 rows), so every read and write of the table waits until the whole index is built.
              help: Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the constraint with `UNIQUE USING INDEX`.
              affected: users
            ");
    }

    #[test]
    fn unique_on_new_table_ok() {
        assert_eq!(
            check_sql(
                SETUP,
                "CREATE TABLE t (x int);\nALTER TABLE t ADD CONSTRAINT t_x_key UNIQUE (x)"
            ),
            ""
        );
    }
}
