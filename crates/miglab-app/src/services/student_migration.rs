//! The student's migration read in the analyzer module: parsed, its destructive steps found, its tables
//! compared with the brief. The pass-or-fail decisions are `state::practice_checks`.

use crate::services::analyzer_link;
use crate::state::drop_guard::Threat;
use crate::state::practice_checks::{self, PracticeRun};
use crate::state::progress::CheckResult;
use miglab_model::diagnostic::Diagnostic;
use miglab_model::grade::{Answer, AnswerKey, Confidence, Response, SchemaKey, SchemaScope};
use miglab_model::lesson::{Checks, LessonMigration, MigrationRef, MigrationSource};
use miglab_model::migration::Step;
use miglab_model::protocol::GradeItem;
use miglab_model::schema::Schema;

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

/// Steps that destroy data, for the drop guard: the analyzer's destructive findings, each with the object it hits.
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

/// The lesson's checks on a practice run, with the brief's tables graded by the analyzer module.
pub async fn judge(checks: &Checks, run: &PracticeRun, threats: &[Threat]) -> Vec<CheckResult> {
    let tables = tables_as_briefed(checks, run.upgraded()).await;
    practice_checks::judge(checks, run, threats, tables)
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

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use crate::services::lab::test::block_on;
    use crate::state::practice_checks::starter;
    use crate::state::run_state::RunRecord;

    #[test]
    fn wrong_column_err() {
        // The brief asks for `reconciler_run_id`; the student added `run_id`.
        let checks = Checks {
            tables: fixture::expenses_with_column("reconciler_run_id").tables,
            ..Default::default()
        };
        let upgrade = RunRecord {
            command: String::new(),
            log: vec![],
            failure: None,
            before: Schema::default(),
            after: fixture::expenses_with_column("run_id"),
            trace: None,
        };
        let run = PracticeRun { before: fixture::expenses(), runs: vec![upgrade], values: vec![] };
        let out = block_on(judge(&checks, &run, &[]));
        let table = out.iter().find(|c| c.name == "`expenses` looks as the brief asks");
        assert!(table.is_some_and(|c| !c.passed), "{out:?}");
    }

    #[test]
    fn threats_ok() {
        let steps = [Step {
            sql: "ALTER TABLE expenses DROP COLUMN legacy_notes".into(),
            autocommit: false,
            span: None,
            documented: Vec::new(),
        }];
        let found = block_on(threats(&steps, Some(&fixture::expenses()))).expect("rules run");
        assert_eq!(
            (found[0].table.as_str(), found[0].column.as_deref()),
            ("expenses", Some("legacy_notes"))
        );
    }

    #[test]
    fn truncate_threat_ok() {
        let steps = [Step {
            sql: "TRUNCATE expenses".into(),
            autocommit: false,
            span: None,
            documented: Vec::new(),
        }];
        let found = block_on(threats(&steps, Some(&fixture::expenses()))).expect("rules run");
        assert_eq!((found[0].table.as_str(), found[0].column.as_deref()), ("expenses", None));
    }

    #[test]
    fn add_column_no_threat_err() {
        let steps = [Step {
            sql: "ALTER TABLE expenses ADD COLUMN review_note text".into(),
            autocommit: false,
            span: None,
            documented: Vec::new(),
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
