//! `adding-required-field`: a NOT NULL column without a default cannot be added to a table with rows.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::AddColumn { table, column, .. } = &fact.change else { return Vec::new() };
    let has_default =
        column.default.as_deref().is_some_and(|d| !d.trim().eq_ignore_ascii_case("null"));
    if !column.not_null || has_default || column.serial || column.identity || !cx.live(&table.name)
    {
        return Vec::new();
    }
    let message = format!(
        "Adding `{0}` as NOT NULL without a default fails with 23502 when `{1}` has rows{2}: Postgres would have to fill the existing rows with NULL, so it refuses and the whole migration rolls back.",
        column.name,
        table.name,
        cx.rows_note(&table.name)
    );
    let help = "Add the column as nullable, backfill it, then set NOT NULL; or give it a default.";
    vec![finding(
        fact,
        "adding-required-field",
        Category::FailsOnExistingData,
        message,
        help,
        vec![Affected::column(&table.name, &column.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn required_field_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ADD COLUMN approved_by TEXT NOT NULL"), @r#"
            adding-required-field [fails-on-existing-data] step 0
              Adding `approved_by` as NOT NULL without a default fails with 23502 when `expenses` has rows (it has 2 rows): Postgres would have to fill the existing rows with NULL, so it refuses and the whole migration rolls back.
              help: Add the column as nullable, backfill it, then set NOT NULL; or give it a default.
              affected: expenses.approved_by
            "#);
    }

    #[test]
    fn required_field_with_default_ok() {
        assert_eq!(
            check_sql(
                SETUP,
                "ALTER TABLE expenses ADD COLUMN approved BOOLEAN NOT NULL DEFAULT false"
            ),
            ""
        );
    }

    #[test]
    fn required_field_empty_table_ok() {
        assert_eq!(check_sql(SETUP, "ALTER TABLE users ADD COLUMN name TEXT NOT NULL"), "");
    }
}
