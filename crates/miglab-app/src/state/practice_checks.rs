//! Modify and Make: the student's migration parsed, and the lesson's checks judged from what the engine did.
//!
//! The engine work is in `lab::practice`; this file only decides pass or fail, so it is tested natively.

use crate::services::analyzer_link;
use crate::state::drop_guard::Threat;
use crate::state::progress::CheckResult;
use crate::state::run_state::RunRecord;
use miglab_core::diagnostic::Diagnostic;
use miglab_core::grade::{
    self, Answer, AnswerKey, Confidence, Response, SchemaKey, SchemaScope, ValueKey,
};
use miglab_core::lesson::{Checks, LessonMigration, MigrationRef, MigrationSource};
use miglab_core::migration::Step;
use miglab_core::schema::Schema;
use miglab_core::service::GradeItem;

/// The student's file as a lesson migration, or the diagnostics that stop it from running
/// (an analyzer that cannot load is one of them, so nothing runs untranslated).
pub async fn parse(
    text: &str,
    file: &str,
    reference: &MigrationRef,
) -> Result<LessonMigration, Vec<Diagnostic>> {
    let parsed = analyzer_link::alembic(text.to_owned())
        .await
        .map_err(|message| vec![Diagnostic::error("analyzer", message)])?;
    if parsed.has_errors() {
        return Err(parsed.diagnostics.into_iter().filter(Diagnostic::is_error).collect());
    }
    Ok(LessonMigration {
        reference: reference.clone(),
        source: MigrationSource::Alembic { file: file.to_owned(), text: text.to_owned() },
        migration: parsed.migration,
    })
}

/// A new revision file for the student to fill in, revising `parent` with the lesson's own revision id,
/// so questions that name that id still apply to the student's file.
pub fn starter(revision: &str, parent: Option<&str>, message: &str) -> String {
    let parent_literal = parent.map_or_else(|| "None".to_owned(), |p| format!("\"{p}\""));
    format!(
        "\"\"\"{message}\n\nRevision ID: {revision}\nRevises: {}\n\"\"\"\n\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"{revision}\"\ndown_revision = {parent_literal}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n",
        parent.unwrap_or("")
    )
}

/// Steps that destroy data, for the drop guard: the core's destructive findings, each with the object it hits.
/// `schema` is the database before the migration, so the rules know which tables hold rows.
/// When the rules cannot run the answer is an error, never "no threats": the guard fails closed.
pub async fn threats(steps: &[Step], schema: Option<&Schema>) -> Result<Vec<Threat>, String> {
    let findings = analyzer_link::rules(steps.to_vec(), schema.cloned()).await?;
    Ok(findings
        .into_iter()
        .filter(|f| f.is_destructive())
        .flat_map(|f| {
            let (code, message) = (f.code.clone(), f.message.clone());
            f.affected.into_iter().map(move |a| Threat {
                code: code.clone(),
                message: message.clone(),
                table: a.table,
                column: a.column,
            })
        })
        .collect())
}

/// What the engine did with the student's migration: upgrade, downgrade, upgrade again, and the value checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PracticeRun {
    pub before: Schema,
    pub runs: Vec<RunRecord>,
    /// `(query, value or error)` for each value check, read after the first upgrade.
    pub values: Vec<(String, Result<Option<String>, String>)>,
}

impl PracticeRun {
    /// The statements the approval is checked against: what the upgrade did and, where it ran, what the downgrade did.
    /// `None` when the upgrade did not run, so there is nothing to confirm.
    pub fn claims(&self) -> Option<crate::state::gate::RunClaims> {
        let ok = |i: usize| self.runs.get(i).filter(|r| r.failure.is_none()).map(|r| &r.after);
        Some(crate::state::gate::RunClaims::from_run(&self.before, ok(0)?, ok(1)))
    }
}

pub async fn judge(checks: &Checks, run: &PracticeRun, threats: &[Threat]) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let result = |name: &str, passed: bool, detail: String| CheckResult {
        name: name.to_owned(),
        passed,
        detail,
        lines: None,
    };
    let at = |r: Option<&RunRecord>| r.and_then(|r| r.failure.as_ref()).and_then(|f| f.lines);
    let upgrade = run.runs.first();
    let failed = |r: Option<&RunRecord>| {
        r.and_then(|r| r.failure.as_ref()).map(|f| {
            format!("{} {}", f.sqlstate.clone().unwrap_or_default(), f.message).trim().to_owned()
        })
    };
    let said_by = |r: Option<&RunRecord>| {
        if r.and_then(|r| r.failure.as_ref()).is_some_and(|f| f.sqlstate.is_some()) {
            "Postgres stopped it"
        } else {
            "It did not finish"
        }
    };
    match failed(upgrade) {
        None if upgrade.is_some() => out.push(result(
            "upgrade() runs",
            true,
            "It ran on the branch without an error.".into(),
        )),
        None => out.push(result("upgrade() runs", false, "It did not run.".into())),
        Some(error) => out.push(CheckResult {
            lines: at(upgrade),
            ..result(
                "upgrade() runs",
                false,
                format!("{}: {}.", said_by(upgrade), error.trim_end_matches('.')),
            )
        }),
    }
    let after = upgrade.filter(|r| r.failure.is_none()).map(|r| &r.after);
    out.extend(tables_as_briefed(checks, after).await);
    for (i, check) in checks.values.iter().enumerate() {
        let got = run.values.get(i).map(|(_, v)| v.clone());
        let expected = check.expected.clone();
        let (passed, detail) = match got {
            Some(Ok(value)) => {
                let key =
                    AnswerKey::Value(ValueKey { expected: expected.clone(), ..Default::default() });
                let graded = grade::grade_without_sql(
                    &key,
                    &Answer {
                        response: Response::Value { value: value.clone() },
                        confidence: Confidence::MAX,
                    },
                    &grade::Observed::default(),
                );
                (
                    graded.is_some_and(|g| g.correct),
                    format!(
                        "`{}` gave {}, expected {}.",
                        check.query,
                        value.as_deref().unwrap_or("NULL"),
                        expected.as_deref().unwrap_or("NULL")
                    ),
                )
            }
            Some(Err(error)) => (false, format!("`{}` failed: {error}", check.query)),
            None => (false, format!("`{}` did not run.", check.query)),
        };
        out.push(result("a value check", passed, detail));
    }
    if checks.round_trip || checks.downgrade_order {
        let (down, again) = (run.runs.get(1), run.runs.get(2));
        let down_error = failed(down);
        if checks.downgrade_order {
            let (passed, detail) = match (&down_error, down) {
                (None, Some(_)) => (true, "downgrade() ran in an order Postgres accepts.".to_owned()),
                (Some(error), _) if error.starts_with("42704") => (false, format!("Postgres stopped the downgrade: {error}. Dropping a column drops its indexes too, so drop the index first.")),
                (Some(error), _) => (false, format!("Postgres stopped the downgrade: {error}.")),
                (None, None) => (false, "The downgrade did not run.".to_owned()),
            };
            out.push(CheckResult {
                lines: at(down),
                ..result("downgrade() order", passed, detail)
            });
        }
        if checks.round_trip {
            let back = down.filter(|r| r.failure.is_none()).map(|r| &r.after);
            let again_after = again.filter(|r| r.failure.is_none()).map(|r| &r.after);
            let (passed, detail) = round_trip(&run.before, after, back, again_after);
            out.push(result("round trip", passed, detail));
        }
    }
    if !checks.allow_destructive {
        let passed = threats.is_empty();
        let detail = if passed {
            "Nothing in upgrade() destroys data.".to_owned()
        } else {
            threats.iter().map(|t| t.message.clone()).collect::<Vec<_>>().join(" ")
        };
        out.push(result("no data loss", passed, detail));
    }
    out
}

/// One verdict per table the brief lists, from one request to the analyzer: the brief plays the prediction
/// and the engine the truth, so each sentence says what the migration really did. Only what the brief lists
/// is compared, as `miglab check` does.
async fn tables_as_briefed(checks: &Checks, after: Option<&Schema>) -> Vec<CheckResult> {
    let result = |table: &str, passed: bool, detail: String| CheckResult {
        name: format!("`{table}` looks as the brief asks"),
        passed,
        detail,
        lines: None,
    };
    let Some(after) = after else {
        return checks
            .tables
            .iter()
            .map(|t| {
                result(
                    &t.name,
                    false,
                    "The upgrade did not finish, so there is nothing to compare.".into(),
                )
            })
            .collect();
    };
    let items = checks
        .tables
        .iter()
        .map(|table| {
            let brief = Schema { tables: vec![table.clone()], ..Default::default() };
            let scope = SchemaScope {
                columns: !table.columns.is_empty(),
                indexes: !table.indexes.is_empty(),
                tables: vec![table.name.clone()],
                ..Default::default()
            };
            let key = AnswerKey::Schema(SchemaKey { scope, ..SchemaKey::default() });
            GradeItem {
                key,
                answer: Answer {
                    response: Response::Schema { schema: brief },
                    confidence: Confidence::MAX,
                },
                start: None,
                actual: Some(after.clone()),
            }
        })
        .collect();
    match analyzer_link::grade(items).await {
        Ok(graded) if graded.len() == checks.tables.len() => checks
            .tables
            .iter()
            .zip(graded)
            .map(|(table, graded)| match graded.correct {
                true => {
                    result(&table.name, true, "Columns and indexes match the brief.".to_owned())
                }
                false => result(
                    &table.name,
                    false,
                    graded.explanations().next().unwrap_or("It differs from the brief.").to_owned(),
                ),
            })
            .collect(),
        Ok(_) => checks
            .tables
            .iter()
            .map(|t| result(&t.name, false, "The analyzer did not grade every table.".to_owned()))
            .collect(),
        Err(message) => {
            checks.tables.iter().map(|t| result(&t.name, false, message.clone())).collect()
        }
    }
}

/// What differs between two states of the branch, matched by name: tables, columns (type, nullability, default),
/// indexes, constraints, enum types and row counts. The alembic version is allowed to differ, and column order is no
/// difference, since Postgres can only add a column at the end.
pub fn round_trip_differences(expected: &Schema, got: &Schema) -> Vec<String> {
    miglab_core::schema::compare::compare(expected, got).differences
}

/// The round trip: `downgrade()` gives back the start, and upgrading again gives what the first upgrade gave.
/// A failure says what differs; a column order that differs is a note on a pass.
fn round_trip(
    before: &Schema,
    upgraded: Option<&Schema>,
    back: Option<&Schema>,
    again: Option<&Schema>,
) -> (bool, String) {
    let Some(back) = back else {
        return (false, "The round trip stopped at the downgrade.".to_owned());
    };
    let restored = miglab_core::schema::compare::compare(before, back);
    if !restored.same() {
        return (
            false,
            format!(
                "After downgrade(), the branch is not as it was before upgrade(): {}",
                restored.differences.join(" ")
            ),
        );
    }
    let Some(again) = again else { return (false, "Upgrading again failed.".to_owned()) };
    let repeated = upgraded.map(|up| miglab_core::schema::compare::compare(up, again));
    match repeated {
        Some(c) if !c.same() => (
            false,
            format!(
                "Upgrading again did not give what the first upgrade gave: {}",
                c.differences.join(" ")
            ),
        ),
        None => {
            (false, "The first upgrade did not finish, so there is nothing to compare.".to_owned())
        }
        Some(_) => {
            let notes: Vec<String> =
                restored.notes.into_iter().map(|n| format!("Note: {n}")).collect();
            let mut detail = "upgrade → downgrade → upgrade leaves the same schema and the same row counts (columns matched by name).".to_owned();
            for note in notes {
                detail.push(' ');
                detail.push_str(&note);
            }
            (true, detail)
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use crate::services::lab::test::block_on;

    fn record(after: Schema, failure: Option<&str>) -> RunRecord {
        let failure = failure.map(|state| crate::state::run_state::Failure {
            sqlstate: Some(state.into()),
            message: "index does not exist".into(),
            ..Default::default()
        });
        RunRecord { command: String::new(), log: vec![], failure, before: Schema::default(), after }
    }

    fn with_column(name: &str) -> Schema {
        let mut schema = fixture::expenses();
        schema.tables[0].columns.push(miglab_core::schema::Column {
            name: name.into(),
            data_type: "uuid".into(),
            not_null: false,
            default: None,
        });
        schema
    }

    fn check(run: &PracticeRun) -> String {
        let checks = Checks {
            tables: with_column("reconciler_run_id").tables,
            round_trip: true,
            downgrade_order: true,
            ..Default::default()
        };
        block_on(judge(&checks, run, &[]))
            .iter()
            .map(|c| format!("{} {}: {}", if c.passed { "pass" } else { "FAIL" }, c.name, c.detail))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn reference_passes_ok() {
        let after = with_column("reconciler_run_id");
        let run = PracticeRun {
            before: fixture::expenses(),
            runs: vec![
                record(after.clone(), None),
                record(fixture::expenses(), None),
                record(after, None),
            ],
            values: vec![],
        };
        assert!(!check(&run).contains("FAIL"), "{}", check(&run));
    }

    #[test]
    fn wrong_downgrade_order_err() {
        let after = with_column("reconciler_run_id");
        let run = PracticeRun {
            before: fixture::expenses(),
            runs: vec![record(after.clone(), None), record(after, Some("42704"))],
            values: vec![],
        };
        let out = check(&run);
        assert!(out.contains("FAIL downgrade() order: Postgres stopped the downgrade: 42704 index does not exist. Dropping a column drops its indexes too"), "{out}");
        assert!(out.contains("FAIL round trip"), "{out}");
    }

    /// drop_guard's Modify: the column goes, and `downgrade()` adds it back at the end with its notes restored.
    fn archive_then_drop() -> (Schema, Schema, Schema) {
        let notes = miglab_core::schema::Column {
            name: "legacy_notes".into(),
            data_type: "text".into(),
            not_null: false,
            default: None,
        };
        let mut before = fixture::expenses();
        before.tables[0].columns.insert(1, notes.clone());
        let mut dropped = fixture::expenses();
        dropped.tables.push(miglab_core::schema::Table {
            name: "expenses_legacy_notes_archive".into(),
            schema: "public".into(),
            row_count: Some(16),
            ..Default::default()
        });
        let mut back = fixture::expenses();
        back.tables[0].columns.push(notes);
        (before, dropped, back)
    }

    #[test]
    fn round_trip_by_name_ok() {
        let (before, dropped, back) = archive_then_drop();
        let (passed, detail) = round_trip(&before, Some(&dropped), Some(&back), Some(&dropped));
        assert!(passed, "{detail}");
        assert!(detail.contains("Note: `expenses` has its columns in another order"), "{detail}");
    }

    #[test]
    fn round_trip_says_what_differs_err() {
        let (before, dropped, mut back) = archive_then_drop();
        back.tables[0].row_count = Some(0);
        back.tables[0].columns.retain(|c| c.name != "legacy_notes");
        let (passed, detail) = round_trip(&before, Some(&dropped), Some(&back), Some(&dropped));
        assert!(!passed);
        assert!(
            detail.starts_with("After downgrade(), the branch is not as it was before upgrade(): "),
            "{detail}"
        );
        assert!(detail.contains("legacy_notes") && detail.contains("0 rows"), "{detail}");
    }

    #[test]
    fn wrong_column_err() {
        let run = PracticeRun {
            before: fixture::expenses(),
            runs: vec![record(with_column("run_id"), None)],
            values: vec![],
        };
        assert!(check(&run).contains("FAIL `expenses` looks as the brief asks"), "{}", check(&run));
    }

    #[test]
    fn threats_ok() {
        let steps = [Step {
            sql: "ALTER TABLE expenses DROP COLUMN legacy_notes".into(),
            autocommit: false,
            span: None,
        }];
        let found = block_on(threats(&steps, Some(&fixture::expenses()))).expect("rules run");
        assert_eq!(
            (found[0].table.as_str(), found[0].column.as_deref()),
            ("expenses", Some("legacy_notes"))
        );
    }

    #[test]
    fn truncate_threat_ok() {
        let steps = [Step { sql: "TRUNCATE expenses".into(), autocommit: false, span: None }];
        let found = block_on(threats(&steps, Some(&fixture::expenses()))).expect("rules run");
        assert_eq!((found[0].table.as_str(), found[0].column.as_deref()), ("expenses", None));
    }

    #[test]
    fn add_column_no_threat_err() {
        let steps = [Step {
            sql: "ALTER TABLE expenses ADD COLUMN review_note text".into(),
            autocommit: false,
            span: None,
        }];
        assert!(block_on(threats(&steps, Some(&fixture::expenses())))
            .expect("rules run")
            .is_empty());
    }

    #[test]
    fn starter_parses_ok() {
        let text = starter("e41c7b9a2f05", Some("3f7a9c2e8d41"), "add reconciler_run_id");
        let reference = MigrationRef { file: Some("make.py".into()), ..Default::default() };
        let migration = block_on(parse(&text, "make.py", &reference)).expect("starter parses");
        assert_eq!(migration.parent(), Some("3f7a9c2e8d41"));
    }
}
