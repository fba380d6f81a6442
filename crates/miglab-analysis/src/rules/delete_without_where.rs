//! `delete-without-where`: a DELETE with no WHERE removes every row.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::Delete { table, filtered: false } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!("This DELETE has no WHERE clause, so Postgres deletes every row of `{}`{}; once committed, no downgrade can bring them back.", table.name, cx.rows_note(&table.name));
    vec![finding(
        fact,
        "delete-without-where",
        Category::Destructive,
        message,
        "Add a WHERE clause, or back up the table and get explicit approval.",
        vec![Affected::table(&table.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn delete_all_err() {
        insta::assert_snapshot!(check_sql(SETUP, "DELETE FROM expenses"), @r#"
            delete-without-where [destructive] step 0
              This DELETE has no WHERE clause, so Postgres deletes every row of `expenses` (it has 2 rows); once committed, no downgrade can bring them back.
              help: Add a WHERE clause, or back up the table and get explicit approval.
              affected: expenses
            "#);
    }

    #[test]
    fn delete_filtered_ok() {
        assert_eq!(check_sql(SETUP, "DELETE FROM expenses WHERE id = 1"), "");
    }
}
