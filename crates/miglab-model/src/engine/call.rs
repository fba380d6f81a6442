//! One engine operation as data, and the synchronous [`Engine`] that `miglab check`'s lesson checks are written against.
//!
//! A [`Call`] and its [`Reply`] are serde data, so the same check drives a synchronous engine (the CLI's transports)
//! and, through [`super::replay::Replay`], the browser's asynchronous bridge: the page performs one call at a time
//! and hands the answer back.

use super::plan::RunPlan;
use super::session::{LessonSetup, Prepared};
use super::{EngineError, QueryResult, RunReport};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

/// One operation on an engine's current database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Call {
    /// A script of one or more statements under the statement limit.
    Exec {
        sql: String,
    },
    /// A script under the script limit (a seed, a lesson's `run.scale`).
    ExecScript {
        sql: String,
    },
    /// A statement (or a script) whose last statement's rows come back.
    Query {
        sql: String,
    },
    Introspect,
    /// Migrations run as Alembic runs them.
    Run {
        plan: RunPlan,
    },
    Branch {
        name: String,
    },
    Reset {
        name: String,
    },
    Setup {
        setup: LessonSetup,
    },
}

/// What a [`Call`] gave back when it succeeded; each variant answers the calls its doc names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    /// `Exec`, `ExecScript`, `Branch`, `Reset`.
    Done,
    Rows {
        result: QueryResult,
    },
    Schema {
        schema: Schema,
    },
    Report {
        report: RunReport,
    },
    Prepared {
        prepared: Prepared,
    },
}

/// A call's answer as a log keeps it.
pub type Answer = Result<Reply, EngineError>;

impl Call {
    /// The call in a few words, for a message that names it.
    pub fn summary(&self) -> String {
        let short = |sql: &str| {
            let line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            match line.char_indices().nth(60) {
                Some((cut, _)) => format!("`{}…`", &line[..cut]),
                None => format!("`{line}`"),
            }
        };
        match self {
            Call::Exec { sql } | Call::ExecScript { sql } => format!("run {}", short(sql)),
            Call::Query { sql } => format!("query {}", short(sql)),
            Call::Introspect => "read the schema".to_owned(),
            Call::Run { plan } => format!("run a plan of {} steps", plan.steps.len()),
            Call::Branch { name } => format!("branch `{name}`"),
            Call::Reset { name } => format!("reset to `{name}`"),
            Call::Setup { setup } => format!("set up the lesson on branch `{}`", setup.branch),
        }
    }

    /// Performs the call on a typed engine; how a synchronous engine answers a logged call.
    pub fn perform(self, engine: &mut dyn Engine) -> Answer {
        Ok(match self {
            Call::Exec { sql } => engine.exec(&sql).map(|()| Reply::Done)?,
            Call::ExecScript { sql } => engine.exec_script(&sql).map(|()| Reply::Done)?,
            Call::Query { sql } => Reply::Rows { result: engine.query(&sql)? },
            Call::Introspect => Reply::Schema { schema: engine.introspect()? },
            Call::Run { plan } => Reply::Report { report: engine.run(&plan)? },
            Call::Branch { name } => engine.branch(&name).map(|()| Reply::Done)?,
            Call::Reset { name } => engine.reset(&name).map(|()| Reply::Done)?,
            Call::Setup { setup } => Reply::Prepared { prepared: engine.setup(&setup)? },
        })
    }
}

/// A database a lesson runs on, answering synchronously: the CLI's transports driving the engine session, or a
/// [`super::replay::Replay`] of answers the browser's engine already gave.
pub trait Engine {
    /// Runs a script of one or more statements.
    fn exec(&mut self, sql: &str) -> Result<(), EngineError>;
    /// [`Engine::exec`] under the script limit: SQL that does far more than one statement's work by design (a seed,
    /// a lesson's `run.scale`).
    fn exec_script(&mut self, sql: &str) -> Result<(), EngineError>;
    /// Runs a statement (or a script) and returns the rows of the last one.
    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError>;
    /// Reads every table, index, constraint, enum and the `alembic_version` rows.
    fn introspect(&mut self) -> Result<Schema, EngineError>;
    /// Runs migrations as Alembic does; a failing step is reported in the `RunReport`, not as an `Err`.
    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError>;
    /// Makes a restore point called `name` of the current database.
    fn branch(&mut self, name: &str) -> Result<(), EngineError>;
    /// Returns the database to the restore point `name`.
    fn reset(&mut self, name: &str) -> Result<(), EngineError>;
    /// Sets a lesson up as the browser does: the untouched database, the seed, the lesson's branch, its schema.
    fn setup(&mut self, setup: &LessonSetup) -> Result<Prepared, EngineError>;
}

/// A reply of another shape than the call promises.
pub(super) fn shape(reply: &Reply, due: &str) -> EngineError {
    EngineError::Protocol(format!("{reply:?} where {due} was due"))
}
