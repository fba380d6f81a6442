//! `ban-drop-table`: dropping a table deletes every row in it.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::DropTable { table, .. } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "`DROP TABLE {0}` deletes the table and every row in it{1}; Postgres holds an ACCESS EXCLUSIVE lock while it does, and once committed the data is gone.",
        table.name,
        cx.rows_note(&table.name)
    );
    vec![finding(
        fact,
        "ban-drop-table",
        Category::Destructive,
        message,
        "Back up the table and get explicit approval before dropping it.",
        vec![Affected::table(&table.name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn drop_table_err() {
        insta::assert_snapshot!(check_sql(SETUP, "DROP TABLE expenses"), @r#"
            ban-drop-table [destructive] step 0
              `DROP TABLE expenses` deletes the table and every row in it (it has 2 rows); Postgres holds an ACCESS EXCLUSIVE lock while it does, and once committed the data is gone.
              help: Back up the table and get explicit approval before dropping it.
              affected: expenses
            "#);
    }

    #[test]
    fn drop_table_created_here_ok() {
        assert_eq!(check_sql(SETUP, "CREATE TABLE scratch (x int);\nDROP TABLE scratch"), "");
    }
}
