//! The downgrade report: pairing, missing and extra steps, order, and the simulated round trip.

use super::{matching, stub};
use crate::analysis::{analyze, Fact};
use crate::diagnostic::{Diagnostic, Span};
use crate::grade::OrderingKey;
use crate::migration::Migration;
use crate::schema::Schema;
use crate::simulate::{apply_facts, compare, Comparison, PredictedFailure};
use serde::{Deserialize, Serialize};

/// Everything the downgrade check found; `exact` is true when there is nothing to report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DowngradeReport {
    pub exact: bool,
    /// `downgrade()` runs nothing (empty or `pass`) though `upgrade()` changes the schema.
    pub empty: bool,
    /// Upgrade statements nothing in the downgrade undoes.
    pub missing: Vec<Step>,
    /// Downgrade statements that undo nothing the upgrade did.
    pub extra: Vec<Step>,
    /// The first downgrade statement that runs too late: it undoes an upgrade change made after
    /// one that an earlier downgrade statement already undid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_order: Option<OutOfOrder>,
    /// What Postgres does when the downgrade runs right after the upgrade, as the simulation predicts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<PredictedFailure>,
    /// The downgrade's statements in the order that undoes the upgrade exactly.
    pub expected_order: Vec<String>,
    /// Every finding above as a learner-facing diagnostic.
    pub diagnostics: Vec<Diagnostic>,
}

/// One statement of the migration, by its step index and normalised SQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub step: usize,
    pub sql: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfOrder {
    /// The downgrade statement that runs too late.
    pub late: Step,
    /// The earlier downgrade statement it should run before.
    pub before: Step,
}

impl Step {
    fn of(fact: &Fact) -> Step {
        Step { step: fact.step, sql: fact.sql.clone(), span: fact.span }
    }
}

/// Checks a migration on its own, simulating from a schema built from what it mentions.
pub fn check(migration: &Migration) -> DowngradeReport {
    check_from(migration, None)
}

/// Checks a migration; with the real starting schema, the round trip is simulated on it and any
/// difference between the schema before and after upgrade + downgrade is reported too.
pub fn check_from(migration: &Migration, before: Option<&Schema>) -> DowngradeReport {
    let up = analyze(&migration.upgrade).facts;
    let down = analyze(&migration.downgrade).facts;
    let mut report = DowngradeReport::default();
    let needs: Vec<&Fact> = up.iter().filter(|f| matching::needs_inverse(&f.change)).collect();

    if down.iter().all(|f| !matching::needs_inverse(&f.change)) && !needs.is_empty() {
        report.empty = true;
        report.diagnostics.push(Diagnostic::error(
            "empty-downgrade",
            "`downgrade()` does nothing, so `alembic downgrade` marks the revision as undone while every change `upgrade()` made stays in the database.",
        ).with_help("Write the inverse of each upgrade step, in reverse order."));
    }

    // Pair each upgrade change with the downgrade change that undoes it.
    let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
    for (u, fact) in up.iter().enumerate().filter(|(_, f)| matching::needs_inverse(&f.change)) {
        match matching::inverse_of(fact, &down) {
            Some((d, implicit)) => pairs.push((u, d, implicit)),
            None if !report.empty => {
                report.missing.push(Step::of(fact));
                let mut diagnostic = Diagnostic::error("downgrade-missing-inverse", format!("Nothing in `downgrade()` undoes `{}`, so after a downgrade that change is still in the database.", fact.sql))
                    .with_help(match &fact.inverse {
                        Some(inverse) => format!("Add `{inverse}` to downgrade(), in reverse order."),
                        None => "Add the statement that undoes it to downgrade(), in reverse order.".to_owned(),
                    });
                diagnostic.span = fact.span;
                report.diagnostics.push(diagnostic);
            }
            None => {}
        }
    }
    for (d, fact) in down.iter().enumerate().filter(|(_, f)| matching::needs_inverse(&f.change)) {
        if !pairs.iter().any(|&(_, pd, _)| pd == d) {
            report.extra.push(Step::of(fact));
            let mut diagnostic = Diagnostic::warning("downgrade-extra-step", format!("`downgrade()` runs `{}`, which undoes nothing `upgrade()` did, so a downgrade leaves the database different from before the upgrade.", fact.sql))
                .with_help("Remove the statement, or add the change it undoes to upgrade().");
            diagnostic.span = fact.span;
            report.diagnostics.push(diagnostic);
        }
    }

    // Explicit inverses must run in reverse upgrade order.
    let explicit: Vec<(usize, usize)> = {
        let mut v: Vec<(usize, usize)> =
            pairs.iter().filter(|p| !p.2).map(|&(u, d, _)| (d, u)).collect();
        v.sort();
        v
    };
    for window in explicit.windows(2) {
        let [(d_first, u_first), (d_late, u_late)] = window else { continue };
        if u_late > u_first {
            if let (Some(before), Some(late)) = (down.get(*d_first), down.get(*d_late)) {
                report.out_of_order =
                    Some(OutOfOrder { late: Step::of(late), before: Step::of(before) });
            }
            break;
        }
    }
    report.expected_order = expected_order(&down, &pairs);

    // What Postgres does with the round trip.
    let start = before.cloned().unwrap_or_else(|| stub::before_schema(&up, &down));
    let upgraded = apply_facts(&start, &up);
    if upgraded.failure.is_none() {
        let downgraded = apply_facts(&upgraded.schema, &down);
        report.failure = downgraded.failure.clone();
        if let (Some(before), None) = (before, &downgraded.failure) {
            for difference in compare(&downgraded.schema, before, &ROUND_TRIP) {
                report.diagnostics.push(
                    Diagnostic::warning(
                        "downgrade-not-restored",
                        format!("The downgrade does not restore the schema: {difference}."),
                    )
                    .with_help("Make downgrade() undo every upgrade step exactly."),
                );
            }
        }
    }
    if let Some(out_of_order) = &report.out_of_order {
        report.diagnostics.push(out_of_order_diagnostic(out_of_order, report.failure.as_ref()));
    } else if let Some(failure) = &report.failure {
        let mut diagnostic = Diagnostic::error(
            "downgrade-fails",
            format!(
                "Run right after the upgrade, downgrade step {} fails: {}",
                failure.step + 1,
                failure.diagnostic.message
            ),
        )
        .with_help("Fix or reorder the failing step.");
        diagnostic.span = failure.diagnostic.span;
        report.diagnostics.push(diagnostic);
    }
    report.exact = report.diagnostics.is_empty();
    report
}

const ROUND_TRIP: Comparison<'static> = Comparison {
    left: "the schema after upgrade and downgrade",
    right: "the schema before the upgrade",
    column_order: false,
    row_counts: false,
};

fn out_of_order_diagnostic(
    out_of_order: &OutOfOrder,
    failure: Option<&PredictedFailure>,
) -> Diagnostic {
    let OutOfOrder { late, before } = out_of_order;
    let consequence = match failure {
        Some(failure) if failure.step == late.step && before.sql.contains(" DROP COLUMN ") => format!(
            "`DROP COLUMN` silently drops every index and constraint on the column, so this later statement fails with `{}` ({}) and the whole downgrade rolls back",
            failure.error, failure.sqlstate
        ),
        Some(failure) if failure.step == late.step => format!(
            "`{}` already removed what this statement needs, so Postgres fails with `{}` ({}) and the whole downgrade rolls back",
            before.sql, failure.error, failure.sqlstate
        ),
        Some(failure) => format!("Postgres fails at step {} with `{}` ({}) and the whole downgrade rolls back", failure.step + 1, failure.error, failure.sqlstate),
        None => "it happens to work here, but undoing changes in any order other than the reverse one breaks as soon as one depends on another".to_owned(),
    };
    let message = format!("`{}` runs after `{}`, but `upgrade()` made its change later, so `downgrade()` must undo it first: {consequence}.", late.sql, before.sql);
    let help = format!("Move `{}` before `{}`.", late.sql, before.sql);
    // An order that Postgres runs without complaint is a habit to fix, not a broken downgrade.
    let mut diagnostic = match failure {
        Some(_) => Diagnostic::error("downgrade-out-of-order", message),
        None => Diagnostic::warning("downgrade-out-of-order", message),
    }
    .with_help(help);
    diagnostic.span = late.span;
    diagnostic
}

/// The downgrade's statements reordered to undo the upgrade in reverse: paired statements by
/// descending upgrade position, then any others in their written order.
fn expected_order(down: &[Fact], pairs: &[(usize, usize, bool)]) -> Vec<String> {
    let mut paired: Vec<(usize, usize)> = pairs.iter().map(|&(u, d, _)| (u, d)).collect();
    paired.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut order: Vec<usize> = Vec::new();
    for (_, d) in paired {
        if !order.contains(&d) {
            order.push(d);
        }
    }
    for d in 0..down.len() {
        if !order.contains(&d) {
            order.push(d);
        }
    }
    order.iter().filter_map(|&d| down.get(d)).map(|f| f.sql.clone()).collect()
}

/// An ordering question's key for putting this migration's downgrade steps in order: the
/// items are the statements as sqlparser prints them, with a `why` for each that explains
/// which upgrade change it undoes.
pub fn ordering_key(migration: &Migration) -> OrderingKey {
    let report = check(migration);
    let up = analyze(&migration.upgrade).facts;
    let down = analyze(&migration.downgrade).facts;
    let mut key = OrderingKey { order: report.expected_order.clone(), ..OrderingKey::default() };
    for fact in &down {
        if let Some(undone) = up.iter().find(|u| matching::undoes(&u.change, &fact.change)) {
            let why = format!(
                "it undoes `{}`, step {} of upgrade(), and later upgrade steps are undone first",
                undone.sql,
                undone.step + 1
            );
            key.why.insert(fact.sql.clone(), why);
        }
    }
    key
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::analysis::steps_from_sql;

    fn migration(up: &str, down: &str) -> Migration {
        Migration {
            upgrade: steps_from_sql(up).0,
            downgrade: steps_from_sql(down).0,
            ..Migration::default()
        }
    }

    fn check_pair(up: &str, down: &str) -> String {
        let report = check(&migration(up, down));
        let mut out = format!("exact: {}\n", report.exact);
        for diagnostic in &report.diagnostics {
            out.push_str(&format!(
                "{}: {}\n  help: {}\n",
                diagnostic.code,
                diagnostic.message,
                diagnostic.help.as_deref().unwrap_or("")
            ));
        }
        out.push_str(&format!("expected order: {}", report.expected_order.join(" | ")));
        out
    }

    #[test]
    fn independent_order_is_a_warning_ok() {
        let report = check(&migration(
            "ALTER TABLE expenses ALTER COLUMN confidence_score SET NOT NULL;\nALTER TABLE expenses ALTER COLUMN confidence_score SET DEFAULT 0.000;",
            "ALTER TABLE expenses ALTER COLUMN confidence_score DROP NOT NULL;\nALTER TABLE expenses ALTER COLUMN confidence_score DROP DEFAULT;",
        ));
        let codes: Vec<_> =
            report.diagnostics.iter().map(|d| (d.code.as_str(), d.is_error())).collect();
        assert_eq!(codes, [("downgrade-out-of-order", false)]);
    }

    /// Every `fixtures/downgrade/{ok,err}/NAME.up.sql` with its `NAME.down.sql`: the folder is the verdict.
    #[test]
    fn fixtures_ok() {
        for verdict in ["ok", "err"] {
            for fixture in crate::fixture_files::fixtures("downgrade", verdict, ".up.sql") {
                let (name, up) = (fixture.name, fixture.text);
                let down = std::fs::read_to_string(
                    fixture.path.with_file_name(format!("{name}.down.sql")),
                )
                .unwrap_or_default();
                let output = check_pair(&up, &down);
                assert_eq!(
                    output.starts_with("exact: true"),
                    verdict == "ok",
                    "{verdict}/{name}:\n{output}"
                );
                if verdict == "err" {
                    insta::assert_snapshot!(format!("fixture_{name}"), output);
                }
            }
        }
    }

    #[test]
    fn not_restored_on_real_schema_err() {
        let before = crate::simulate::apply(
            &Schema::default(),
            &steps_from_sql(
                "CREATE TABLE expenses (id SERIAL PRIMARY KEY, amount NUMERIC(10, 2) NOT NULL)",
            )
            .0,
        )
        .schema;
        let migration = migration(
            "ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(20);\nALTER TABLE expenses ALTER COLUMN amount SET DEFAULT '0'",
            "ALTER TABLE expenses ALTER COLUMN amount TYPE NUMERIC(12, 2) USING amount::numeric",
        );
        let report = check_from(&migration, Some(&before));
        let shown: Vec<String> =
            report.diagnostics.iter().map(|d| format!("{}: {}", d.code, d.message)).collect();
        insta::assert_snapshot!(shown.join("\n"), @r#"
            downgrade-missing-inverse: Nothing in `downgrade()` undoes `ALTER TABLE expenses ALTER COLUMN amount SET DEFAULT '0'`, so after a downgrade that change is still in the database.
            downgrade-not-restored: The downgrade does not restore the schema: `expenses.amount` is `numeric(12,2)` in the schema after upgrade and downgrade but `numeric(10,2)` in the schema before the upgrade.
            downgrade-not-restored: The downgrade does not restore the schema: `expenses.amount` has default `'0'::character varying` in the schema after upgrade and downgrade but no default in the schema before the upgrade.
            "#);
    }

    #[test]
    fn ordering_key_ok() {
        let key = ordering_key(&migration(
            "ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID;\nCREATE INDEX ix_expenses_reconciler_run_id ON expenses (reconciler_run_id)",
            "ALTER TABLE expenses DROP COLUMN reconciler_run_id;\nDROP INDEX ix_expenses_reconciler_run_id",
        ));
        insta::assert_json_snapshot!(key, @r#"
            {
              "order": [
                "DROP INDEX ix_expenses_reconciler_run_id",
                "ALTER TABLE expenses DROP COLUMN reconciler_run_id"
              ],
              "why": {
                "ALTER TABLE expenses DROP COLUMN reconciler_run_id": "it undoes `ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID`, step 1 of upgrade(), and later upgrade steps are undone first",
                "DROP INDEX ix_expenses_reconciler_run_id": "it undoes `CREATE INDEX ix_expenses_reconciler_run_id ON expenses(reconciler_run_id)`, step 2 of upgrade(), and later upgrade steps are undone first"
              }
            }
            "#);
    }
}
