//! `adding-foreign-key-constraint`: a validated foreign key on a live table blocks writes on both tables while every row is checked.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::schema::ConstraintKind;

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::AddConstraint { table, constraint, not_valid: false } = &fact.change else {
        return Vec::new();
    };
    if constraint.kind != ConstraintKind::ForeignKey || !cx.live(&table.name) {
        return Vec::new();
    }
    let target = constraint.references.as_ref().map_or_else(String::new, |(t, _)| t.name.clone());
    let message = format!(
        "Adding this foreign key takes SHARE ROW EXCLUSIVE locks on `{}` and `{target}`, blocking their writes while Postgres checks every existing row, and fails with 23503 if a row points at nothing.",
        table.name
    );
    let help =
        "Add the constraint with NOT VALID, then run VALIDATE CONSTRAINT in a separate step.";
    vec![finding(
        fact,
        "adding-foreign-key-constraint",
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
    fn foreign_key_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)"), @r"
            adding-foreign-key-constraint [heavy-lock] step 0
              Adding this foreign key takes SHARE ROW EXCLUSIVE locks on `expenses` and `users`, blocking their writes while Postgres checks every existing row, and fails with 23503 if a row points at nothing.
              help: Add the constraint with NOT VALID, then run VALIDATE CONSTRAINT in a separate step.
              affected: expenses
            constraint-missing-not-valid [heavy-lock] step 0
              Adding this constraint makes Postgres check every row of `expenses` (it has 2 rows) while it holds a SHARE ROW EXCLUSIVE lock on `expenses` and a SHARE ROW EXCLUSIVE lock on `users`, so every INSERT, UPDATE and DELETE on them waits until the scan ends.
              help: Add the constraint with `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration.
              affected: expenses (fk_user)
            ");
    }

    #[test]
    fn foreign_key_not_valid_ok() {
        assert_eq!(check_sql(SETUP, "ALTER TABLE expenses ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID"), "");
    }
}
