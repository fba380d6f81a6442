//! Modify and Make: the lesson's checks judged from what the engine did with the student's migration.
//!
//! The engine work is in `services::lesson_flows` and the reading of the file in `services::student_migration`;
//! this file only decides pass or fail, so it is tested natively.

use crate::state::drop_guard::Threat;
use crate::state::progress::CheckResult;
use crate::state::run_state::RunRecord;
use miglab_model::diagnostic::Diagnostic;
use miglab_model::grade::{self, Answer, AnswerKey, Confidence, Response, ValueKey};
use miglab_model::lesson::Checks;
use miglab_model::schema::Schema;

/// A new revision file for the student to fill in, revising `parent` with the lesson's own revision id,
/// so questions that name that id still apply to the student's file.
pub fn starter(revision: &str, parent: Option<&str>, message: &str) -> String {
    let parent_literal = parent.map_or_else(|| "None".to_owned(), |p| format!("\"{p}\""));
    format!(
        "\"\"\"{message}\n\nRevision ID: {revision}\nRevises: {}\n\"\"\"\n\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"{revision}\"\ndown_revision = {parent_literal}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n",
        parent.unwrap_or("")
    )
}

/// The check lines of a file that cannot run: each diagnostic where it points, with its help.
pub fn unreadable(diagnostics: &[Diagnostic]) -> Vec<CheckResult> {
    diagnostics
        .iter()
        .map(|d| CheckResult {
            name: if d.code == "analyzer" { "the analyzer answers" } else { "the file translates" }
                .into(),
            passed: false,
            lines: d.at.map(|a| (a.line, a.line)),
            detail: format!(
                "{}{}{}",
                d.at.map(|a| format!("line {}:{}: ", a.line, a.column)).unwrap_or_default(),
                d.message,
                d.help.as_ref().map(|h| format!(" {h}")).unwrap_or_default()
            ),
        })
        .collect()
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
    /// The branch after the first upgrade, when it finished: what the brief's tables are compared with.
    pub fn upgraded(&self) -> Option<&Schema> {
        self.runs.first().filter(|r| r.failure.is_none()).map(|r| &r.after)
    }

    /// The statements the approval is checked against: what the upgrade did and, where it ran, what the downgrade did.
    /// `None` when the upgrade did not run, so there is nothing to confirm.
    pub fn claims(&self) -> Option<crate::state::gate::RunClaims> {
        let ok = |i: usize| self.runs.get(i).filter(|r| r.failure.is_none()).map(|r| &r.after);
        Some(crate::state::gate::RunClaims::from_run(&self.before, ok(0)?, ok(1)))
    }
}

/// The lesson's checks, one line each, from what the engine did: `tables` are the brief's table checks, which the
/// analyzer module grades ([`crate::services::student_migration::judge`] asks it), placed after the upgrade's line.
pub fn judge(
    checks: &Checks,
    run: &PracticeRun,
    threats: &[Threat],
    tables: Vec<CheckResult>,
) -> Vec<CheckResult> {
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
    let after = run.upgraded();
    out.extend(tables);
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

/// What differs between two states of the branch, matched by name: tables, columns (type, nullability, default),
/// indexes, constraints, enum types and row counts. The alembic version is allowed to differ, and column order is no
/// difference, since Postgres can only add a column at the end.
pub fn round_trip_differences(expected: &Schema, got: &Schema) -> Vec<String> {
    miglab_model::schema::compare::compare(expected, got).differences
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
    let restored = miglab_model::schema::compare::compare(before, back);
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
    let repeated = upgraded.map(|up| miglab_model::schema::compare::compare(up, again));
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

    fn record(after: Schema, failure: Option<&str>) -> RunRecord {
        let failure = failure.map(|state| crate::state::run_state::Failure {
            sqlstate: Some(state.into()),
            message: "index does not exist".into(),
            ..Default::default()
        });
        RunRecord {
            command: String::new(),
            log: vec![],
            failure,
            before: Schema::default(),
            after,
            trace: None,
        }
    }

    fn check(run: &PracticeRun) -> String {
        let checks = Checks {
            tables: fixture::expenses_with_column("reconciler_run_id").tables,
            round_trip: true,
            downgrade_order: true,
            ..Default::default()
        };
        judge(&checks, run, &[], Vec::new())
            .iter()
            .map(|c| format!("{} {}: {}", if c.passed { "pass" } else { "FAIL" }, c.name, c.detail))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn reference_passes_ok() {
        let after = fixture::expenses_with_column("reconciler_run_id");
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
        let after = fixture::expenses_with_column("reconciler_run_id");
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
        let notes = miglab_model::schema::Column {
            name: "legacy_notes".into(),
            data_type: "text".into(),
            not_null: false,
            default: None,
        };
        let mut before = fixture::expenses();
        before.tables[0].columns.insert(1, notes.clone());
        let mut dropped = fixture::expenses();
        dropped.tables.push(miglab_model::schema::Table {
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
    fn unreadable_points_at_the_line_err() {
        let mut syntax = Diagnostic::error("python-syntax", "Expected an expression.");
        syntax.at = Some(miglab_model::diagnostic::LineCol { line: 12, column: 5 });
        syntax.help = Some("Finish the expression.".into());
        let lines =
            unreadable(&[syntax, Diagnostic::error("analyzer", "The analyzer did not load.")]);
        assert_eq!(
            lines.iter().map(|c| (c.name.as_str(), c.detail.as_str(), c.lines)).collect::<Vec<_>>(),
            [
                (
                    "the file translates",
                    "line 12:5: Expected an expression. Finish the expression.",
                    Some((12, 12))
                ),
                ("the analyzer answers", "The analyzer did not load.", None),
            ]
        );
        assert!(lines.iter().all(|c| !c.passed));
    }
}
