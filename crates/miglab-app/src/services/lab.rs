//! The lesson's work on the engine: seed and branch, run migrations the way Alembic does, count what a drop would lose.
//!
//! Everything goes through [`Backend`], the few engine calls the app needs, so these flows are tested natively
//! against a fake, and `engine_link.rs` is the one place that adapts the PGlite bridge.
//! Alembic's transaction rules are the model's (`engine::plan`, `engine::runner`); this file only chooses what to run.

pub use crate::state::run_state::Rows;
use crate::state::run_state::{Failure, RunRecord};
use miglab_model::diagnostic::{Diagnostic, LineIndex};
use miglab_model::engine::call::{Answer, Call};
use miglab_model::engine::plan::RunPlan;
use miglab_model::engine::session::{LessonSetup, Prepared};
use miglab_model::engine::{EngineError, RunReport};
use miglab_model::grade::{OrderFailure, OrderRun};
use miglab_model::lesson::{
    split_last_query, transaction_plan, Experiment, Lesson, LessonMigration, MigrationSource,
    RunCommand,
};
use miglab_model::migration::{Direction, Migration, Step};
use miglab_model::schema::Schema;
use std::future::Future;
use std::pin::Pin;

pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, Failure>> + 'a>>;

/// An engine [`Call`]'s answer, with the engine's own error kept whole, as the in-page check replays it.
pub type CallFut<'a> = Pin<Box<dyn Future<Output = Answer> + 'a>>;

pub trait Backend {
    fn exec<'a>(&'a self, sql: &'a str) -> Fut<'a, ()>;
    /// [`Backend::exec`] under the script limit, for SQL meant to do a lot of work (a lesson's `run.scale`).
    fn exec_script<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
        self.exec(sql)
    }
    fn query<'a>(&'a self, sql: &'a str) -> Fut<'a, Rows>;
    fn branch<'a>(&'a self, name: &'a str) -> Fut<'a, ()>;
    fn reset<'a>(&'a self, name: &'a str) -> Fut<'a, ()>;
    fn introspect(&self) -> Fut<'_, Schema>;
    /// Runs a plan the way Alembic does; a failing step is in the report, not an `Err`.
    fn run<'a>(&'a self, plan: &'a RunPlan) -> Fut<'a, RunReport>;
    /// A backup of `table` as a SQL script that restores its rows.
    fn dump_table<'a>(&'a self, table: &'a str) -> Fut<'a, String>;
    /// Sets a lesson up through the engine session, as `miglab check` does (see `engine::session::setup`).
    fn setup<'a>(&'a self, setup: &'a LessonSetup) -> Fut<'a, Prepared>;
    /// Performs one engine call of the in-page `miglab check` (`services::lesson_check`), keeping the engine's error
    /// as it is (a Postgres refusal and a timeout are results the check reads, not failures of the page).
    fn call(&self, call: Call) -> CallFut<'_> {
        let what = call.summary();
        Box::pin(async move {
            Err(EngineError::Protocol(format!("this engine cannot {what} for a lesson check")))
        })
    }
}

/// The branch taken right after boot, so every lesson starts from an empty database.
pub use miglab_model::engine::session::PRISTINE;

/// Seeds the lesson's "production" database and makes its visible branch; returns the schema at the branch point.
/// A seed whose `alembic_version` does not name `database.revision` fails here, as it fails `miglab check`.
pub async fn start(engine: &dyn Backend, lesson: &Lesson) -> Result<(String, Schema), Failure> {
    const TITLE: &str = "The lesson's starting database could not be built";
    let prepared = engine.setup(&LessonSetup::of(lesson)).await.map_err(|f| {
        if f.sqlstate.is_some() {
            retitle(f, TITLE)
        } else {
            f
        }
    })?;
    if let Some(mismatch) = prepared.stamp {
        return Err(Failure::plain(TITLE, mismatch.to_string()));
    }
    Ok((prepared.branch, prepared.schema))
}

/// Runs `commands` from the current revision in one transaction per command, as `alembic upgrade` does on Postgres,
/// stepping out of it for autocommit blocks; a failure rolls the transaction back and names the statement.
pub async fn run(engine: &dyn Backend, lesson: &Lesson, commands: &[RunCommand]) -> RunRecord {
    let command = commands.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    let before = engine.introspect().await.unwrap_or_default();
    // The plan counts from the starting database (`None`), which sits at the lesson's `database.revision`.
    let current = LessonSetup::of(lesson).chain_position(before.alembic_version.as_deref());
    match lesson.plan_from(current.as_deref(), commands) {
        Ok(plan) => {
            let applied: Vec<(&LessonMigration, Direction)> =
                plan.applications.iter().map(|a| (a.migration, a.direction)).collect();
            run_applied(engine, command, before, &applied).await
        }
        Err(message) => {
            let failure =
                Some(Failure::plain("Nothing ran", format!("Alembic cannot run this: {message}.")));
            RunRecord {
                command,
                log: Vec::new(),
                failure,
                before: before.clone(),
                after: before,
                trace: None,
            }
        }
    }
}

/// Runs one migration in one direction, as `alembic upgrade <rev>` or `downgrade -1` would from its parent.
pub async fn run_one(
    engine: &dyn Backend,
    migration: &LessonMigration,
    direction: Direction,
) -> RunRecord {
    let command = match direction {
        Direction::Upgrade => format!("upgrade {}", migration.id()),
        Direction::Downgrade => "downgrade -1".to_owned(),
    };
    let before = engine.introspect().await.unwrap_or_default();
    run_applied(engine, command, before, &[(migration, direction)]).await
}

async fn run_applied(
    engine: &dyn Backend,
    command: String,
    before: Schema,
    applied: &[(&LessonMigration, Direction)],
) -> RunRecord {
    let mut record = RunRecord {
        command,
        log: Vec::new(),
        failure: None,
        before: before.clone(),
        after: before.clone(),
        trace: None,
    };
    // One command runs in one direction; a plan of mixed directions would be two Alembic commands.
    let direction = applied.first().map_or(Direction::Upgrade, |(_, d)| *d);
    let migrations: Vec<Migration> = applied.iter().map(|(m, _)| m.migration.clone()).collect();
    let plan = RunPlan::new(&migrations, direction).traced();
    match engine.run(&plan).await {
        Ok(report) => {
            record.trace = report.trace.clone();
            record.log = report
                .log
                .iter()
                .map(|line| format!("INFO  [alembic.runtime.migration] {line}"))
                .collect();
            if let Some(failed) = report.failure {
                let step = plan.steps.get(failed.step);
                let migration =
                    step.and_then(|s| s.migration).and_then(|i| applied.get(i)).map(|(m, _)| *m);
                let failure = Failure {
                    title: format!(
                        "{} {} failed; Alembic rolled the transaction back",
                        if direction == Direction::Upgrade { "upgrade" } else { "downgrade" },
                        migration.map_or("", |m| m.id())
                    ),
                    sqlstate: Some(failed.error.sqlstate.clone()),
                    message: failed.error.message.clone(),
                    detail: failed.error.detail.clone(),
                    hint: failed.error.hint.clone(),
                    statement: step.map(|s| s.sql.clone()),
                    lines: step.zip(migration).and_then(|(s, m)| lines(m, direction, s.span?)),
                    ..Failure::default()
                };
                record.log.push(format!(
                    "ERROR [alembic.util.messaging] ({}) {}",
                    failed.error.sqlstate, failed.error.message
                ));
                record.failure = Some(failure);
            }
        }
        Err(failure) => record.failure = Some(failure),
    }
    record.after = engine.introspect().await.unwrap_or(before);
    record
}

/// The 1-based lines a step's span covers in the file the student reads.
fn lines(
    migration: &LessonMigration,
    direction: Direction,
    span: miglab_model::diagnostic::Span,
) -> Option<(u32, u32)> {
    let text = match &migration.source {
        MigrationSource::Alembic { text, .. } => text.as_str(),
        MigrationSource::Sql { up, down, .. } => {
            if direction == Direction::Upgrade {
                up
            } else {
                down
            }
        }
    };
    let index = LineIndex::new(text);
    Some((
        index.line_col(span.start).line,
        index.line_col(span.end.saturating_sub(1).max(span.start)).line,
    ))
}

/// `sql` split into statements by the analyzer; a syntax error, or an analyzer that did not answer, is a failure
/// and nothing runs.
async fn statements(sql: &str) -> Result<Vec<Step>, Failure> {
    let (steps, diagnostics) = crate::services::analyzer_link::split(sql)
        .await
        .map_err(|message| Failure::plain("The analyzer did not answer", message))?;
    match diagnostics.into_iter().find(Diagnostic::is_error) {
        Some(d) => Err(Failure::plain("The SQL does not parse", d.message)),
        None => Ok(steps),
    }
}

/// Runs a script statement by statement; the rows of the last statement come back, and the first error stops it.
pub async fn script(engine: &dyn Backend, sql: &str) -> Result<Rows, Failure> {
    let steps = statements(sql).await?;
    let Some((last, rest)) = steps.split_last() else { return Ok(Rows::default()) };
    for step in rest {
        engine.exec(&step.sql).await.map_err(|f| Failure {
            statement: Some(step.sql.clone()),
            title: "The statement failed".into(),
            ..f
        })?;
    }
    engine.query(&last.sql).await.map_err(|f| Failure {
        statement: Some(last.sql.clone()),
        title: "The statement failed".into(),
        ..f
    })
}

/// The first column of the first row of the query's last statement, as psql prints it (`None` for NULL or no row).
/// Earlier statements run first, so a value question or evidence query can set up what it reads, as `miglab check` does.
pub async fn value(engine: &dyn Backend, sql: &str) -> Result<Option<String>, Failure> {
    let steps = statements(sql).await?;
    let (setup, last) = split_last_query(steps.into_iter().map(|step| step.sql).collect());
    for statement in &setup {
        engine
            .exec(statement)
            .await
            .map_err(|f| Failure { statement: Some(statement.clone()), ..f })?;
    }
    let rows =
        engine.query(&last).await.map_err(|f| Failure { statement: Some(last.clone()), ..f })?;
    Ok(rows.rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()))
}

/// A question's query on the state it asks about: from the branch point, the question's `after` commands, then the
/// query through [`value`] (setup statements first), as `miglab check` verifies the key. The caller resets the branch.
pub async fn question_value(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    after: &[RunCommand],
    query: &str,
) -> Result<Option<String>, Failure> {
    engine.reset(branch).await?;
    if let Some(failure) = run(engine, lesson, after).await.failure {
        return Err(failure);
    }
    value(engine, query).await
}

/// A "try it" experiment's SQL on the current state.
/// `in_transaction = true` runs it as one migration transaction on the engine's Alembic runner
/// (`lesson::transaction_plan`), so `CREATE INDEX CONCURRENTLY` fails with 25001 as it does in a migration
/// without `autocommit_block()`; otherwise it runs statement by statement, like a psql prompt.
pub async fn experiment(engine: &dyn Backend, experiment: &Experiment) -> Result<Rows, Failure> {
    if !experiment.in_transaction {
        return script(engine, &experiment.sql).await;
    }
    let plan = transaction_plan(statements(&experiment.sql).await?);
    let report = engine.run(&plan).await?;
    match report.failure {
        None => Ok(Rows::default()),
        Some(failed) => {
            let step = plan.steps.get(failed.step);
            // No `lines`: those mark the migration file above, and this SQL is the experiment's own.
            Err(Failure {
                title:
                    "The statement failed inside the migration's transaction; it was rolled back"
                        .into(),
                sqlstate: Some(failed.error.sqlstate.clone()),
                message: failed.error.message.clone(),
                detail: failed.error.detail.clone(),
                hint: failed.error.hint.clone(),
                statement: step.map(|s| s.sql.clone()),
                lines: None,
                ..Failure::default()
            })
        }
    }
}

/// The statement that ends every order run: it fails on purpose, so the runner rolls back whatever the learner's
/// steps did and the branch is left exactly as it was, whether or not Postgres accepted them.
const ORDER_ROLLBACK: &str =
    "DO $$ BEGIN RAISE EXCEPTION 'miglab rolls the order back' USING ERRCODE = 'P0001'; END $$";

/// Runs a learner's order of steps (one statement each) on the current state as one migration transaction on the
/// engine's Alembic runner, then rolls it back; the first step Postgres refused is in the result.
/// The grader marks an order Postgres refused as wrong, however close it is to the key.
pub async fn run_order(engine: &dyn Backend, steps: &[String]) -> Result<OrderRun, Failure> {
    use miglab_model::engine::plan::{PlanStep, StepKind};
    let step = |sql: &str| PlanStep {
        sql: sql.to_owned(),
        kind: StepKind::Migration,
        autocommit: false,
        log: Vec::new(),
        migration: None,
        span: None,
        documented: Vec::new(),
    };
    let plan = RunPlan {
        direction: Direction::Downgrade,
        steps: steps.iter().map(|s| step(s)).chain([step(ORDER_ROLLBACK)]).collect(),
        traced: false,
    };
    let report = engine.run(&plan).await?;
    match report.failure {
        Some(failed) if failed.step < steps.len() => Ok(OrderRun { failed: Some(OrderFailure { step: failed.step, sqlstate: failed.error.sqlstate, message: failed.error.message }) }),
        Some(_) => Ok(OrderRun::default()),
        // Postgres always refuses the closing statement; a run without a failure means it did not see it.
        None => Err(Failure::plain("Your order could not be tried", "The engine did not roll the order back, so it cannot be graded yet; reset the branch and run the migration again.")),
    }
}

/// [`run_order`] from the state a question asks about: the branch point, then its `after` commands.
/// The caller resets the branch afterwards, as it does after an experiment.
pub async fn run_order_from(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    after: &[RunCommand],
    steps: &[String],
) -> Result<OrderRun, Failure> {
    engine.reset(branch).await?;
    if let Some(failure) = run(engine, lesson, after).await.failure {
        return Err(failure);
    }
    run_order(engine, steps).await
}

fn retitle(mut failure: Failure, title: &str) -> Failure {
    failure.title = title.to_owned();
    failure
}

/// What dropping `table.column` would lose: the non-null count and up to five values.
pub async fn at_stake(
    engine: &dyn Backend,
    table: &str,
    column: Option<&str>,
) -> Result<(u64, Vec<String>), Failure> {
    let (t, c) = (ident(table), column.map(ident));
    let count_sql = match &c {
        Some(c) => format!("SELECT count({c})::text FROM {t}"),
        None => format!("SELECT count(*)::text FROM {t}"),
    };
    let sample_sql = match &c {
        Some(c) => format!("SELECT {c}::text FROM {t} WHERE {c} IS NOT NULL LIMIT 5"),
        None => format!("SELECT row_to_json({t})::text FROM {t} LIMIT 5"),
    };
    let count = engine.query(&count_sql).await?;
    let count = count
        .rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let sample = engine
        .query(&sample_sql)
        .await?
        .rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    Ok((count, sample))
}

/// A double-quoted identifier, so names from lesson files can never break out of the statement.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
pub mod test {
    use super::*;
    use crate::fixture;
    use std::cell::RefCell;

    /// Records every statement; fails the one containing `fail_on`, and, as Postgres does,
    /// a `CONCURRENTLY` statement sent inside a transaction block.
    #[derive(Default)]
    pub struct Fake {
        pub log: RefCell<Vec<String>>,
        pub fail_on: Option<&'static str>,
        pub rows: Rows,
        pub in_transaction: std::cell::Cell<bool>,
    }

    impl Backend for Fake {
        fn exec<'a>(&'a self, sql: &'a str) -> Fut<'a, ()> {
            self.log.borrow_mut().push(sql.to_owned());
            match sql {
                "BEGIN" => self.in_transaction.set(true),
                "COMMIT" | "ROLLBACK" => self.in_transaction.set(false),
                _ => {}
            }
            let error = if self.in_transaction.get() && sql.contains("CONCURRENTLY") {
                Some(("25001", "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"))
            } else {
                self.fail_on
                    .is_some_and(|f| sql.contains(f))
                    .then_some(("42704", "index does not exist"))
            };
            Box::pin(async move {
                match error {
                    Some((sqlstate, message)) => Err(Failure {
                        sqlstate: Some(sqlstate.into()),
                        message: message.into(),
                        ..Default::default()
                    }),
                    None => Ok(()),
                }
            })
        }
        fn query<'a>(&'a self, sql: &'a str) -> Fut<'a, Rows> {
            self.log.borrow_mut().push(sql.to_owned());
            Box::pin(async move { Ok(self.rows.clone()) })
        }
        fn branch<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
            self.log.borrow_mut().push(format!("branch {name}"));
            Box::pin(async { Ok(()) })
        }
        fn reset<'a>(&'a self, name: &'a str) -> Fut<'a, ()> {
            self.log.borrow_mut().push(format!("reset {name}"));
            Box::pin(async { Ok(()) })
        }
        fn introspect(&self) -> Fut<'_, Schema> {
            Box::pin(async {
                Ok(Schema { alembic_version: Some(vec!["9f0e1d2c".into()]), ..Default::default() })
            })
        }
        fn run<'a>(&'a self, plan: &'a RunPlan) -> Fut<'a, RunReport> {
            use miglab_model::engine::runner::{Action, Runner, RunnerConfig};
            Box::pin(async move {
                let mut runner = Runner::new(
                    plan,
                    RunnerConfig { version_table_exists: true, in_branch_transaction: false },
                );
                let mut action = runner.start();
                loop {
                    match action {
                        Action::Exec(sql) => {
                            let outcome =
                                self.exec(&sql).await.map_err(|f| miglab_model::engine::PgError {
                                    sqlstate: f.sqlstate.unwrap_or_default(),
                                    message: f.message,
                                    ..Default::default()
                                });
                            action = runner.next(outcome);
                        }
                        Action::Done(report) => return Ok(report),
                    }
                }
            })
        }
        fn dump_table<'a>(&'a self, table: &'a str) -> Fut<'a, String> {
            Box::pin(async move { Ok(format!("-- backup of {table}")) })
        }
        fn setup<'a>(&'a self, setup: &'a LessonSetup) -> Fut<'a, Prepared> {
            self.log.borrow_mut().push(format!("setup {}", setup.branch));
            Box::pin(async move {
                let schema = self.introspect().await?;
                Ok(Prepared { branch: setup.branch.clone(), schema, stamp: None })
            })
        }
    }

    /// Polls a future that never waits, as every fake call is ready at once.
    pub fn block_on<F: Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    fn upgrade_head() -> Vec<RunCommand> {
        vec!["upgrade head".to_owned().try_into().expect("command")]
    }

    #[test]
    fn run_upgrade_ok() {
        let fake = Fake::default();
        let record = block_on(run(&fake, &fixture::confidence_score().lesson, &upgrade_head()));
        assert!(record.failure.is_none(), "{:?}", record.failure);
        assert_eq!(
            record.log[2],
            "INFO  [alembic.runtime.migration] Running upgrade 9f0e1d2c -> ab12cd34, ab12cd34"
        );
        assert_eq!(
            fake.log.borrow().join("\n"),
            "BEGIN\nALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3)\nUPDATE alembic_version SET version_num='ab12cd34' WHERE alembic_version.version_num = '9f0e1d2c'\nCOMMIT"
        );
        assert_eq!(record.command, "upgrade head");
    }

    #[test]
    fn run_failure_rolls_back_err() {
        let fake = Fake { fail_on: Some("ADD COLUMN"), ..Default::default() };
        let record = block_on(run(&fake, &fixture::confidence_score().lesson, &upgrade_head()));
        let failure = record.failure.expect("failure");
        assert_eq!(failure.sqlstate.as_deref(), Some("42704"));
        assert!(failure.statement.is_some_and(|s| s.contains("ADD COLUMN")));
        assert_eq!(fake.log.borrow().last().map(String::as_str), Some("ROLLBACK"));
        assert!(record.log.last().is_some_and(|l| l.starts_with("ERROR")));
    }

    fn order() -> Vec<String> {
        vec!["ALTER TABLE expenses DROP COLUMN run_id".to_owned(), "DROP INDEX ix_run".to_owned()]
    }

    #[test]
    fn run_order_refused_err() {
        let fake = Fake { fail_on: Some("DROP INDEX"), ..Default::default() };
        let run = block_on(run_order(&fake, &order())).expect("the engine answered");
        let failed = run.failed.expect("Postgres refused a step");
        assert_eq!((failed.step, failed.sqlstate.as_str()), (1, "42704"));
        assert_eq!(
            fake.log.borrow().last().map(String::as_str),
            Some("ROLLBACK"),
            "the order is rolled back"
        );
    }

    #[test]
    fn run_order_accepted_is_rolled_back_ok() {
        let fake = Fake { fail_on: Some("miglab rolls the order back"), ..Default::default() };
        let run = block_on(run_order(&fake, &order())).expect("the engine answered");
        assert_eq!(run, OrderRun::default());
        let log = fake.log.borrow();
        assert_eq!(
            log.iter()
                .filter(|s| s.starts_with("ALTER TABLE") || s.starts_with("DROP INDEX"))
                .count(),
            2,
            "{log:?}"
        );
        assert_eq!(log.last().map(String::as_str), Some("ROLLBACK"));
        assert!(!log.iter().any(|s| s == "COMMIT"), "{log:?}");
    }

    /// The index_concurrently lesson's experiments, as the course ships them.
    fn concurrently_experiments() -> Vec<Experiment> {
        let text = include_str!("../../../../lessons/index_concurrently/lesson.toml");
        let (manifest, diagnostics) =
            miglab_analysis::lesson::parse_manifest("index_concurrently/lesson.toml", text);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        manifest.expect("manifest").investigate.experiments
    }

    #[test]
    fn experiment_in_transaction_25001_err() {
        let experiments = concurrently_experiments();
        let exp =
            experiments.iter().find(|e| e.id == "concurrently-in-transaction").expect("experiment");
        assert!(exp.in_transaction);
        let fake = Fake::default();
        let failure = block_on(experiment(&fake, exp))
            .expect_err("CONCURRENTLY inside Alembic's transaction fails");
        assert_eq!(failure.sqlstate.as_deref(), Some("25001"));
        assert_eq!(failure.statement.as_deref(), Some(exp.sql.as_str()));
        assert_eq!(
            failure.lines, None,
            "the lines would mark the migration file, not the experiment"
        );
        assert_eq!(fake.log.borrow().join("\n"), format!("BEGIN\n{}\nROLLBACK", exp.sql));
    }

    #[test]
    fn experiment_psql_prompt_ok() {
        let mut exp = concurrently_experiments()
            .into_iter()
            .find(|e| e.id == "concurrently-in-transaction")
            .expect("experiment");
        exp.in_transaction = false;
        let fake = Fake::default();
        assert!(
            block_on(experiment(&fake, &exp)).is_ok(),
            "outside a transaction block CONCURRENTLY runs"
        );
        assert_eq!(*fake.log.borrow(), vec![exp.sql.clone()]);
    }

    #[test]
    fn value_setup_then_query_ok() {
        let fake = Fake {
            rows: Rows { columns: vec!["count".into()], rows: vec![vec![Some("0".into())]] },
            ..Default::default()
        };
        let sql = "INSERT INTO users (id) VALUES (9);\nDELETE FROM users WHERE id = 9;\nSELECT count(*) FROM posts WHERE user_id = 9;\n";
        assert_eq!(block_on(value(&fake, sql)).expect("value"), Some("0".to_owned()));
        assert_eq!(
            *fake.log.borrow(),
            vec![
                "INSERT INTO users (id) VALUES (9)",
                "DELETE FROM users WHERE id = 9",
                "SELECT count(*) FROM posts WHERE user_id = 9"
            ]
        );
    }

    #[test]
    fn value_setup_fails_err() {
        let fake = Fake { fail_on: Some("DELETE"), ..Default::default() };
        let failure = block_on(value(&fake, "DELETE FROM users WHERE id = 9; SELECT 1"))
            .expect_err("the setup fails");
        assert_eq!(failure.statement.as_deref(), Some("DELETE FROM users WHERE id = 9"));
        assert_eq!(fake.log.borrow().len(), 1, "the query does not run after a failed setup");
    }

    #[test]
    fn question_value_after_upgrade_ok() {
        let fake = Fake {
            rows: Rows { columns: vec!["count".into()], rows: vec![vec![Some("40".into())]] },
            ..Default::default()
        };
        let got = block_on(question_value(
            &fake,
            &fixture::confidence_score().lesson,
            "b",
            &upgrade_head(),
            "UPDATE expenses SET memo = memo; SELECT count(*) FROM expenses",
        ));
        assert_eq!(got.expect("value"), Some("40".to_owned()));
        let log = fake.log.borrow();
        assert_eq!(log.first().map(String::as_str), Some("reset b"));
        let at = |sql: &str| {
            log.iter().position(|s| s.starts_with(sql)).expect("the statement was sent")
        };
        assert!(
            at("ALTER TABLE expenses ADD COLUMN") < at("UPDATE expenses SET memo")
                && at("UPDATE expenses SET memo") < at("SELECT count(*)")
        );
    }

    #[test]
    fn ident_quote_err() {
        assert_eq!(ident("a\"; DROP TABLE x; --"), "\"a\"\"; DROP TABLE x; --\"");
    }
}
