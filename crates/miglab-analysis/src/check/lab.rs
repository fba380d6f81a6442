//! The engine as the lesson checks use it: one lesson set up per database, as the browser sets it up,
//! and reset to the lesson's branch point before every check.

use crate::engine::plan::RunPlan;
use crate::engine::session::{LessonSetup, Prepared};
use crate::engine::{Engine, EngineError, PgError};
use crate::lesson::{experiment_plan, setup_and_query, Application, Experiment};
use crate::locks::Trace;
use crate::migration::Migration;
use crate::schema::Schema;
use serde_json::Value;

/// An engine failure that is not Postgres refusing a statement, as a full sentence: the lesson cannot be checked further.
pub type Broken = String;

pub struct Lab<'e> {
    engine: &'e mut dyn Engine,
    /// The lesson's branch, made right after the seed: the restore point every check starts from.
    branch: String,
}

impl<'e> Lab<'e> {
    /// Sets the lesson up on `engine` (a fresh database) through the engine session, as the browser does;
    /// `Err` inside is the seed's failure.
    pub fn set_up(
        engine: &'e mut dyn Engine,
        setup: &LessonSetup,
    ) -> Result<Result<(Lab<'e>, Prepared), PgError>, Broken> {
        match engine.setup(setup) {
            Ok(prepared) => Ok(Ok((Lab { engine, branch: prepared.branch.clone() }, prepared))),
            Err(error) => failed(error).map(Err),
        }
    }

    /// Back to the lesson's branch point.
    pub fn restart(&mut self) -> Result<(), Broken> {
        self.engine.reset(&self.branch).map_err(|e| e.to_string())
    }

    /// Runs migrations the Alembic way, one run per stretch of the same direction; stops at the first failure.
    pub fn apply(&mut self, applications: &[Application<'_>]) -> Result<Option<PgError>, Broken> {
        self.apply_traced(applications, &mut None)
    }

    /// [`Lab::apply`], tracing the runs' locks into `trace` when it is `Some`: the statements of every run, in order.
    pub fn apply_traced(
        &mut self,
        applications: &[Application<'_>],
        trace: &mut Option<Trace>,
    ) -> Result<Option<PgError>, Broken> {
        for group in applications.chunk_by(|a, b| a.direction == b.direction) {
            let migrations: Vec<Migration> =
                group.iter().map(|a| a.migration.migration.clone()).collect();
            let mut plan = RunPlan::new(&migrations, group[0].direction);
            plan.traced = trace.is_some();
            let report = match self.engine.run(&plan) {
                Ok(report) => report,
                Err(error) => return failed(error).map(Some),
            };
            if let (Some(whole), Some(run)) = (trace.as_mut(), report.trace) {
                whole.statements.extend(run.statements);
            }
            if let Some(failure) = report.failure {
                return Ok(Some(failure.error));
            }
        }
        Ok(None)
    }

    /// Runs an experiment as one migration transaction, never autocommitting; `Some` is the error.
    pub fn exec_in_transaction(
        &mut self,
        experiment: &Experiment,
    ) -> Result<Option<PgError>, Broken> {
        match self.engine.run(&experiment_plan(experiment)) {
            Ok(report) => Ok(report.failure.map(|failure| failure.error)),
            Err(error) => failed(error).map(Some),
        }
    }

    /// Runs a script; `Some` is the error Postgres raised.
    pub fn exec(&mut self, sql: &str) -> Result<Option<PgError>, Broken> {
        postgres(self.engine.exec(sql))
    }

    /// [`Lab::exec`] under the script limit, for SQL that is meant to do a lot of work (`run.scale`).
    pub fn exec_script(&mut self, sql: &str) -> Result<Option<PgError>, Broken> {
        postgres(self.engine.exec_script(sql))
    }

    /// The first column of the first row of the script's last statement, as text; `None` is NULL.
    /// Earlier statements of the script run first, so a query can set up what it reads.
    pub fn value(&mut self, sql: &str) -> Result<Result<Option<String>, PgError>, Broken> {
        let (setup, last) = setup_and_query(sql);
        for statement in &setup {
            if let Some(error) = self.exec(statement)? {
                return Ok(Err(error));
            }
        }
        match self.engine.query(&last) {
            Ok(result) => Ok(Ok(result.rows.first().and_then(|row| row.first()).and_then(text))),
            Err(error) => failed(error).map(Err),
        }
    }

    pub fn schema(&mut self) -> Result<Schema, Broken> {
        self.engine.introspect().map_err(|e| e.to_string())
    }
}

fn postgres(result: Result<(), EngineError>) -> Result<Option<PgError>, Broken> {
    result.map_or_else(|error| failed(error).map(Some), |()| Ok(None))
}

/// A statement's failure as the lesson sees it; anything but Postgres's refusal or the time limit breaks the lab.
/// A statement stopped at the limit is reported as Postgres reports one that `statement_timeout` cancels (57014),
/// with what ran and the limit in the detail; the engine is already back at the seed, so the other checks go on.
fn failed(error: EngineError) -> Result<PgError, Broken> {
    match error {
        EngineError::Postgres(error) => Ok(error),
        EngineError::Timeout { .. } => Ok(PgError {
            sqlstate: "57014".to_owned(),
            message: "canceling statement due to statement timeout".to_owned(),
            detail: Some(error.to_string()),
            hint: None,
            position: None,
            at: None,
        }),
        other => Err(other.to_string()),
    }
}

/// A JSON cell as psql would print it.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "t" } else { "f" }.to_owned()),
        other => Some(other.to_string()),
    }
}
