//! `ban-drop-constraint`: dropping a constraint removes a guarantee the data relied on.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::DropConstraint { table, name, .. } = &fact.change else { return Vec::new() };
    if !cx.live(&table.name) {
        return Vec::new();
    }
    let message = format!(
        "Dropping constraint `{name}` on `{0}` removes a guarantee at once: Postgres stops checking it, so rows that break it can be written before anyone notices, and a unique or primary key constraint takes its index with it.",
        table.name
    );
    let help = "Check that nothing relies on the constraint, and get explicit approval before dropping it.";
    vec![finding(
        fact,
        "ban-drop-constraint",
        Category::Destructive,
        message,
        help,
        vec![Affected::object(&table.name, name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn drop_constraint_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses DROP CONSTRAINT expenses_pkey"), @r#"
            ban-drop-constraint [destructive] step 0
              Dropping constraint `expenses_pkey` on `expenses` removes a guarantee at once: Postgres stops checking it, so rows that break it can be written before anyone notices, and a unique or primary key constraint takes its index with it.
              help: Check that nothing relies on the constraint, and get explicit approval before dropping it.
              affected: expenses (expenses_pkey)
            "#);
    }
}
