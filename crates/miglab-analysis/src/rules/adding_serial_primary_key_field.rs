//! `adding-serial-primary-key-field`: a primary key added to an existing table builds its index under an ACCESS EXCLUSIVE lock,
//! and a serial column added with it also rewrites the table to number every row.

use super::claim::LockClaim;
use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::locks::LockMode;
use crate::schema::ConstraintKind;

pub const CLAIM: LockClaim = LockClaim {
    code: "adding-serial-primary-key-field",
    sql: "ALTER TABLE expenses DROP CONSTRAINT expenses_pkey;\nALTER TABLE expenses ADD COLUMN uid serial PRIMARY KEY",
    relation: "expenses",
    mode: LockMode::AccessExclusive,
    rewrites: Some(true),
};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let (table, message) = match &fact.change {
        Change::AddColumn { table, column, .. }
            if column.constraints.iter().any(|c| c.kind == ConstraintKind::PrimaryKey) =>
        {
            let rewrite = if column.serial || column.default.is_some() {
                ", rewrites every row to fill it"
            } else {
                ""
            };
            let message = format!(
                "Adding `{0}.{1}` as the primary key takes an ACCESS EXCLUSIVE lock on `{0}`{2}{rewrite} and builds the key's unique index, so every read and write of the table waits until both are done.",
                table.name,
                column.name,
                cx.rows_note(&table.name)
            );
            (table, message)
        }
        Change::AddConstraint { table, constraint, .. }
            if constraint.kind == ConstraintKind::PrimaryKey =>
        {
            let message = format!(
                "Adding a primary key to `{0}` builds its unique index while holding an ACCESS EXCLUSIVE lock on `{0}`{1}, so every read and write of the table waits until the whole index is built.",
                table.name,
                cx.rows_note(&table.name)
            );
            (table, message)
        }
        _ => return Vec::new(),
    };
    if !cx.existing(&table.name) {
        return Vec::new();
    }
    let help = "Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the key with `ADD PRIMARY KEY USING INDEX`.";
    vec![finding(
        fact,
        "adding-serial-primary-key-field",
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
    fn serial_primary_key_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE users ADD COLUMN uid bigserial PRIMARY KEY"), @r"
            adding-serial-primary-key-field [heavy-lock] step 0
              Adding `users.uid` as the primary key takes an ACCESS EXCLUSIVE lock on `users` (it has 0 rows), rewrites every row to fill it and builds the key's unique index, so every read and write of the table waits until both are done.
              help: Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the key with `ADD PRIMARY KEY USING INDEX`.
              affected: users
            ");
    }

    #[test]
    fn primary_key_constraint_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE users ADD PRIMARY KEY (email)"), @r"
            adding-serial-primary-key-field [heavy-lock] step 0
              Adding a primary key to `users` builds its unique index while holding an ACCESS EXCLUSIVE lock on `users` (it has 0 rows), so every read and write of the table waits until the whole index is built.
              help: Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the key with `ADD PRIMARY KEY USING INDEX`.
              affected: users
            ");
    }

    #[test]
    fn primary_key_on_new_table_ok() {
        assert_eq!(
            check_sql(SETUP, "CREATE TABLE t (x int);\nALTER TABLE t ADD PRIMARY KEY (x)"),
            ""
        );
    }
}
