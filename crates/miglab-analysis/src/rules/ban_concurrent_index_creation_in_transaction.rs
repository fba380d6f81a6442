//! `ban-concurrent-index-creation-in-transaction`: CONCURRENTLY cannot run inside a transaction block.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let (statement, table, name) = match &fact.change {
        Change::CreateIndex { index } if index.concurrently => (
            "CREATE INDEX CONCURRENTLY",
            index.table.name.clone(),
            index.name.clone().unwrap_or_default(),
        ),
        Change::DropIndex { index, concurrently: true, .. } => {
            let table = cx
                .schema
                .tables
                .iter()
                .find(|t| t.index(&index.name).is_some())
                .map_or_else(String::new, |t| t.name.clone());
            ("DROP INDEX CONCURRENTLY", table, index.name.clone())
        }
        _ => return Vec::new(),
    };
    if cx.step.is_some_and(|s| s.autocommit) {
        return Vec::new();
    }
    let message = format!(
        "Postgres refuses `{statement}` inside a transaction block with 25001, and a migration runs in one transaction unless told otherwise, so the whole migration fails and rolls back."
    );
    let help = "Run it outside the transaction: in Alembic, inside `with op.get_context().autocommit_block():`.";
    vec![finding(
        fact,
        "ban-concurrent-index-creation-in-transaction",
        Category::NoTransaction,
        message,
        help,
        vec![Affected::object(&table, &name)],
    )]
}

#[cfg(test)]
mod test {
    use crate::migration::Step;
    use crate::rules::{check, check_sql, RuleContext, SETUP};

    #[test]
    fn concurrently_in_transaction_err() {
        insta::assert_snapshot!(check_sql(SETUP, "CREATE INDEX CONCURRENTLY ix_expenses_note ON expenses (note)"), @r#"
            ban-concurrent-index-creation-in-transaction [no-transaction] step 0
              Postgres refuses `CREATE INDEX CONCURRENTLY` inside a transaction block with 25001, and a migration runs in one transaction unless told otherwise, so the whole migration fails and rolls back.
              help: Run it outside the transaction: in Alembic, inside `with op.get_context().autocommit_block():`.
              affected: expenses (ix_expenses_note)
            "#);
    }

    #[test]
    fn concurrently_autocommit_ok() {
        let steps = [Step {
            sql: "CREATE INDEX CONCURRENTLY ix_expenses_note ON expenses (note)".into(),
            autocommit: true,
            span: None,
            documented: Vec::new(),
        }];
        assert!(!check(&steps, &RuleContext::default())
            .iter()
            .any(|f| f.code == "ban-concurrent-index-creation-in-transaction"));
    }
}
