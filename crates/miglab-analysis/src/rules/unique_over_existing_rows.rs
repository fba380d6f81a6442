//! `unique-over-existing-rows`: a unique constraint, unique index or primary key added to a table
//! with rows fails if the rows already hold duplicates.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};
use crate::schema::ConstraintKind;

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let (table, columns, what) = match &fact.change {
        Change::AddConstraint { table, constraint, .. }
            if constraint.kind == ConstraintKind::Unique =>
        {
            (table, &constraint.columns, "unique constraint")
        }
        Change::AddConstraint { table, constraint, .. }
            if constraint.kind == ConstraintKind::PrimaryKey =>
        {
            (table, &constraint.columns, "primary key")
        }
        Change::CreateIndex { index } if index.unique => {
            (&index.table, &index.keys, "unique index")
        }
        _ => return Vec::new(),
    };
    if !cx.live(&table.name) || cx.rows(&table.name) == Some(1) {
        return Vec::new();
    }
    let message = format!(
        "Adding a {what} on `{}` ({}) fails with 23505 if the table{} already holds duplicate values there, and the whole migration rolls back.",
        table.name,
        columns.join(", "),
        cx.rows_note(&table.name)
    );
    let help = "Look for duplicates first with `GROUP BY … HAVING count(*) > 1` and resolve them.";
    let affected = columns.iter().map(|c| Affected::column(&table.name, c)).collect();
    vec![finding(
        fact,
        "unique-over-existing-rows",
        Category::FailsOnExistingData,
        message,
        help,
        affected,
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn unique_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD CONSTRAINT uq_note UNIQUE (note)"), @r"
            unique-over-existing-rows [fails-on-existing-data] step 0
              Adding a unique constraint on `expenses` (note) fails with 23505 if the table (it has 2 rows) already holds duplicate values there, and the whole migration rolls back.
              help: Look for duplicates first with `GROUP BY … HAVING count(*) > 1` and resolve them.
              affected: expenses.note
            disallowed-unique-constraint [heavy-lock] step 0
              A UNIQUE constraint on `expenses` (note) builds its unique index while holding an ACCESS EXCLUSIVE lock on `expenses` (it has 2 rows), so every read and write of the table waits until the whole index is built.
              help: Build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then add the constraint with `UNIQUE USING INDEX`.
              affected: expenses
            ");
    }

    #[test]
    fn unique_on_empty_table_ok() {
        assert!(!check_sql(SETUP, "ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE (email)")
            .contains("unique-over-existing-rows"));
    }
}
