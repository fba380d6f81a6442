//! `ban-drop-not-null`: the column may now hold NULL, which the code already running does not expect.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::DropNotNull { table, column } = &fact.change else { return Vec::new() };
    if !cx.existing(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "`DROP NOT NULL` lets `{0}.{column}` hold NULL, but the application code already running assumes it never does, so it can fail on the first NULL a new writer stores.",
        table.name
    );
    let help = "Drop the NOT NULL only after every running version of the code handles NULL in this column.";
    vec![finding(
        fact,
        "ban-drop-not-null",
        Category::BreaksRunningCode,
        message,
        help,
        vec![Affected::column(&table.name, column)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn drop_not_null_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN amount DROP NOT NULL"), @r"
            ban-drop-not-null [breaks-running-code] step 0
              `DROP NOT NULL` lets `expenses.amount` hold NULL, but the application code already running assumes it never does, so it can fail on the first NULL a new writer stores.
              help: Drop the NOT NULL only after every running version of the code handles NULL in this column.
              affected: expenses.amount
            ");
    }

    #[test]
    fn drop_not_null_new_table_ok() {
        assert_eq!(
            check_sql(
                SETUP,
                "CREATE TABLE t (x int NOT NULL);\nALTER TABLE t ALTER COLUMN x DROP NOT NULL"
            ),
            ""
        );
    }
}
