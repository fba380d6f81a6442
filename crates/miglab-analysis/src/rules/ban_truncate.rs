//! `ban-truncate`: TRUNCATE deletes every row at once.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::Truncate { table } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!("`TRUNCATE {0}` deletes every row of `{0}`{1} at once under an ACCESS EXCLUSIVE lock, and no downgrade can bring the rows back.", table.name, cx.rows_note(&table.name));
    vec![finding(
        fact,
        "ban-truncate",
        Category::Destructive,
        message,
        "Back up the table and get explicit approval before truncating it.",
        vec![Affected::table(&table.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn truncate_err() {
        insta::assert_snapshot!(check_sql(SETUP, "TRUNCATE expenses"), @r#"
            ban-truncate [destructive] step 0
              `TRUNCATE expenses` deletes every row of `expenses` (it has 2 rows) at once under an ACCESS EXCLUSIVE lock, and no downgrade can bring the rows back.
              help: Back up the table and get explicit approval before truncating it.
              affected: expenses
            "#);
    }

    #[test]
    fn truncate_empty_ok() {
        assert_eq!(check_sql(SETUP, "TRUNCATE users"), "");
    }
}
